#!/usr/bin/env bash
# Soak test: the headless demo, looped, for a set time; samples resident memory and frame rate
# every 10 s and checks that memory stays flat after warm-up (growth <= 5 %), that frames do not
# slow down over time, and that nothing was logged as an error.
#   scripts/soak.sh [MINUTES] [LOGFILE]      default 60 minutes, build/soak.log
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${1:-60}"
log="${2:-build/soak.log}"
[ -x build/vitrine ] || bash scripts/setup.sh
echo "soak: $minutes min of the headless demo; samples in $log"
./build/vitrine run --demo --headless --out - --no-analytics --report-every 10 2>"$log" &
pid=$!
sleep $((minutes * 60))
kill -INT "$pid"
wait "$pid"
rc=$?
python3 - "$log" "$rc" <<'PY'
import re, statistics, sys
log, rc = sys.argv[1], int(sys.argv[2])
rows = []
errors = []
for line in open(log):
    m = re.search(r"report: t (\d+) s, (\d+) frames, ([\d.]+) frames/s, rss (\d+) kB", line)
    if m:
        rows.append(tuple(float(x) for x in m.groups()))
    elif "error" in line.lower():
        errors.append(line.strip())
warm = [r for r in rows if r[0] >= 120] or rows
rss0, rss1, rss_max = warm[0][3], warm[-1][3], max(r[3] for r in warm)
k = max(1, len(warm) // 10)
fps_first, fps_last = statistics.mean(r[2] for r in warm[:k]), statistics.mean(r[2] for r in warm[-k:])
growth = (rss_max - rss0) / rss0 * 100
drift = (fps_first - fps_last) / fps_first * 100
print("soak: %.0f min, %d frames, exit %d" % (rows[-1][0] / 60, rows[-1][1], rc))
print("soak: rss after warm-up %.1f MB, at the end %.1f MB, peak %.1f MB: growth %.2f %%" % (rss0 / 1024, rss1 / 1024, rss_max / 1024, growth))
print("soak: frames/s first tenth %.2f, last tenth %.2f: drift %.2f %%" % (fps_first, fps_last, drift))
print("soak: %d error line(s)" % len(errors))
ok = rc == 0 and growth <= 5 and drift <= 10 and not errors
print("soak: %s" % ("PASS" if ok else "FAIL"))
sys.exit(0 if ok else 1)
PY
