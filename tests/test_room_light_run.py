#!/usr/bin/env python3
"""The room's light through the whole program (issue 15), on a real photo: OpenCV's tutorial
picture of ArUco markers (shared material; skipped without it), made into a 30 frames/s image
sequence whose brightness and white balance change in steps, as a shop's light switched or a
cloud passing. A perfume stands on marker 40. `vitrine run --images` with the catalog's default
"lighting" ("room"): the perfume's rendered mean colour follows each step, darker and warmer in the
dim warm phase, bluer in the cold one (less dim), reaching 90 % of each step within 10 frames;
with "lighting": "studio" it does not change at all. A "lighting" that is neither is a catalog
error naming the key (validate exits 1)."""
import json, os, shutil, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import *
import numpy as np
import cv2

vitrine, shared = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "/nonexistent"
photo = shared_or_skip(shared, "real/markers/opencv_contrib_aruco/singlemarkersoriginal.jpg")
tmp = tempfile.mkdtemp(prefix="vt_roomlight_")
models = os.path.join(tmp, "models")
copy_bundled_models(models)

# The phases: (frames, gain per channel R, G, B applied in linear light).
PHASES = [(20, (1.0, 1.0, 1.0)), (20, (0.45, 0.33, 0.2)), (20, (0.55, 0.7, 0.95))]
STEP_FRAMES = 10   # docs/performance.md states it: the light is 90 % followed in 9, its rendering in 10


def to_linear(v):
    v = v / 255.0
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)


def to_srgb(l):
    l = np.clip(l, 0, 1)
    return np.where(l <= 0.0031308, l * 12.92, 1.055 * l ** (1 / 2.4) - 0.055) * 255.0


base = cv2.imread(photo)
check(base is not None and base.shape[:2] == (480, 640), "the photo reads as 640x480")
lin = to_linear(base.astype(np.float64))
frames_dir = os.path.join(tmp, "frames")
os.makedirs(frames_dir)
inputs, n = [], 0
for count, (r, g, b) in PHASES:
    img = to_srgb(lin * np.array([b, g, r])).round().astype(np.uint8)   # BGR
    for _ in range(count):
        cv2.imwrite(os.path.join(frames_dir, "%03d.png" % n), img)
        inputs.append(img)
        n += 1


def catalog(lighting):
    c = {"version": 1, "store": {"name": "Test", "locale": "en_US", "currency": "EUR"},
         "markers": {"dictionary": "6X6_250", "length_mm": 40},
         "products": [{"id": "perfume", "marker": 40, "name": "Perfume", "price": 12, "model": "perfume.glb",
                       "dimensions_mm": [60, 120, 35]}]}
    if lighting:
        c["lighting"] = lighting
    path = os.path.join(models, "catalog-%s.json" % (lighting or "default"))
    json.dump(c, open(path, "w"))
    return path


def run_frames(lighting):
    out = os.path.join(tmp, "out-%s" % (lighting or "default"))
    log = os.path.join(tmp, "layout-%s.jsonl" % (lighting or "default"))
    r = run([vitrine, "run", "--images", frames_dir, "--catalog", catalog(lighting), "--headless", "--no-analytics",
             "--out", out, "--layout-log", log])
    check(r.returncode == 0, "run (%s): %d %s" % (lighting, r.returncode, r.stderr[-2000:]))
    names = sorted(os.listdir(out)) if os.path.isdir(out) else []
    check(len(names) == n, "run (%s) wrote %d frames of %d" % (lighting, len(names), n))
    layout = [json.loads(l) for l in open(log)] if os.path.exists(log) else []
    return [cv2.imread(os.path.join(out, f)) for f in names], layout


room, layout = run_frames(None)
studio, _ = run_frames("studio")
if len(room) != n or len(studio) != n:
    finish("test_room_light_run")

# The perfume: pixels of the studio run that differ from the photo and are the same in the first and
# the dim phase (the studio's perfume does not change; the photo and the perfume's shadow on it do),
# outside the price tag and any other panel of the layout log.
a, b = studio[15].astype(int), studio[35].astype(int)
mask = (np.abs(a - inputs[15].astype(int)).sum(axis=2) > 30) & (np.abs(a - b).sum(axis=2) <= 3)
for entry in (layout[15], layout[35]):
    rects = [p["tag"] for p in entry["products"]] + [entry[k] for k in ("card", "basket", "hud") if entry.get(k)]
    for x, y, w, h in rects:
        mask[max(0, int(y) - 2):int(y + h) + 3, max(0, int(x) - 2):int(x + w) + 3] = False
print("perfume pixels: %d" % mask.sum())
check(mask.sum() > 400, "the perfume covers %d pixels" % mask.sum())


def mean_rgb(img):
    """The perfume's mean colour, RGB, in linear light (ratios of channels are the light's there)."""
    return to_linear(img[mask].astype(float)).mean(axis=0)[::-1]


def luma(c):
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]


room_means = [mean_rgb(f) for f in room]
studio_means = [mean_rgb(f) for f in studio]
steady = [np.mean(room_means[s + 10:s + 20], axis=0) for s in (0, 20, 40)]
for i, m in enumerate(steady):
    print("phase %d (linear): room %.4f %.4f %.4f (luma %.4f), studio %.4f %.4f %.4f" %
          ((i,) + tuple(m) + (luma(m),) + tuple(np.mean(studio_means[i * 20 + 10:i * 20 + 20], axis=0))))
# The studio's perfume is the same in every frame.
spread = np.max(np.abs(np.array(studio_means) - studio_means[0]))
check(spread < 0.003, "the studio's perfume changes by %.4f (linear)" % spread)
# Dim and warm: darker, and red over blue more than before; cold and bright: brighter, bluer.
check(luma(steady[1]) < 0.6 * luma(steady[0]), "dim phase: luma %.4f against %.4f" % (luma(steady[1]), luma(steady[0])))
check(steady[1][0] / steady[1][2] > 1.5 * steady[0][0] / steady[0][2], "dim phase not warmer: %s against %s" % (steady[1], steady[0]))
check(1.2 * luma(steady[1]) < luma(steady[2]) < luma(steady[0]), "cold phase: luma %.4f against %.4f and %.4f" %
      (luma(steady[2]), luma(steady[0]), luma(steady[1])))
check(steady[2][2] / steady[2][0] > 1.3 * steady[0][2] / steady[0][0], "cold phase not colder: %s against %s" % (steady[2], steady[0]))
# Each step followed: 90 % of the way within STEP_FRAMES frames, and smoothly (not all at once).
for s, before, after in ((20, steady[0], steady[1]), (40, steady[1], steady[2])):
    total = luma(after) - luma(before)
    done = [(luma(room_means[s + k]) - luma(before)) / total for k in range(15)]
    reach = next((k for k, d in enumerate(done) if d >= 0.9), None)
    print("step at frame %d: %s; 90 %% after %s frames" % (s, " ".join("%.2f" % d for d in done[:12]), reach))
    check(reach is not None and reach <= STEP_FRAMES, "step at frame %d: 90 %% after %s frames" % (s, reach))
    check(done[0] < 0.6, "step at frame %d: %.2f of it in its first frame (no smoothing)" % (s, done[0]))

# A "lighting" that is neither: a catalog error at the key.
bad = catalog("sunlight")
r = run([vitrine, "validate", bad])
check(r.returncode == 1 and "lighting" in r.stdout + r.stderr and "studio" in r.stdout + r.stderr,
      "validate of lighting \"sunlight\": %d %s%s" % (r.returncode, r.stdout, r.stderr))

if os.environ.get("VT_KEEP") is None: shutil.rmtree(tmp, ignore_errors=True)
else: print(tmp)
finish("test_room_light_run")
