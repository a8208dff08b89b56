#!/usr/bin/env python3
"""vitrine detect on the shared synthetic bench sets, scored by shared/tools/score.py:
recall, false positives, poses against exact truth, and the video path with frame numbers."""
import math, os, statistics, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import *

vitrine, shared = sys.argv[1], sys.argv[2]
still = shared_or_skip(shared, "bench/still-720p")

# --- still-720p: recall, no false positives, poses ---
T = truth(still)
r = run([vitrine, "detect", "--dict", T["dict"], "--marker-length", str(T["marker_length_m"]),
         "--intrinsics", intrinsics_arg(T), still])
check(r.returncode == 0, "detect still-720p exit %d: %s" % (r.returncode, r.stderr))
s = score(shared, still, r.stdout)
print("still-720p:", s)
check(s["recall"] >= 0.97, "recall %.4f >= 0.97" % s["recall"])
check(s["false_pos"] == 0, "false positives %d == 0" % s["false_pos"])
check(s["images_missing"] == 0, "every image has a line")

det = {os.path.basename(o["file"]): o for o in jsonl(r.stdout)}
rot, worst_t, n = [], 0.0, 0
for im in T["images"]:
    o = det.get(im["file"], {"markers": []})
    for m in im["markers"]:
        c = m["corners"]
        side = min(math.dist(c[i], c[(i + 1) % 4]) for i in range(4))
        if side < 60 or m.get("edge"):
            continue
        d = [x for x in o["markers"] if x["id"] == m["id"] and
             sum(math.dist(a, b) for a, b in zip(x["corners"], c)) / 4 < 3]
        if not d:
            continue
        d = d[0]
        dist = math.sqrt(sum(v * v for v in m["tvec"]))
        terr = math.dist(d["tvec"], m["tvec"]) / dist
        worst_t = max(worst_t, terr)
        check(terr <= 0.02, "%s id %d: translation off by %.2f %% of the distance" % (im["file"], m["id"], terr * 100))
        rot.append(rot_err_deg(d["rvec"], m["rvec"]))
        n += 1
rot.sort()
med, p95 = statistics.median(rot), rot[min(len(rot) - 1, int(math.ceil(0.95 * len(rot))) - 1)]
print("poses (side >= 60 px): %d markers, worst translation %.2f %%, rotation median %.3f deg, p95 %.3f deg"
      % (n, worst_t * 100, med, p95))
check(n >= 50, "enough large markers were matched (%d)" % n)
check(med <= 0.5, "rotation median %.3f <= 0.5 deg" % med)
check(p95 <= 2.0, "rotation p95 %.3f <= 2 deg" % p95)

# --- every other bench folder scores, with floors ---
for name, floor in (("still-1080p", 0.97), ("apriltag-720p", 0.90)):
    b = os.path.join(shared, "bench", name)
    if not os.path.isdir(b):
        print("SKIP: %s absent" % b)
        continue
    t = truth(b)
    r = run([vitrine, "detect", "--dict", t["dict"], "--intrinsics", intrinsics_arg(t), b])
    check(r.returncode == 0, "detect %s exit %d" % (name, r.returncode))
    s = score(shared, b, r.stdout)
    print(name + ":", s)
    check(s["recall"] >= floor and s["false_pos"] == 0, "%s recall %.4f >= %.2f, no false positives" % (name, s["recall"], floor))

# --- the video path: one line per frame, numbered from 0 ---
seq = os.path.join(shared, "bench", "seq-720p")
if os.path.isdir(seq):
    t = truth(seq)
    r = run([vitrine, "detect", "--dict", t["dict"], "--intrinsics", intrinsics_arg(t), os.path.join(seq, "seq.mp4")])
    check(r.returncode == 0, "detect seq.mp4 exit %d: %s" % (r.returncode, r.stderr))
    lines = jsonl(r.stdout)
    check([o.get("frame") for o in lines] == list(range(len(t["images"]))), "frames numbered 0..%d" % (len(t["images"]) - 1))
    check(all(o["file"].endswith("seq.mp4") for o in lines), "each line names the video")
    s = score(shared, seq, r.stdout)
    print("seq-720p:", s)
    check(s["recall"] >= 0.97 and s["false_pos"] == 0, "seq recall %.4f >= 0.97, no false positives" % s["recall"])
    # The pose filter: steadier on the still frames, no flips, little lag on the moving ones.
    import json as _json, subprocess as _sp
    def pose_score(text):
        path = "/tmp/vt_pose_%d.jsonl" % os.getpid()
        open(path, "w").write(text)
        py = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
        out = _sp.run([py, os.path.join(shared, "tools", "pose_score.py"), os.path.join(seq, "truth.json"), path],
                      capture_output=True, text=True).stdout
        os.unlink(path)
        return _json.loads(out.strip().splitlines()[-1])
    raw = pose_score(r.stdout)
    rf = run([vitrine, "detect", "--filter", "--dict", t["dict"], "--intrinsics", intrinsics_arg(t), os.path.join(seq, "seq.mp4")])
    filt = pose_score(rf.stdout)
    print("pose on seq-720p, unfiltered:", raw)
    print("pose on seq-720p, --filter:  ", filt)
    check(raw["flips"] == 0 and filt["flips"] == 0, "no flips")
    check(filt["static_pos_std_mm"] < raw["static_pos_std_mm"] and filt["static_rot_std_deg"] < raw["static_rot_std_deg"],
          "the filter reduces jitter on the still frames")
    check(filt["moving_pos_err_mm"] < 3.0, "the filter lags little when moving (%.2f mm)" % filt["moving_pos_err_mm"])
finish("test_detect_bench")
