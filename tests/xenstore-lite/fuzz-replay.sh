#!/bin/sh
# make check: replay the fuzz corpus through the libFuzzer target (ASan + UBSan), no fuzzing.
# The 10-minute fuzzing run is tests/xenstore-lite/fuzz/run-fuzz.sh [seconds].
exec sh "$(dirname "$0")/fuzz/run-fuzz.sh" 0
