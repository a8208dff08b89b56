#!/usr/bin/env python3
"""The threaded frame loop of `vitrine run` (capture and detection on a thread of their own, the
output encoded on another) against the sequential one (VITRINE_THREADS=1, every step in turn):
over file sources every frame is processed in order, so the frames written, the log and the
analytics are the same; the capture-to-display latency is reported; SIGTERM still ends a run
cleanly with its video playable."""
import json, os, re, shutil, signal, sqlite3, subprocess, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import *
import cv2
import numpy as np

vitrine, shared = sys.argv[1], sys.argv[2]
repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
tmp = tempfile.mkdtemp(prefix="vt_pipe_")
SUMMARY = re.compile(r"capture to display ([\d.]+) ms mean, ([\d.]+) p95")


def run_both(args, name):
    """The same run threaded and sequential: (stderr, frames, analytics events) of each."""
    out = []
    for threads in ("", "1"):
        d, db = os.path.join(tmp, "%s-%s" % (name, threads or "t")), os.path.join(tmp, "%s-%s.sqlite" % (name, threads or "t"))
        env = dict(os.environ, VITRINE_THREADS=threads) if threads else {k: v for k, v in os.environ.items() if k != "VITRINE_THREADS"}
        r = run([vitrine, "run", "--headless", "--out", d, "--analytics", db] + args, timeout=600, env=env)
        frames = [cv2.imread(os.path.join(d, f), cv2.IMREAD_UNCHANGED) for f in sorted(os.listdir(d))] if os.path.isdir(d) else []
        ev = sqlite3.connect(db).execute("SELECT type, product_id, marker, frame, dwell_seconds FROM events ORDER BY id").fetchall()
        out.append((r, frames, ev))
    return out


def same_run(args, name, nframes):
    (rt, ft, et), (rs, fs, es) = run_both(args, name)
    check(rt.returncode == rs.returncode, "%s: exit %d threaded, %d sequential" % (name, rt.returncode, rs.returncode))
    check(len(ft) == nframes and len(fs) == nframes, "%s: %d and %d frames (want %d)" % (name, len(ft), len(fs), nframes))
    differ = [k for k in range(min(len(ft), len(fs))) if ft[k].shape != fs[k].shape or (ft[k] != fs[k]).any()]
    check(not differ, "%s: frames %s differ between the threaded and the sequential loop" % (name, differ[:10]))
    # The log without the summary (times differ): the same lines in the same order.
    logs = [[l for l in r.stderr.splitlines() if " frames/s" not in l] for r in (rt, rs)]
    check(logs[0] == logs[1], "%s: the same log: %r vs %r" % (name, logs[0], logs[1]))
    check(len(et) > 0 and et == es, "%s: the same analytics events (%d, %d)" % (name, len(et), len(es)))
    for r in (rt, rs):
        m = SUMMARY.search(r.stderr)
        check(m and float(m.group(1)) > 0 and float(m.group(2)) > 0, "%s: latency in the summary: %r" % (name, r.stderr[-300:]))
    return rt, rs


# --- the built-in demo (a file-like source: every frame, in order) ---
same_run(["--demo", "--demo-size", "640x360", "--frames", "45"], "demo", 45)

# --- a folder of stills with an unreadable one in the middle: reported at its place, skipped ---
raw = os.path.join(tmp, "raw")
r = run([vitrine, "run", "--demo", "--demo-size", "640x360", "--frames", "30", "--headless", "--out", raw, "--no-analytics", "--no-tour",
         "--catalog", os.path.join(repo, "bench", "catalog-no-products.json")])
check(r.returncode == 0 and len(os.listdir(raw)) == 30, "raw demo frames for a folder: %r" % r.stderr[-300:])
names = sorted(os.listdir(raw))
with open(os.path.join(raw, names[12]), "rb") as f:
    data = f.read()
with open(os.path.join(raw, names[12]), "wb") as f:
    f.write(data[: len(data) // 2])
rt, rs = same_run(["--images", raw, "--frames", "40"], "images", 29)
check(rt.returncode == 2 and names[12] in rt.stderr and "truncated PNG" in rt.stderr, "the bad still named: %r" % rt.stderr[-400:])

# --- a real video, when the shared material is there ---
seq = os.path.join(shared, "bench", "seq-720p", "seq.mp4")
if os.path.exists(seq):
    same_run(["--video", seq, "--frames", "40", "--catalog", os.path.join(repo, "models", "basic-shelf.json")], "video", 40)
else:
    print("note: %s is absent; the video comparison is skipped" % seq)

# --- the report line carries the latency too; SIGTERM ends the threaded run cleanly ---
video = os.path.join(tmp, "term.mp4")
p = Watched([vitrine, "run", "--demo", "--demo-size", "640x360", "--headless", "--out", video, "--no-analytics", "--report-every", "0.2"])
ok = p.wait_for(lambda lines: any("report:" in l for l in lines))
report = next((l for l in p.lines if "report:" in l), "")
check(ok and re.search(r"latency [\d.]+ ms \(p95 [\d.]+\)", report), "report line with latency: %r" % report)
p.proc.send_signal(signal.SIGTERM)
rc, err = p.finish()
check(rc == 0 and "frames/s" in err, "SIGTERM: exit %d, summary printed: %r" % (rc, err[-200:]))
cap = cv2.VideoCapture(video)
n = 0
while cap.read()[0]:
    n += 1
m = re.search(r"run: (\d+) frames", err)
check(m and n == int(m.group(1)), "every frame counted is in the video (%d in it, summary %s)" % (n, m and m.group(1)))

# --- hot reload to another dictionary: the capture thread takes the new tracker ---
cat = json.load(open(os.path.join(repo, "models", "basic-shelf.json")))
for prod in cat["products"]:
    prod["model"] = os.path.join(repo, "models", prod["model"])
live = os.path.join(tmp, "live.json")
def save(dictionary):   # as editors do: a new file renamed over the old one
    cat["markers"]["dictionary"] = dictionary
    json.dump(cat, open(live + ".tmp", "w"))
    os.replace(live + ".tmp", live)
save("6X6_250")   # not the demo's markers: nothing found
p = Watched([vitrine, "run", "--demo", "--demo-size", "640x360", "--headless", "--out", "-", "--catalog", live, "--no-tour",
             "--analytics", os.path.join(tmp, "reload.sqlite"), "--report-every", "0.2"], env=dict(os.environ, VITRINE_LOG="info"))
check(p.wait_for(lambda lines: sum("report:" in l for l in lines) >= 2), "the run goes on before the edit")
save("5X5_100")
check(p.wait_for(lambda lines: any("product_found" in l for l in lines)), "products found once the dictionary is right")
p.proc.send_signal(signal.SIGTERM)
rc, err = p.finish()
lines = err.splitlines()
at = [k for k, l in enumerate(lines) if "reloaded" in l]
found = [k for k, l in enumerate(lines) if "product_found" in l]
check(rc == 0 and at and found and min(found) > at[0], "found only after the reload (%r, %r): %s" % (at, found[:3], err[-300:]))

shutil.rmtree(tmp)
finish("test_pipe")
