#!/usr/bin/env bash
# One command: install what is missing, build, and run the whole test suite — once on the normal
# build and once under AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
VITRINE_BUILD_DIR=build-asan VITRINE_SANITIZE=ON bash scripts/setup.sh

J=$(nproc)
echo "== tests (release build)"
ctest --test-dir build --output-on-failure -j"$J"
echo "== tests (ASan + UBSan build)"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --test-dir build-asan --output-on-failure -j"$J"
