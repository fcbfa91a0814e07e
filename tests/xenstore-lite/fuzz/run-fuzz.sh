#!/bin/sh
# Build the libFuzzer target (clang, ASan + UBSan) and fuzz for $1 seconds (default 600).
#   tests/xenstore-lite/fuzz/run-fuzz.sh [seconds] [builddir]
# New inputs are merged into tests/xenstore-lite/fuzz/corpus (kept small by -merge).
# With seconds = 0 it only replays the corpus (what `make check` does).
set -e
secs=${1:-600}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../../.." && pwd)
out=${2:-${TERN_BUILDDIR:-$src}}/tests/out/xsl-fuzz
command -v clang >/dev/null || { echo "clang not installed: skip"; exit 77; }
mkdir -p "$out"
bin=$out/fuzz_dispatch
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$src/xenstore-lite" -o "$bin" "$here/fuzz_dispatch.c" \
    "$src"/xenstore-lite/proto/*.c \
    $(ls "$src"/xenstore-lite/daemon/*.c | grep -v '/main.c$')
[ -d "$here/corpus" ] || python3 "$here/make_seeds.py" "$here/corpus"
if [ "$secs" = 0 ]; then
    exec "$bin" -runs=0 "$here/corpus"
fi
mkdir -p "$out/new"
"$bin" -max_total_time="$secs" -max_len=8192 -timeout=10 -rss_limit_mb=2048 -close_fd_mask=1 \
    -artifact_prefix="$out/" -print_final_stats=1 "$out/new" "$here/corpus"
"$bin" -merge=1 "$here/corpus" "$out/new" >/dev/null 2>&1
echo "corpus: $(ls "$here/corpus" | wc -l) inputs"
