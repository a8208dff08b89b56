#!/usr/bin/env bash
# Fuzzes the catalog parser with libFuzzer for a bounded time (not part of the default suite).
#   tests/fuzz/run.sh [SECONDS]      default 60
# Needs clang (installed here if missing). Crashes are written to build-fuzz/crashes/; keep each
# one as a regression case in tests/fuzz/regressions/ once fixed: every run replays them first.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs="${1:-60}"
if ! command -v clang >/dev/null; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get install -y -qq clang >/dev/null
fi
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DVITRINE_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >build-fuzz.cmake.log 2>&1 || {
  cat build-fuzz.cmake.log >&2; exit 1; }
cmake --build build-fuzz --target fuzz_catalog -j"$(nproc)" >build-fuzz.build.log 2>&1 || { tail -n 40 build-fuzz.build.log >&2; exit 1; }
mkdir -p build-fuzz/corpus build-fuzz/crashes
cp models/catalog.json tests/fuzz/regressions/* build-fuzz/corpus/ 2>/dev/null || true
echo "fuzz_catalog: replaying regressions"
./build-fuzz/tests/fuzz_catalog tests/fuzz/regressions/* >/dev/null 2>&1
echo "fuzz_catalog: fuzzing for ${secs}s"
./build-fuzz/tests/fuzz_catalog -max_total_time="$secs" -max_len=65536 -artifact_prefix=build-fuzz/crashes/ \
  -dict=tests/fuzz/catalog.dict build-fuzz/corpus 2>&1 | tail -n 4
