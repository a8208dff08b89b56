#!/usr/bin/env python3
"""Glass through the whole program (issue 15): KHR_materials_transmission shows what lies behind
it. `vitrine run --images` over OpenCV's real tutorial photo of ArUco markers (shared material;
skipped without it) with a 6 cm sphere standing on marker 40, written here as glTF twice: with
transmission 1 (thin-walled, then 2 cm thick) and with transmission taken out of the same file.
Inside the sphere's silhouette, the clear glass's pixels correlate with the photo's (the
markers' pattern shows through), the same file without transmission does not (an opaque ball
hides it), and the thick glass refracts: its picture differs from the thin one's. A glass tinted
by its base colour lets the photo through tinted; one with KHR_materials_volume's attenuation
(blue-green after its distance) tints it by the depth travelled, and a thickness map of zeros
takes that depth, and the tint, away; a transmission map of zeros makes it opaque. Rough glass blurs the photo behind it: less fine detail
inside the silhouette than through clear glass, the same colour on average."""
import json, math, os, shutil, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import *
import numpy as np
import cv2

vitrine, shared = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "/nonexistent"
photo = shared_or_skip(shared, "real/markers/opencv_contrib_aruco/singlemarkersoriginal.jpg")
tmp = tempfile.mkdtemp(prefix="vt_glass_")
frames = os.path.join(tmp, "frames")
os.makedirs(frames)
img = cv2.imread(photo)
for i in range(3):
    cv2.imwrite(os.path.join(frames, "%03d.png" % i), img)


def show(name, material, images=None):
    """The run's first frame with the sphere of this material on marker 40 (no contact shadow)."""
    model = os.path.join(tmp, name + ".gltf")
    g = gltf_sphere(material, radius=0.03, uv=images is not None, extensions=("KHR_materials_transmission", "KHR_materials_volume"))
    gltf_embed_images(g, images)
    json.dump(g, open(model, "w"))
    cat = os.path.join(tmp, name + ".json")
    json.dump({"version": 1, "store": {"name": "Test", "locale": "en_US", "currency": "EUR"},
               "markers": {"dictionary": "6X6_250", "length_mm": 40},
               "products": [{"id": "ball", "marker": 40, "name": "Ball", "price": 1, "model": model}]}, open(cat, "w"))
    out = os.path.join(tmp, "out-" + name)
    r = run([vitrine, "run", "--images", frames, "--catalog", cat, "--headless", "--no-analytics", "--no-shadows", "--no-tour",
             "--out", out])
    check(r.returncode == 0, "run %s: %d %s" % (name, r.returncode, r.stderr[-1500:]))
    names = sorted(os.listdir(out)) if os.path.isdir(out) else []
    got = cv2.imread(os.path.join(out, names[-1])) if names else None
    return got if got is not None else np.zeros_like(img)


clear = {"pbrMetallicRoughness": {"baseColorFactor": [1, 1, 1, 1], "metallicFactor": 0, "roughnessFactor": 0.05}}
thin = show("thin", dict(clear, extensions={"KHR_materials_transmission": {"transmissionFactor": 1}}))
thick = show("thick", dict(clear, extensions={"KHR_materials_transmission": {"transmissionFactor": 1},
                                              "KHR_materials_volume": {"thicknessFactor": 0.02}}))
opaque = show("opaque", clear)   # the same material, transmission taken out
tinted = show("tinted", {"pbrMetallicRoughness": {"baseColorFactor": [1, 0.3, 0.3, 1], "metallicFactor": 0, "roughnessFactor": 0.05},
                         "extensions": {"KHR_materials_transmission": {"transmissionFactor": 1}}})
volume = {"KHR_materials_transmission": {"transmissionFactor": 1},
          "KHR_materials_volume": {"thicknessFactor": 0.02, "attenuationColor": [0.3, 0.6, 1], "attenuationDistance": 0.02}}
absorbing = show("absorbing", dict(clear, extensions=volume))
no_depth = dict(volume, KHR_materials_volume=dict(volume["KHR_materials_volume"], thicknessTexture={"index": 0}))
mapped = show("mapped", dict(clear, extensions=no_depth), images=[np.zeros((8, 8, 3), np.uint8)])
unlit = show("unlit", dict(clear, extensions={"KHR_materials_transmission": {"transmissionFactor": 1, "transmissionTexture": {"index": 0}}}),
             images=[np.zeros((8, 8, 3), np.uint8)])
frosted = show("frosted", {"pbrMetallicRoughness": {"baseColorFactor": [1, 1, 1, 1], "metallicFactor": 0, "roughnessFactor": 0.5},
                          "extensions": {"KHR_materials_transmission": {"transmissionFactor": 1}}})

# The silhouette: where the opaque ball changed the photo, away from its edge and the price tag
# (a tag is white on dark; the ball's pixels are grey-white shading). Eroded by 3 px.
diff = np.abs(opaque.astype(int) - img.astype(int)).sum(axis=2) > 40
same_tag = np.abs(opaque.astype(int) - thin.astype(int)).sum(axis=2) == 0   # tag, card: drawn alike in both
mask = cv2.erode((diff & ~same_tag).astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
print("silhouette: %d pixels" % mask.sum())
check(mask.sum() > 1000, "the sphere's silhouette has %d pixels" % mask.sum())


def corr(a):
    x = cv2.cvtColor(a, cv2.COLOR_BGR2GRAY)[mask].astype(float)
    y = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)[mask].astype(float)
    x, y = x - x.mean(), y - y.mean()
    return float((x * y).sum() / math.sqrt((x * x).sum() * (y * y).sum() + 1e-9))


c_thin, c_thick, c_opaque = corr(thin), corr(thick), corr(opaque)
print("correlation with the photo inside the silhouette: thin glass %.3f, thick glass %.3f, opaque %.3f" % (c_thin, c_thick, c_opaque))
check(c_thin > 0.8, "the photo shows through thin clear glass (correlation %.3f)" % c_thin)
check(c_opaque < 0.4, "an opaque ball hides it (correlation %.3f)" % c_opaque)
check(c_thick > c_opaque and np.abs(thick[mask].astype(int) - thin[mask].astype(int)).mean() > 3,
      "thick glass refracts: %.3f, mean change %.1f" % (c_thick, np.abs(thick[mask].astype(int) - thin[mask].astype(int)).mean()))
# A red-tinted glass: the photo through it is redder than through the clear glass.
t, c = tinted[mask].astype(float).mean(axis=0), thin[mask].astype(float).mean(axis=0)
print("through tinted glass BGR %s, clear %s" % (t.round(1), c.round(1)))
check(t[2] - t[0] > c[2] - c[0] + 30 and corr(tinted) > 0.6, "tinted glass: %s against %s (correlation %.3f)" % (t, c, corr(tinted)))
# Attenuation: through 2 cm of glass whose light turns (0.3, 0.6, 1) after 2 cm, bluer than
# through the same clear glass; a thickness map of zeros leaves no depth to tint (and none to
# refract: the thin glass's picture).
a, k, z = absorbing[mask].astype(float).mean(axis=0), thick[mask].astype(float).mean(axis=0), mapped[mask].astype(float).mean(axis=0)
print("through absorbing glass BGR %s, clear thick %s, zero-thickness map %s" % (a.round(1), k.round(1), z.round(1)))
check(a[0] - a[2] > k[0] - k[2] + 30 and a[2] < k[2] - 30, "attenuation: %s against %s" % (a, k))
d0 = np.abs(mapped[mask].astype(int) - thin[mask].astype(int)).mean()
check(d0 < 2 and abs((z[0] - z[2]) - (c[0] - c[2])) < 3, "zero thickness map: %.2f from the thin glass, %s against %s" % (d0, z, c))
# A transmission map of zeros: the glass is opaque where it says so (here everywhere).
c_unlit = corr(unlit)
print("transmission map of zeros: correlation %.3f, %.2f levels from the opaque ball" % (c_unlit, np.abs(unlit[mask].astype(int) - opaque[mask].astype(int)).mean()))
check(c_unlit < 0.4 and np.abs(unlit[mask].astype(int) - opaque[mask].astype(int)).mean() < 2, "a transmission map of zeros makes the glass opaque")

# Rough glass: the photo's fine detail (the markers' cell edges) blurred away inside the silhouette.
def detail(a):
    lap = cv2.Laplacian(cv2.cvtColor(a, cv2.COLOR_BGR2GRAY).astype(float), cv2.CV_64F)
    return float(np.abs(lap[cv2.erode(mask.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0]).mean())


d_clear, d_rough = detail(thin), detail(frosted)
f = frosted[mask].astype(float).mean(axis=0)
print("fine detail inside the silhouette: clear glass %.2f, rough glass %.2f; rough glass BGR %s" % (d_clear, d_rough, f.round(1)))
check(d_rough < 0.6 * d_clear and np.abs(f - c).max() < 25, "rough glass blurs: %.2f against %.2f, %s against %s" % (d_rough, d_clear, f, c))

if os.environ.get("VT_KEEP") is None:
    shutil.rmtree(tmp, ignore_errors=True)
else:
    print(tmp)
finish("test_transmission_run")
