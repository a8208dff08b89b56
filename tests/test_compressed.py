#!/usr/bin/env python3
"""Compressed glTF as web pipelines ship it (issue 15), made here from two bundled models and
from Khronos' textured WaterBottle (shared material; left out without it): Draco
(KHR_draco_mesh_compression, Draco's own draco_transcoder) and what gltfpack writes — quantized
by default (KHR_mesh_quantization), meshopt-compressed with -c and -cc (EXT_meshopt_compression,
its octahedral normals), with -cf's fallback buffer, and as .gltf + .bin. Each loads, and
`vitrine view` renders it within one grey level (mean) of the uncompressed file. A compressed
shoe still switches its colourways; `validate` passes a catalog of compressed models; a
meshopt stream with its bytes damaged and a view whose decoded size lies are refused in one line
naming the file, exit 1."""
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


def same_render(src, packed, label):
    r0, plain = view(src, os.path.basename(packed) + "-plain")
    r1, comp = view(packed, os.path.basename(packed))
    check(r1.returncode == 0 and comp is not None and r1.stderr.count("error") == 0,
          "view of %s: %d %s" % (label, r1.returncode, r1.stderr))
    if plain is None or comp is None:
        return None
    d = abs(plain.astype(float).mean() - comp.astype(float).mean())
    print("%s: %d bytes; mean grey level differs by %.3f" % (label, os.path.getsize(packed), d))
    check(d <= 1.0, "%s renders %.3f grey levels away from the original (at most 1)" % (label, d))
    return comp


# gltfpack: quantized by default, meshopt with -c / -cc, a fallback buffer with -cf, .gltf + .bin.
for src in models:
    name = os.path.splitext(os.path.basename(src))[0]
    for flags, ext in (([], "KHR_mesh_quantization"), (["-c"], "EXT_meshopt_compression"), (["-cc"], "EXT_meshopt_compression"),
                       (["-cf"], "EXT_meshopt_compression"), (["-cc", "gltf"], "EXT_meshopt_compression")):
        suffix = "".join(f for f in flags if f != "gltf")
        out = os.path.join(tmp, "%s%s.%s" % (name, suffix, "gltf" if "gltf" in flags else "glb"))
        p = subprocess.run(["gltfpack", "-i", src, "-o", out] + [f for f in flags if f != "gltf"], capture_output=True, text=True)
        j = json.load(open(out)) if out.endswith(".gltf") else None
        used = set(j.get("extensionsUsed", [])) if j else extensions(out)[0]
        check(p.returncode == 0 and ext in used, "gltfpack %s %s: %s %s" % (name, flags, p.stderr, used))
        same_render(src, out, "%s, gltfpack %s" % (name, " ".join(flags) or "(quantized)"))

# A catalog of compressed models validates; the meshopt-compressed shoe still switches colourways.
cat_dir = os.path.join(tmp, "cat")
cat = copy_bundled_models(cat_dir)
for f in os.listdir(os.path.join(cat_dir)):
    if f.endswith(".glb"):
        p = subprocess.run(["gltfpack", "-i", os.path.join(cat_dir, f), "-o", os.path.join(cat_dir, f), "-cc"], capture_output=True, text=True)
        check(p.returncode == 0, "gltfpack -cc %s: %s" % (f, p.stderr))
r = run([vitrine, "validate", cat])
check(r.returncode == 0, "validate with every bundled model meshopt-compressed: %d %s%s" % (r.returncode, r.stdout, r.stderr))
shoe = os.path.join(shared, "real/models/products/MaterialsVariantsShoe.glb")
if os.path.exists(shoe):
    packed = os.path.join(tmp, "shoe-cc.glb")
    subprocess.run(["gltfpack", "-i", shoe, "-o", packed, "-cc", "-kn", "-km"], capture_output=True)
    means = []
    for v in ("midnight", "beach"):
        out = os.path.join(tmp, "shoe-%s.png" % v)
        r = run([vitrine, "view", packed, "--headless", "--thumbnail", "--variant", v, "--out", out, "--size", "320x240"])
        img = cv2.imread(out) if r.returncode == 0 else None
        check(img is not None, "view --variant %s of the compressed shoe: %d %s" % (v, r.returncode, r.stderr))
        if img is not None:
            means.append(img.reshape(-1, 3).mean(axis=0))
    if len(means) == 2:
        d = float(np.abs(means[0] - means[1]).max())
        print("compressed shoe: midnight vs beach differ by %.1f levels in a channel's mean" % d)
        check(d > 3, "the compressed shoe's variants look the same (%.2f)" % d)
else:
    print("note: %s is absent: the compressed variants are left out" % shoe)


def glb_parts(path):
    d = open(path, "rb").read()
    n = struct.unpack("<I", d[12:16])[0]
    return json.loads(d[20:20 + n]), d[20 + n:]


def write_glb(path, j, rest):
    js = json.dumps(j).encode()
    js += b" " * ((4 - len(js) % 4) % 4)
    body = struct.pack("<II", len(js), 0x4E4F534A) + js + rest
    open(path, "wb").write(struct.pack("<III", 0x46546C67, 2, 12 + len(body)) + body)


# Damaged meshopt data: each refused in one line naming the file (exit 1), never a crash.
packed = os.path.join(tmp, "mug-cc.glb")
j, rest = glb_parts(packed)
comp = [v for v in j["bufferViews"] if "EXT_meshopt_compression" in v.get("extensions", {})]
e = comp[0]["extensions"]["EXT_meshopt_compression"]
damaged = bytearray(rest)
start = 8 + e.get("byteOffset", 0)
for k in range(start, start + e["byteLength"]):
    damaged[k] = 0xA5
broken = os.path.join(tmp, "mug-damaged.glb")
write_glb(broken, j, bytes(damaged))
lying = os.path.join(tmp, "mug-lying.glb")
e["count"] = e["count"] * 1000
write_glb(lying, j, rest)
for f, what in ((broken, "does not decode"), (lying, "decoded")):
    r, _ = view(f, "broken")
    check(r.returncode == 1 and r.stderr.count("\n") == 1 and f in r.stderr and what in r.stderr,
          "view of %s: %d %r" % (os.path.basename(f), r.returncode, r.stderr))

shutil.rmtree(tmp, ignore_errors=True)
finish("test_compressed")
