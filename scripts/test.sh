#!/usr/bin/env bash
# One command: install what is missing, build with warnings as errors, and run the whole test
# suite — once on the normal build and once under AddressSanitizer + UndefinedBehaviorSanitizer.
# docs/testing.md says how to run parts of it, and how to run it on a loaded machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export VITRINE_WERROR=ON
# The suite's expected output is English; tests that check another language set their own locale.
export LC_ALL=C.UTF-8
unset LANGUAGE
bash scripts/setup.sh
VITRINE_BUILD_DIR=build-asan VITRINE_SANITIZE=ON bash scripts/setup.sh

J=$(nproc)
echo "== tests (release build)"
ctest --test-dir build --output-on-failure -j"$J"
echo "== tests (ASan + UBSan build)"
# intercept_tls_get_addr=0: the __tls_get_addr interceptor of GCC 12's libasan guesses a dynamic
# TLS block's bounds from the 16 bytes before it when the block starts 16 bytes into a page (a
# header glibc stopped writing in 2.25); a heap block that lands there by chance hands
# LeakSanitizer's tracer a wild range, and it dies at exit ("Tracer caught signal 11").
# Without the interceptor LeakSanitizer scans fewer roots, so it can only report more, never less.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:intercept_tls_get_addr=0"
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --test-dir build-asan --output-on-failure -j"$J"
