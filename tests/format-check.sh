#!/bin/sh
# Every C file in the tree follows the root .clang-format.
cd "${TERN_SRCDIR:-.}" || exit 1
files=$(git ls-files '*.c' '*.h' 2>/dev/null)
[ -n "$files" ] || { echo "no C files tracked"; exit 77; }
if echo "$files" | xargs clang-format --dry-run -Werror 2>&1 | head -40 | grep .; then
    echo "FAIL: files above are not clang-formatted (run: make format)"
    exit 1
fi
echo "PASS: $(echo "$files" | wc -l) C files are clang-formatted"
