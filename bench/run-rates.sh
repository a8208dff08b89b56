#!/bin/bash
# bench/run-rates.sh [VITRINE] [FRAMES] [REPEATS] — the display's rate and capture-to-display
# latency, headless over the built-in demo (docs/performance.md, issue 14): at 1920x1080 and
# 1280x720, with a shelf's six products on show (the basic shelf, models/basic-shelf.json, on which
# issue 14's targets are measured; RATES_CATALOG=models/catalog.json for the real one) and with none (bench/
# catalog-no-products.json: the same store and markers, no products), each with the threaded frame
# loop and the sequential one (VITRINE_THREADS=1). Best of REPEATS (default 3) by frames/s, since
# the machine is shared; "ratio" is the products run's rate over the no-products run's, same loop.
# Run it on an idle machine: the figures are what the CPU gives when nothing else runs.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
vitrine=${1:-$here/../build/vitrine}
frames=${2:-200}
repeats=${3:-3}
empty=$here/catalog-no-products.json
shelf=${RATES_CATALOG:-$here/../models/basic-shelf.json}

# One run: "FPS LATENCY_MEAN LATENCY_P95 RENDER_MS CAPTURE_MS" from the summary line (latency "-"
# from a build that does not report it).
one() {
    local size=$1 threads=$2; shift 2
    VITRINE_THREADS=$threads "$vitrine" run --demo --headless --frames "$frames" --out - --demo-size "$size" --no-analytics "$@" 2>&1 |
        awk '/frames\/s/ {
            fps = lm = lp = r = c = "-"
            if (match($0, /[0-9.]+ frames\/s/)) fps = substr($0, RSTART, RLENGTH - 9)
            if (match($0, /display [0-9.]+ ms mean, [0-9.]+ p95/)) { split(substr($0, RSTART, RLENGTH), a, " "); lm = a[2]; lp = a[5] }
            if (match($0, /render [0-9.]+ ms/)) { split(substr($0, RSTART, RLENGTH), a, " "); r = a[2] }
            if (match($0, /capture [0-9.]+ ms/)) { split(substr($0, RSTART, RLENGTH), a, " "); c = a[2] }
            print fps, lm, lp, r, c }'
}

best() {
    local top="0 0 0 0 0" r
    for _ in $(seq "$repeats"); do
        r=$(one "$@")
        [ -n "$r" ] && awk -v a="$r" -v b="$top" 'BEGIN { split(a, x, " "); split(b, y, " "); exit !(x[1] > y[1]) }' && top=$r
    done
    echo "$top"
}

printf "# %s, %d frames, best of %d; load average before: %s\n" "$vitrine" "$frames" "$repeats" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-10s %-11s %-12s %8s %14s %12s %10s %11s %6s\n" size loop scene frames/s latency_mean latency_p95 render_ms capture_ms ratio
for size in 1920x1080 1280x720; do
    for loop in threaded sequential; do
        threads=$([ $loop = threaded ] && echo "" || echo 1)
        p=$(best "$size" "$threads" --catalog "$shelf")
        e=$(best "$size" "$threads" --catalog "$empty" --no-tour)
        ratio=$(awk -v a="$p" -v b="$e" 'BEGIN { split(a, x, " "); split(b, y, " "); printf "%.2f", (y[1] > 0 ? x[1] / y[1] : 0) }')
        for scene in products none; do
            v=$([ $scene = products ] && echo "$p" || echo "$e")
            set -- $v
            printf "%-10s %-11s %-12s %8s %14s %12s %10s %11s %6s\n" "$size" "$loop" "$scene" "$1" "$2" "$3" "$4" "$5" \
                "$([ $scene = products ] && echo "$ratio" || echo "")"
        done
    done
done
