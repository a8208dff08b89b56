#!/usr/bin/env python3
"""Compressed glTF as web pipelines ship it (issue 15). Draco (KHR_draco_mesh_compression), made
here with Draco's own transcoder (draco_transcoder) from a bundled model and from Khronos'
textured WaterBottle (shared material; that half skipped without it): loads, and `vitrine view`
renders it within one grey level (mean) of the uncompressed file. What gltfpack writes by default
(KHR_mesh_quantization) and with -cc (EXT_meshopt_compression) is not read yet: one line naming
the file, the extension and the gltfpack option that exports without it, exit 1 — and `validate`
says the same at the product."""
import json, os, shutil, struct, subprocess, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import *
import numpy as np
import cv2

vitrine, shared = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "/nonexistent"
for tool in ("draco_transcoder", "gltfpack"):
    if not shutil.which(tool):
        print("SKIP: %s is not installed (scripts/setup.sh installs it)" % tool)
        sys.exit(77)
repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
tmp = tempfile.mkdtemp(prefix="vt_compressed_")


def extensions(glb):
    d = open(glb, "rb").read()
    n = struct.unpack("<I", d[12:16])[0]
    j = json.loads(d[20:20 + n])
    return set(j.get("extensionsUsed", [])), set(j.get("extensionsRequired", []))


def view(model, name):
    out = os.path.join(tmp, name + ".png")
    r = run([vitrine, "view", model, "--headless", "--thumbnail", "--out", out, "--size", "480x360"])
    img = cv2.imread(out) if r.returncode == 0 else None
    return r, img


models = [os.path.join(repo, "models", "mug.glb"), os.path.join(repo, "models", "lamp.glb")]
bottle = os.path.join(shared, "real/models/products/WaterBottle.glb")
if os.path.exists(bottle):
    models.append(bottle)
else:
    print("note: %s is absent: the textured model is left out" % bottle)
for src in models:
    name = os.path.splitext(os.path.basename(src))[0]
    draco = os.path.join(tmp, name + "-draco.glb")
    p = subprocess.run(["draco_transcoder", "-i", src, "-o", draco], capture_output=True, text=True)
    check(p.returncode == 0 and os.path.exists(draco), "draco_transcoder %s: %s" % (name, p.stdout + p.stderr))
    if not os.path.exists(draco):
        continue
    used, _ = extensions(draco)
    check("KHR_draco_mesh_compression" in used, "%s: the transcoder's output uses Draco (%s)" % (name, used))
    r0, plain = view(src, name)
    r1, comp = view(draco, name + "-draco")
    check(r1.returncode == 0 and comp is not None, "view of the Draco copy of %s: %d %s" % (name, r1.returncode, r1.stderr))
    if plain is None or comp is None:
        continue
    d = abs(plain.astype(float).mean() - comp.astype(float).mean())
    print("%s: %d bytes, Draco %d bytes; mean grey level differs by %.3f" % (name, os.path.getsize(src), os.path.getsize(draco), d))
    check(d <= 1.0, "%s: the Draco copy renders %.3f grey levels away (at most 1)" % (name, d))

# gltfpack: quantized by default, meshopt-compressed with -cc. Each refused in one line.
src = models[0]
for flags, ext, hint in (([], "KHR_mesh_quantization", "gltfpack -noq"), (["-cc"], "EXT_meshopt_compression", "without -c or -cc")):
    out = os.path.join(tmp, "mug%s.glb" % "".join(flags))
    p = subprocess.run(["gltfpack", "-i", src, "-o", out] + flags, capture_output=True, text=True)
    check(p.returncode == 0 and ext in extensions(out)[1], "gltfpack %s: %s" % (flags, p.stderr))
    r, _ = view(out, "packed")
    check(r.returncode == 1 and r.stderr.count("\n") == 1 and out in r.stderr and ext in r.stderr and hint in r.stderr,
          "view of gltfpack %s's output: %d %r" % (flags, r.returncode, r.stderr))
    cat_dir = os.path.join(tmp, "cat%s" % "".join(flags))
    cat = copy_bundled_models(cat_dir)
    shutil.copy(out, os.path.join(cat_dir, "mug.glb"))
    r = run([vitrine, "validate", cat])
    check(r.returncode == 1 and "mug-bleu" in r.stdout + r.stderr and ext in r.stdout + r.stderr,
          "validate with gltfpack %s's mug: %d %s%s" % (flags, r.returncode, r.stdout, r.stderr))

shutil.rmtree(tmp, ignore_errors=True)
finish("test_compressed")
