#!/usr/bin/env bash
# Fuzzes Vitrine's parsers with libFuzzer for a bounded time each (not part of the default suite):
#   catalog  the catalog parser and checker            (vt_catalog_parse_text)
#   calib    the calibration-file reader               (vt_camera_load: FileStorage YAML/XML/JSON)
#   model    the model-loading entry point             (vt_model_load: glTF checks, then assimp)
#   nodes    glTF node graphs generated from the bytes (depth, count, cycles; vt_model_load)
#   obj      an OBJ, its .mtl and a texture from the bytes (OBJ limits, MTL, texture headers)
#   meshopt  compressed and quantized GLBs (EXT_meshopt_compression, KHR_mesh_quantization; vt_model_load)
#   console  requests through the web console (vt_console_serve: routing, login, CSRF, handlers)
# usage: tests/fuzz/run.sh [SECONDS] [TARGET...]      default 60 s each, all targets
# Needs clang (installed here if missing). A crash is written to build-fuzz/crashes/TARGET/; once
# fixed, keep the input in tests/fuzz/regressions/TARGET/: every run replays those first, and the
# catalog ones are also replayed by ctest (test_catalog).
set -euo pipefail
cd "$(dirname "$0")/../.."
secs="${1:-60}"; shift || true
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=(catalog calib model nodes obj meshopt console)
if ! command -v clang >/dev/null; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get install -y -qq clang >/dev/null
fi
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DVITRINE_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >build-fuzz.cmake.log 2>&1 || {
  cat build-fuzz.cmake.log >&2; exit 1; }
export ASAN_OPTIONS="detect_leaks=1"
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
status=0
for t in "${targets[@]}"; do
  cmake --build build-fuzz --target "fuzz_$t" -j"$(nproc)" >build-fuzz.build.log 2>&1 || { tail -n 40 build-fuzz.build.log >&2; exit 1; }
  corpus="build-fuzz/corpus/$t"; crashes="build-fuzz/crashes/$t"
  mkdir -p "$corpus" "$crashes"
  cp tests/fuzz/regressions/"$t"/* "$corpus"/ 2>/dev/null || true
  echo "fuzz_$t: replaying tests/fuzz/regressions/$t"
  ./build-fuzz/tests/fuzz_"$t" tests/fuzz/regressions/"$t"/* >/dev/null 2>&1 || { echo "fuzz_$t: a regression input fails again"; status=1; }
  echo "fuzz_$t: fuzzing for ${secs}s"
  dict=(); [ -f "tests/fuzz/$t.dict" ] && dict=(-dict="tests/fuzz/$t.dict")
  if ! ./build-fuzz/tests/fuzz_"$t" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=4096 \
       -artifact_prefix="$crashes/" "${dict[@]}" "$corpus" >"build-fuzz/$t.log" 2>&1; then
    echo "fuzz_$t: FOUND A PROBLEM, see build-fuzz/$t.log and $crashes/"; status=1
  fi
  grep -E "^(Done|#[0-9]+ *DONE)" "build-fuzz/$t.log" | tail -n 1 || tail -n 2 "build-fuzz/$t.log"
done
exit $status
