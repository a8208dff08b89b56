#!/usr/bin/env bash
# Memcheck over the headless demo: every frame of the pipeline (capture, detection, pose, GL
# rendering on llvmpipe, read-back) under valgrind. Exit 0 when valgrind reports no error.
#   scripts/valgrind.sh [FRAMES] [WxH]      default 300 frames at 320x180 (llvmpipe under valgrind
#                                           takes seconds per 720p frame)
set -euo pipefail
cd "$(dirname "$0")/.."
frames="${1:-300}"; size="${2:-320x180}"
[ -x build/vitrine ] || bash scripts/setup.sh
log=build/valgrind.log
valgrind --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
  --suppressions=tests/valgrind.supp --gen-suppressions=all --num-callers=30 \
  ./build/vitrine run --demo --demo-size "$size" --headless --frames "$frames" --out - --no-analytics >"$log" 2>&1 && rc=0 || rc=$?
grep -E "ERROR SUMMARY|definitely lost|frames \(" "$log" | tail -n 3
[ "$rc" -eq 0 ] && echo "valgrind: clean ($frames frames at $size)" || echo "valgrind: errors, see $log"
exit "$rc"
