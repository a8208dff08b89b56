#!/usr/bin/env python3
"""The bundled shelf of real products, the default catalog (models/catalog.json; no shared
material needed).

1. models/ stays under 25 MB; every real model there is credited in models/ATTRIBUTION.md.
2. The catalog validates; each product, placed as the catalog places it on its marker
   (`vitrine view --catalog --product --strict`), has no warning: true size, standing on its base.
3. `vitrine run --demo` given no catalog is over it: every product has its tag on the last frame (--layout-log), and
   the picture around each marker is the real model's, not the grey stand-in box the same
   catalog gets without its models (pixels read back); the shoe shows its "street" colourway
   and not the file's default one."""
import json, os, shutil, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import *
import cv2
import numpy as np

vitrine = sys.argv[1]
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
models = os.path.join(root, "models")
cat_path = os.path.join(models, "catalog.json")
tmp = tempfile.mkdtemp(prefix="vt_shelf_")
cat = json.load(open(cat_path))

# --- 1. size and credits ---
size = sum(os.path.getsize(os.path.join(models, f)) for f in os.listdir(models) if os.path.isfile(os.path.join(models, f)))
print("models/: %.1f MB" % (size / 1e6))
check(size < 25e6, "models/ under 25 MB (%.1f MB)" % (size / 1e6))
credits = open(os.path.join(models, "ATTRIBUTION.md")).read()
for p in cat["products"]:
    check(p["model"] in credits, "%s credited in models/ATTRIBUTION.md" % p["model"])

# --- 2. validate, and each product as placed ---
r = run([vitrine, "validate", cat_path])
check(r.returncode == 0 and "warning" not in r.stderr, "validate: %s" % r.stderr.strip())
for p in cat["products"]:
    r = run([vitrine, "view", "--catalog", cat_path, "--product", p["id"], "--headless", "--size", "320x240",
             "--out", os.path.join(tmp, p["id"] + ".png"), "--strict"])
    check(r.returncode == 0 and "warning" not in r.stderr, "%s as placed: no warning (%s)" % (p["id"], r.stderr.strip()))


# --- 3. the demo over it, against the same catalog without its models ---
def demo(catalog, name):
    """catalog None: the one a run is given none of (vt_testlib names the basic shelf for the
    other tests; this run is as a user's, without it)."""
    out, log = os.path.join(tmp, name), os.path.join(tmp, name + ".jsonl")
    env = {k: v for k, v in os.environ.items() if k != "VITRINE_CATALOG"}
    r = run([vitrine, "run", "--demo", "--demo-size", "640x360", "--headless", "--no-tour", "--frames", "90",
             "--out", out, "--no-analytics", "--layout-log", log] + (["--catalog", catalog] if catalog else []), env=env)
    check(r.returncode == 0, "the demo over %s: %s" % (name, r.stderr[-300:]))
    last = [json.loads(l) for l in open(log)][-1] if os.path.exists(log) else {"products": []}
    return cv2.imread(os.path.join(out, "frame_00089.png")), {q["id"]: q for q in last["products"]}


bare = dict(cat, products=[{k: v for k, v in p.items() if k not in ("model", "variant", "offset_mm", "rotation_deg")}
                           for p in cat["products"]])
bare_path = os.path.join(tmp, "bare.json")
json.dump(bare, open(bare_path, "w"))
default_shoe = json.loads(json.dumps(cat))
for p in default_shoe["products"]:
    p["model"] = os.path.join(models, p["model"])
    p.pop("variant", None)
default_path = os.path.join(tmp, "default-shoe.json")
json.dump(default_shoe, open(default_path, "w"))

real, placed = demo(None, "real")
box, _ = demo(bare_path, "bare")
plain, _ = demo(default_path, "default-shoe")
check(real is not None and box is not None and plain is not None, "the three runs wrote their last frame")
for p in cat["products"]:
    q = placed.get(p["id"])
    check(q is not None and q.get("tag"), "%s: a tag on the last frame" % p["id"])
    if q is None or real is None or box is None:
        continue
    m = np.array(q["marker"], float)
    cx, cy = m.mean(0)
    side = max(12, int(np.linalg.norm(m[0] - m[2])))
    # the product stands on its marker: a window from the marker up to about a side above it
    y0, y1 = max(0, int(cy - 2 * side)), min(real.shape[0], int(cy + side // 2))
    x0, x1 = max(0, int(cx - side)), min(real.shape[1], int(cx + side))
    d = np.abs(real[y0:y1, x0:x1].astype(int) - box[y0:y1, x0:x1].astype(int)).max(2) > 40
    print("%-20s marker %3d px: %5.1f %% of the window differs from the stand-in box" % (p["id"], side, 100 * d.mean()))
    check(d.mean() > 0.06, "%s: the real model drawn, not the stand-in box (%.1f %%)" % (p["id"], 100 * d.mean()))
    if p["id"] == "runner-x" and plain is not None:
        v = np.abs(real[y0:y1, x0:x1].astype(int) - plain[y0:y1, x0:x1].astype(int)).max(2) > 40
        print("runner-x: %.1f %% of the window differs between street and the default colourway (midnight)" % (100 * v.mean()))
        check(v.mean() > 0.05, "the shoe in its street colourway, not the default (midnight)")

cv2.imwrite(os.path.join(tmp, "side-by-side.png"), np.hstack([box, real]) if real is not None and box is not None else np.zeros((8, 8, 3), np.uint8))
if os.environ.get("VT_KEEP"):
    print("kept %s" % tmp)
else:
    shutil.rmtree(tmp)
finish("test_real_shelf")
