#!/usr/bin/env python3
"""vitrine detect on the shared synthetic bench sets, scored by shared/tools/score.py:
recall, false positives, corner accuracy, poses against exact truth, the video path with frame
numbers, the tracker (--track: markers appearing and leaving, no flips) and the pose filter.
Speed is not asserted here: see bench/vt_bench.c and docs/performance.md."""
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
check(s["recall"] >= 0.995, "recall %.4f >= 0.995" % s["recall"])
check(s["false_pos"] == 0, "false positives %d == 0" % s["false_pos"])
# Three of the sixty images are motion-blurred one way, which shifts every edge by up to a pixel
# from where the truth (the start of the exposure) has it; the rest are far under 0.1 px.
check(s["corner_rmse_px"] <= 0.30, "corner RMSE %.4f <= 0.30 px" % s["corner_rmse_px"])
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
for name, floor in (("still-1080p", 0.995), ("apriltag-720p", 0.98)):
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

# --- real photos of AprilTag 36h11 dice: the tags listed beside each photo, at their corners ---
import re
at = os.path.join(shared, "real", "markers", "apriltag_tag36h11")
if os.path.isdir(at):
    # Counts found of the listed tags (12, 25, 10); two tags of the middle photo are 10 and 13 px
    # across, seen edge-on, and are not read (docs/performance.md).
    floors = {"33369213973_9d9bb4cc96_c": 12, "34085369442_304b6bafd9_c": 23, "34139872896_defdb2f8d9_c": 10}
    for stem, floor in sorted(floors.items()):
        listed = []
        for line in open(os.path.join(at, stem + ".txt")):
            pts = [tuple(map(float, p.split())) for p in re.findall(r"\(([^)]*)\)", line)]
            if len(pts) == 4:
                listed.append(pts)
        r = run([vitrine, "detect", "--dict", "APRILTAG_36h11", os.path.join(at, stem + ".jpg")])
        check(r.returncode == 0, "detect %s exit %d" % (stem, r.returncode))
        got = jsonl(r.stdout)[0]["markers"]
        found, worst = 0, 0.0
        for e in listed:
            ce = [sum(p[0] for p in e) / 4, sum(p[1] for p in e) / 4]
            near = [g for g in got if math.dist(ce, [sum(p[0] for p in g["corners"]) / 4,
                                                     sum(p[1] for p in g["corners"]) / 4]) < 5]
            if not near:
                continue
            found += 1
            # The listed corners are AprilTag's: its own order, and pixel centres at +0.5.
            ours = [(q[0] + 0.5, q[1] + 0.5) for q in near[0]["corners"]]
            worst = max(worst, sum(min(math.dist(p, q) for q in ours) for p in e) / 4)
        print("%s: %d of %d listed tags, worst mean corner distance %.2f px, %d reported" %
              (stem, found, len(listed), worst, len(got)))
        check(found >= floor, "%s: %d >= %d of the listed tags" % (stem, found, floor))
        # A tag seen nearly edge-on (5 px tall) puts its sharp corners a few pixels off.
        check(worst <= 1.5, "%s: each tag's corners within 1.5 px on average of the listed ones (%.2f)" % (stem, worst))
        check(all(g["id"] == 0 for g in got), "%s: every tag on the dice is id 0" % stem)
else:
    print("SKIP: %s absent" % at)

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
    check(s["recall"] >= 0.995 and s["false_pos"] == 0, "seq recall %.4f >= 0.995, no false positives" % s["recall"])
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

    # --- the tracker over the whole video: same recall, no false positives, no flips ---
    rt = run([vitrine, "detect", "--track", "--filter", "--dict", t["dict"], "--intrinsics", intrinsics_arg(t),
              os.path.join(seq, "seq.mp4")])
    check(rt.returncode == 0, "detect --track exit %d: %s" % (rt.returncode, rt.stderr))
    s = score(shared, seq, rt.stdout)
    tf = pose_score(rt.stdout)
    print("seq-720p --track:", s, "--filter:", tf)
    check(s["recall"] >= 0.995 and s["false_pos"] == 0, "tracked recall %.4f >= 0.995, no false positives" % s["recall"])
    check(s["corner_rmse_px"] <= 0.15, "tracked corners within %.4f <= 0.15 px RMS" % s["corner_rmse_px"])
    check(tf["flips"] == 0 and tf["moving_pos_err_mm"] < 3.0, "tracked and filtered: no flips, moving error < 3 mm")

    # --- a marker that appears mid-stream, one that leaves: frames written as a folder ---
    import cv2, tempfile
    cap = cv2.VideoCapture(os.path.join(seq, "seq.mp4"))
    ids = [m["id"] for m in t["images"][0]["markers"] if not m.get("edge")]
    comes, goes = ids[0], ids[1]
    def hide(img, corners):
        c = [sum(p[0] for p in corners) / 4, sum(p[1] for p in corners) / 4]
        poly = [[int(c[0] + (p[0] - c[0]) * 1.4), int(c[1] + (p[1] - c[1]) * 1.4)] for p in corners]
        import numpy as np
        cv2.fillConvexPoly(img, np.array(poly, np.int32), (120, 120, 120))
    with tempfile.TemporaryDirectory() as d:
        for i in range(40):
            ok, img = cap.read()
            check(ok, "frame %d of seq.mp4 decodes" % i)
            for m in t["images"][i]["markers"]:
                if (m["id"] == comes and i < 20) or (m["id"] == goes and i >= 20):
                    hide(img, m["corners"])
            cv2.imwrite(os.path.join(d, "f%03d.png" % i), img)
        rt = run([vitrine, "detect", "--track", "--dict", t["dict"], d])
        check(rt.returncode == 0, "detect --track on a folder exit %d: %s" % (rt.returncode, rt.stderr))
        frames = jsonl(rt.stdout)
        check(len(frames) == 40, "a line per frame of the folder")
        seen = [[m["id"] for m in o["markers"]] for o in frames]
        first = next((i for i in range(40) if comes in seen[i]), None)
        print("appearing marker %d first reported at frame %s (shown from 20); leaving marker %d last at %s" %
              (comes, first, goes, max([i for i in range(40) if goes in seen[i]], default=None)))
        check(first is not None and 20 <= first <= 21, "the appearing marker is found within 2 frames")
        check(all(goes not in seen[i] for i in range(20, 40)), "the leaving marker is dropped at once (no ghost)")
        check(all(goes in seen[i] for i in range(20)), "the leaving marker was tracked while it was there")
        others = [x for x in ids if x not in (comes, goes)]
        check(all(all(x in seen[i] for x in others) for i in range(40)), "the other markers are tracked throughout")
finish("test_detect_bench")
