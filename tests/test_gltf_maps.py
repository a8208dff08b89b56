#!/usr/bin/env python3
"""How glTF's maps are read (issue 15), through `vitrine view`. KHR_texture_transform and the
second uv set: a quad whose
texture is red on its left half and blue on its right, in glTF files written here that differ
only in how the base colour map reads its uvs. The picture's halves (or quarters) show which
colour lands where: an offset of half the texture swaps the halves, texCoord 1 (a mirrored uv set)
swaps them too, a scale of 2 gives four stripes, a rotation of 90 degrees turns the halves from
left/right to top/bottom (u' = cos r u + sin r v, the direction of Khronos' glTF sample viewer
and three.js), and all three at once follow the extension's order (offset after rotation after
scale). Without the extension the file draws the plain halves. The factors on maps and
emission: KHR_materials_emissive_strength brightens the emission, occlusionTexture.strength 0
leaves the quad as if it had no map (1 darkens it), normalTexture.scale 0 flattens a tilted normal
map to the plain quad (1 changes its shading). The layers over the base, on a sphere:
KHR_materials_clearcoat adds a lacquer's reflection (factor 0: the plain material, to the bit;
its factor map of black takes it away, of white keeps it),
KHR_materials_sheen brightens a velvet most at its silhouette (colour 0: the plain material; a
black colour map takes it away, a roughness map scales its roughness).
KHR_materials_specular: factor 0 takes the dielectric reflection away, a red colour reddens it;
its maps do the same (the strength's alpha, the colour's sRGB RGB).
KHR_materials_iridescence colours a grey sphere's reflection, in other colours for another film
thickness (factor 0: the plain material, to the bit).
alphaMode: OPAQUE ignores a texture's alpha, MASK leaves out what is below the cutoff, BLEND lets
the backdrop through by the alpha."""
import base64, json, math, os, struct, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import *
import cv2
import numpy as np

vitrine = sys.argv[1]
tmp = tempfile.mkdtemp(prefix="vt_uvxform_")

# A 10 cm quad standing on y = 0, facing +Z (the front), glTF uvs with v = 0 at the top.
pos = [(-0.05, 0, 0), (0.05, 0, 0), (0.05, 0.1, 0), (-0.05, 0.1, 0)]
uv0 = [(0, 1), (1, 1), (1, 0), (0, 0)]
uv1 = [(1 - u, v) for u, v in uv0]   # mirrored left to right
nrm = [(0, 0, 1)] * 4
idx = [0, 1, 2, 0, 2, 3]
blob = b"".join(struct.pack("<3f", *p) for p in pos) + b"".join(struct.pack("<3f", *n) for n in nrm) + \
       b"".join(struct.pack("<2f", *t) for t in uv0) + b"".join(struct.pack("<2f", *t) for t in uv1) + \
       struct.pack("<6H", *idx) + b"\0\0"
tex = np.zeros((64, 64, 3), np.uint8)
tex[:, :32] = (40, 40, 230)    # BGR: red on the left
tex[:, 32:] = (230, 60, 40)    # blue on the right
png = cv2.imencode(".png", tex)[1].tobytes()


def gltf(material, images=(png,)):
    views = [(0, 48), (48, 48), (96, 32), (128, 32), (160, 12)]
    return {
        "asset": {"version": "2.0"},
        "extensionsUsed": ["KHR_texture_transform", "KHR_materials_emissive_strength"],
        "scene": 0, "scenes": [{"nodes": [0]}], "nodes": [{"mesh": 0}],
        "meshes": [{"primitives": [{"attributes": {"POSITION": 0, "NORMAL": 1, "TEXCOORD_0": 2, "TEXCOORD_1": 3},
                                    "indices": 4, "material": 0}]}],
        "materials": [dict(material, doubleSided=True)],
        "textures": [{"source": i, "sampler": 0} for i in range(len(images))], "samplers": [{"magFilter": 9728, "minFilter": 9728}],
        "images": [{"uri": "data:image/png;base64," + base64.b64encode(im).decode()} for im in images],
        "buffers": [{"byteLength": len(blob), "uri": "data:application/octet-stream;base64," + base64.b64encode(blob).decode()}],
        "bufferViews": [{"buffer": 0, "byteOffset": o, "byteLength": n} for o, n in views],
        "accessors": [
            {"bufferView": 0, "componentType": 5126, "count": 4, "type": "VEC3", "min": [-0.05, 0, 0], "max": [0.05, 0.1, 0]},
            {"bufferView": 1, "componentType": 5126, "count": 4, "type": "VEC3"},
            {"bufferView": 2, "componentType": 5126, "count": 4, "type": "VEC2"},
            {"bufferView": 3, "componentType": 5126, "count": 4, "type": "VEC2"},
            {"bufferView": 4, "componentType": 5123, "count": 6, "type": "SCALAR"}],
    }


def render(name, texinfo=None, material=None, images=(png,)):
    """The quad in vitrine view's picture: its base colour map read through texinfo, or material."""
    if material is None:
        material = {"pbrMetallicRoughness": {"baseColorTexture": texinfo, "metallicFactor": 0, "roughnessFactor": 1}}
    path = os.path.join(tmp, name + ".gltf")
    json.dump(gltf(material, images), open(path, "w"))
    out = os.path.join(tmp, name + ".png")
    r = run([vitrine, "view", path, "--headless", "--thumbnail", "--angle", "0", "--size", "320x320", "--out", out])
    check(r.returncode == 0 and os.path.exists(out), "view %s: %d %s" % (name, r.returncode, r.stderr))
    img = cv2.imread(out)
    return img if img is not None else np.zeros((320, 320, 3), np.uint8)


def reds(img):
    """Per cell of a 4 x 4 grid over the quad's pixels (saturated ones), 1 where red wins, 0
    where blue does, None where the quad is absent; rows top to bottom."""
    f = img.astype(int)
    red = (f[:, :, 2] - f[:, :, 0]) > 60
    blue = (f[:, :, 0] - f[:, :, 2]) > 60
    ys, xs = np.nonzero(red | blue)
    if len(xs) < 100:
        return None
    x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
    grid = []
    for j in range(4):
        row = []
        for i in range(4):
            sl = (slice(y0 + (y1 - y0) * j // 4 + 2, y0 + (y1 - y0) * (j + 1) // 4 - 2),
                  slice(x0 + (x1 - x0) * i // 4 + 2, x0 + (x1 - x0) * (i + 1) // 4 - 2))
            nr, nb = red[sl].sum(), blue[sl].sum()
            row.append(None if nr + nb < 20 else int(nr > nb))
        grid.append(row)
    return grid


H = [[1, 1, 0, 0]] * 4                      # red left, blue right
SWAP = [[0, 0, 1, 1]] * 4
STRIPES = [[1, 0, 1, 0]] * 4
ROT = [[1] * 4, [1] * 4, [0] * 4, [0] * 4]  # red on top, blue below
cases = [
    ("plain", {"index": 0}, H),
    ("identity", {"index": 0, "extensions": {"KHR_texture_transform": {"offset": [0, 0], "scale": [1, 1], "rotation": 0}}}, H),
    ("offset", {"index": 0, "extensions": {"KHR_texture_transform": {"offset": [0.5, 0]}}}, SWAP),
    ("texcoord1", {"index": 0, "texCoord": 1}, SWAP),
    ("scale", {"index": 0, "extensions": {"KHR_texture_transform": {"scale": [2, 1]}}}, STRIPES),
    # u' = cos(r) u + sin(r) v = v at 90 degrees: the texture's left (red) at the quad's top (v = 0)
    ("rotation", {"index": 0, "extensions": {"KHR_texture_transform": {"rotation": math.pi / 2}}}, ROT),
    # scale, rotate, then offset: u' = 2 v + 0.5 (with v from 0 at the top): blue, red, blue, red from the top
    ("all", {"index": 0, "extensions": {"KHR_texture_transform": {"scale": [1, 2], "rotation": math.pi / 2, "offset": [0.5, 0]}}},
     [[0] * 4, [1] * 4, [0] * 4, [1] * 4]),
]
for name, texinfo, want in cases:
    got = reds(render(name, texinfo))
    print("%-10s %s" % (name, got))
    check(got == want, "%s: the quad's colours %s, want %s" % (name, got, want))

# --- the factors glTF puts on maps and emission ---
def quad_mean(img):
    """Mean BGR of the middle of the picture (the quad fills the thumbnail)."""
    return img[110:210, 110:210].reshape(-1, 3).astype(float).mean(axis=0)


def solid(bgr):
    return cv2.imencode(".png", np.full((8, 8, 3), bgr, np.uint8))[1].tobytes()


grey = {"baseColorFactor": [0.3, 0.3, 0.3, 1], "metallicFactor": 0, "roughnessFactor": 0.8}
glow = dict(pbrMetallicRoughness=grey, emissiveFactor=[0.25, 0.1, 0])
e1 = quad_mean(render("emissive", material=glow))
e4 = quad_mean(render("emissive4", material=dict(glow, extensions={"KHR_materials_emissive_strength": {"emissiveStrength": 4}})))
print("emission red: strength 1 %.1f, strength 4 %.1f" % (e1[2], e4[2]))
check(e4[2] > e1[2] + 25, "KHR_materials_emissive_strength 4 brightens the red %.1f -> %.1f" % (e1[2], e4[2]))
dark = (50, 50, 50)   # an occlusion map of 0.2 everywhere (linear R)
o1 = quad_mean(render("occl1", material=dict(pbrMetallicRoughness=grey, occlusionTexture={"index": 0, "strength": 1}), images=(solid(dark),)))
o0 = quad_mean(render("occl0", material=dict(pbrMetallicRoughness=grey, occlusionTexture={"index": 0, "strength": 0}), images=(solid(dark),)))
none = quad_mean(render("plain_grey", material=dict(pbrMetallicRoughness=grey)))
print("occlusion strength 1: %.1f, 0: %.1f, no map: %.1f" % (o1.mean(), o0.mean(), none.mean()))
check(o1.mean() < o0.mean() - 5 and abs(o0.mean() - none.mean()) < 1, "occlusionTexture.strength: 1 %.1f, 0 %.1f, none %.1f" %
      (o1.mean(), o0.mean(), none.mean()))
tilted = (180, 128, 217)   # BGR of a tangent-space normal leaning well to +x (r 217, b 180)
n1 = quad_mean(render("normal1", material=dict(pbrMetallicRoughness=grey, normalTexture={"index": 0, "scale": 1}), images=(solid(tilted),)))
n0 = quad_mean(render("normal0", material=dict(pbrMetallicRoughness=grey, normalTexture={"index": 0, "scale": 0}), images=(solid(tilted),)))
print("normal scale 1: %.1f, 0: %.1f, no map: %.1f" % (n1.mean(), n0.mean(), none.mean()))
check(abs(n1.mean() - n0.mean()) > 3 and abs(n0.mean() - none.mean()) < 1, "normalTexture.scale: 1 %.1f, 0 %.1f, none %.1f" %
      (n1.mean(), n0.mean(), none.mean()))

# --- alphaMode: the texture's left half has alpha 0, its right half alpha 1 (both red) ---
rgba = np.zeros((64, 64, 4), np.uint8)
rgba[:, :, :3] = (40, 40, 230)
rgba[:, 32:, 3] = 255
half = cv2.imencode(".png", rgba)[1].tobytes()
red_quad = {"pbrMetallicRoughness": {"baseColorTexture": {"index": 0}, "metallicFactor": 0, "roughnessFactor": 1}}
def red_pixels(img):
    f = img.astype(int)
    return int(((f[:, :, 2] - f[:, :, 0]) > 60).sum())


n_opaque = red_pixels(render("alpha_opaque", material=dict(red_quad, alphaMode="OPAQUE"), images=(half,)))
n_mask = red_pixels(render("alpha_mask", material=dict(red_quad, alphaMode="MASK", alphaCutoff=0.5), images=(half,)))
print("alphaMode OPAQUE: %d red pixels, MASK: %d" % (n_opaque, n_mask))
check(n_opaque > 10000 and 0.4 < n_mask / max(n_opaque, 1) < 0.6, "alphaMode MASK leaves out the transparent half: %d of %d" % (n_mask, n_opaque))
semi = {"pbrMetallicRoughness": {"baseColorFactor": [0.9, 0.05, 0.05, 0.5], "metallicFactor": 0, "roughnessFactor": 1}}
solid_q = quad_mean(render("blend_off", material=semi))
blend_q = quad_mean(render("blend_on", material=dict(semi, alphaMode="BLEND")))
print("alpha 0.5: opaque BGR %s, blended %s" % (solid_q.round(1), blend_q.round(1)))
# Blended, half the grey backdrop shows through: less red over blue than the opaque quad.
check((blend_q[2] - blend_q[0]) < 0.75 * (solid_q[2] - solid_q[0]) and blend_q[0] > solid_q[0] + 20,
      "alphaMode BLEND at alpha 0.5: %s against opaque %s" % (blend_q, solid_q))

# --- the layers over the base: clearcoat and sheen, on a sphere (a quad shows too few angles) ---
def render_sphere(name, material, images=None):
    path = os.path.join(tmp, name + ".gltf")
    g = gltf_sphere(material, extensions=("KHR_materials_clearcoat", "KHR_materials_sheen", "KHR_materials_specular",
                                          "KHR_materials_iridescence"))
    gltf_embed_images(g, images)
    json.dump(g, open(path, "w"))
    out = os.path.join(tmp, name + ".png")
    r = run([vitrine, "view", path, "--headless", "--thumbnail", "--angle", "0", "--size", "320x320", "--out", out])
    check(r.returncode == 0 and os.path.exists(out), "view %s: %d %s" % (name, r.returncode, r.stderr))
    img = cv2.imread(out)
    return (img if img is not None else np.zeros((320, 320, 3), np.uint8)).astype(float)


yy, xx = np.mgrid[0:320, 0:320]
rad = np.hypot(xx - 160, yy - 160)   # the thumbnail frames the sphere: its radius is about 84 px
ball, ring, mid = rad < 80, (rad > 62) & (rad < 80), rad < 35


def differ(a, b):
    """Mean absolute difference over the sphere's pixels."""
    return np.abs(a[ball] - b[ball]).mean()


def luma(img, where):
    return (0.114 * img[where][:, 0] + 0.587 * img[where][:, 1] + 0.299 * img[where][:, 2])


paint = {"pbrMetallicRoughness": {"baseColorFactor": [0.5, 0.05, 0.05, 1], "metallicFactor": 0, "roughnessFactor": 0.7}}
base = render_sphere("paint", paint)
coat = render_sphere("coat", dict(paint, extensions={"KHR_materials_clearcoat": {"clearcoatFactor": 1, "clearcoatRoughnessFactor": 0.05}}))
coat0 = render_sphere("coat0", dict(paint, extensions={"KHR_materials_clearcoat": {"clearcoatFactor": 0}}))
d = differ(coat, base)
hi_base, hi_coat = np.percentile(luma(base, ball), 99), np.percentile(luma(coat, ball), 99)
print("clearcoat: mean difference %.2f; brightest 1 %%: %.1f without, %.1f with; factor 0: %.3f" % (d, hi_base, hi_coat, differ(coat0, base)))
check(d > 3 and hi_coat > hi_base + 20, "a clearcoat changes the sphere (%.2f) with sharp reflections (%.1f -> %.1f)" % (d, hi_base, hi_coat))
check(differ(coat0, base) == 0, "clearcoatFactor 0 is the plain material")
# The clearcoat's maps: a black factor map takes the coat away (the plain material), a white one
# keeps it; a roughness map of 0.05 (G 13) under a roughness factor of 1 makes the rough coat sharp.
def coat_maps(factor_px, rough_px=None, rough=0.05):
    ext = {"clearcoatFactor": 1, "clearcoatRoughnessFactor": rough, "clearcoatTexture": {"index": 0}}
    imgs = [np.full((8, 8, 3), factor_px, np.uint8)]
    if rough_px is not None:
        ext["clearcoatRoughnessTexture"] = {"index": 1}
        imgs.append(np.full((8, 8, 3), rough_px, np.uint8))
    return render_sphere("coatmap%d_%s_%s" % (factor_px, rough_px, rough), dict(paint, extensions={"KHR_materials_clearcoat": ext}), images=imgs)


coat_black, coat_white = coat_maps(0), coat_maps(255, 255)
coat_rough1, coat_mapped = coat_maps(255, None, 1.0), coat_maps(255, 13, 1.0)
print("clearcoat maps: black factor map %.3f from the plain material, white %.3f from the coat; roughness 1 %.2f from the "
      "sharp coat, with a 0.05 map %.2f" % (differ(coat_black, base), differ(coat_white, coat), differ(coat_rough1, coat),
                                          differ(coat_mapped, coat)))
check(differ(coat_black, base) < 0.05 and differ(coat_white, coat) < 0.05, "the clearcoat factor map scales the coat")
check(differ(coat_mapped, coat) < 0.5 < differ(coat_rough1, coat), "the clearcoat roughness map scales its roughness")
velvet = {"pbrMetallicRoughness": {"baseColorFactor": [0.05, 0.05, 0.2, 1], "metallicFactor": 0, "roughnessFactor": 0.9}}
plain = render_sphere("velvet0", velvet)
sheen = render_sphere("velvet", dict(velvet, extensions={"KHR_materials_sheen": {"sheenColorFactor": [0.3, 0.5, 1.0], "sheenRoughnessFactor": 0.6}}))
d = differ(sheen, plain)
# A sheen shows most where the surface is seen at a grazing angle: the rim brightens more than the middle.
gain_ring = (luma(sheen, ring) - luma(plain, ring)).mean()
gain_mid = (luma(sheen, mid) - luma(plain, mid)).mean()
print("sheen: mean difference %.2f; brightening at the rim %.1f, in the middle %.1f" % (d, gain_ring, gain_mid))
check(d > 3 and gain_ring > gain_mid + 5, "a sheen changes the velvet sphere (%.2f), most at grazing angles (%.1f against %.1f)" %
      (d, gain_ring, gain_mid))
# KHR_materials_specular: no dielectric reflection at factor 0; a coloured one with a colour.
shiny = {"pbrMetallicRoughness": {"baseColorFactor": [0.05, 0.05, 0.05, 1], "metallicFactor": 0, "roughnessFactor": 0.1}}
sp1 = render_sphere("spec1", shiny)
sp0 = render_sphere("spec0", dict(shiny, extensions={"KHR_materials_specular": {"specularFactor": 0}}))
spr = render_sphere("specred", dict(shiny, extensions={"KHR_materials_specular": {"specularColorFactor": [1, 0, 0]}}))
hi1, hi0 = np.percentile(luma(sp1, ball), 99), np.percentile(luma(sp0, ball), 99)
top = luma(sp1, ball) >= np.percentile(luma(sp1, ball), 99)
red_hl = spr[ball][top].mean(axis=0)
print("specular: brightest 1 %%: %.1f plain, %.1f at factor 0; red specular colour's highlight BGR %s" % (hi1, hi0, red_hl.round(1)))
check(hi0 < hi1 - 40, "specularFactor 0 takes the reflection away (%.1f -> %.1f)" % (hi1, hi0))
check(red_hl[2] > red_hl[0] + 40, "a red specularColorFactor reddens the reflection: %s" % red_hl)
# The specular maps: a specularTexture of alpha 0 takes the reflection away as factor 0 does (255
# keeps it); a red specularColorTexture (sRGB) reddens it as the red factor does.
def spec_maps(alpha=None, colour=None):
    ext, imgs = {}, []
    if alpha is not None:
        ext["specularTexture"] = {"index": len(imgs)}
        imgs.append(np.dstack([np.full((8, 8, 3), 255, np.uint8), np.full((8, 8), alpha, np.uint8)]))
    if colour is not None:
        ext["specularColorTexture"] = {"index": len(imgs)}
        imgs.append(np.full((8, 8, 3), colour, np.uint8))   # BGR
    return render_sphere("specmap_%s_%s" % (alpha, colour), dict(shiny, extensions={"KHR_materials_specular": ext}), images=imgs)


sm0, sm1, smr = spec_maps(alpha=0), spec_maps(alpha=255), spec_maps(colour=(0, 0, 255))
print("specular maps: alpha 0 %.3f from factor 0, alpha 255 %.3f from the plain material; red colour map %.3f from the red factor "
      "(%.2f from the plain one)" % (differ(sm0, sp0), differ(sm1, sp1), differ(smr, spr), differ(smr, sp1)))
check(differ(sm0, sp0) < 0.05 and differ(sm1, sp1) < 0.05 and differ(sp0, sp1) > 1, "the specularTexture's alpha scales the reflection")
check(differ(smr, spr) < 0.3 and differ(smr, sp1) > 1, "the specularColorTexture colours the reflection")
# The same red map as a GLB's image in a bufferView (how exporters ship it), and as a PNG beside a .gltf.
red_spec = dict(shiny, extensions={"KHR_materials_specular": {"specularColorTexture": {"index": 0}}})
g = gltf_sphere(red_spec, extensions=("KHR_materials_clearcoat", "KHR_materials_sheen", "KHR_materials_specular",
                                      "KHR_materials_iridescence"))
gltf_embed_images(g, [np.full((8, 8, 3), (0, 0, 255), np.uint8)])
glb = os.path.join(tmp, "specred-map.glb")
write_glb(g, glb)
cv2.imwrite(os.path.join(tmp, "red-spec.png"), np.full((8, 8, 3), (0, 0, 255), np.uint8))
g["images"] = [{"uri": "red-spec.png"}]
beside = os.path.join(tmp, "specred-file.gltf")
json.dump(g, open(beside, "w"))
for path in (glb, beside):
    out = path + ".png"
    r = run([vitrine, "view", path, "--headless", "--thumbnail", "--angle", "0", "--size", "320x320", "--out", out])
    img = cv2.imread(out)
    img = (img if img is not None else np.zeros((320, 320, 3), np.uint8)).astype(float)
    print("specular colour map from %s: %.3f from the data-uri file's" % (os.path.basename(path), differ(img, smr)))
    check(r.returncode == 0 and "warning" not in r.stderr and differ(img, smr) < 0.05,
          "the specularColorTexture read from %s (%s)" % (os.path.basename(path), r.stderr.strip()))
# The sheen's maps: a black colour map takes the sheen away, a white one keeps it; a roughness map
# (A) scales the roughness.
def sheen_maps(colour_px, rough_alpha=None, rough=0.6):
    ext = {"sheenColorFactor": [0.3, 0.5, 1.0], "sheenRoughnessFactor": rough, "sheenColorTexture": {"index": 0}}
    imgs = [np.full((8, 8, 3), colour_px, np.uint8)]
    if rough_alpha is not None:
        ext["sheenRoughnessTexture"] = {"index": 1}
        imgs.append(np.dstack([np.full((8, 8, 3), 255, np.uint8), np.full((8, 8), rough_alpha, np.uint8)]))
    return render_sphere("sheenmap%d_%s_%s" % (colour_px, rough_alpha, rough), dict(velvet, extensions={"KHR_materials_sheen": ext}),
                         images=imgs)


s_black, s_white, s_half = sheen_maps(0), sheen_maps(255, 153, 1.0), sheen_maps(255, 255, 1.0)
print("sheen maps: black colour map %.3f from the plain velvet, white (roughness 1 x map 0.6) %.3f from the sheen; roughness 1 %.2f" %
      (differ(s_black, plain), differ(s_white, sheen), differ(s_half, sheen)))
check(differ(s_black, plain) < 0.05, "a black sheen colour map takes the sheen away")
check(differ(s_white, sheen) < 0.5 < differ(s_half, sheen), "the sheen roughness map scales its roughness")
none = render_sphere("velvet_none", dict(velvet, extensions={"KHR_materials_sheen": {"sheenColorFactor": [0, 0, 0]}}))
check(differ(none, plain) == 0, "sheenColorFactor 0 is the plain material")
# A specular map that cannot be read: one line naming the file and the map, the model drawn without it.
def bad_spec(name, images, index=0):
    g = gltf_sphere(dict(shiny, extensions={"KHR_materials_specular": {"specularTexture": {"index": index}}}),
                    extensions=("KHR_materials_specular",))
    if images is not None:
        g["images"], g["textures"] = images, [{"source": 0}]
    path = os.path.join(tmp, name + ".gltf")
    json.dump(g, open(path, "w"))
    out = path + ".png"
    r = run([vitrine, "view", path, "--headless", "--thumbnail", "--angle", "0", "--size", "320x320", "--out", out])
    img = cv2.imread(out)
    return r, (img if img is not None else np.zeros((320, 320, 3), np.uint8)).astype(float)


for name, images, index, says in (("spec-noindex", None, 99, "texture 99"),
                                  ("spec-badbase64", [{"uri": "data:image/png;base64,@@@@"}], 0, "image 0"),
                                  ("spec-notpng", [{"uri": "data:image/png;base64," + base64.b64encode(b"GIF89a....").decode()}], 0,
                                   "not a PNG"),
                                  ("spec-missing", [{"uri": "nowhere.png"}], 0, "nowhere.png")):
    r, img = bad_spec(name, images, index)
    lines = [l for l in r.stderr.splitlines() if "warning" in l]
    print("%s: rc %d, %s" % (name, r.returncode, lines))
    check(r.returncode == 0 and len(lines) == 1 and name + ".gltf" in lines[0] and says in lines[0] and differ(img, sp1) < 0.05,
          "%s: one warning naming the file and %s, drawn without the map" % (name, says))
# KHR_materials_iridescence: a soap-bubble film over a grey, shiny sphere colours its reflection.
grey = {"pbrMetallicRoughness": {"baseColorFactor": [0.02, 0.02, 0.02, 1], "metallicFactor": 0, "roughnessFactor": 0.2}}


def film(nm, factor=1):
    return dict(grey, extensions={"KHR_materials_iridescence": {"iridescenceFactor": factor, "iridescenceIor": 1.3,
                                                                 "iridescenceThicknessMinimum": nm, "iridescenceThicknessMaximum": nm}})


g0 = render_sphere("grey", grey)
f300, f550 = render_sphere("film300", film(300)), render_sphere("film550", film(550))
f_off = render_sphere("film_off", film(300, 0))


def chroma(img):
    return (img[ball].max(axis=1) - img[ball].min(axis=1)).mean()


print("iridescence: colourfulness %.1f plain, %.1f at 300 nm, %.1f at 550 nm; 300 against 550 nm BGR %s / %s" %
      (chroma(g0), chroma(f300), chroma(f550), f300[ball].mean(axis=0).round(1), f550[ball].mean(axis=0).round(1)))
check(chroma(f300) > chroma(g0) + 4 and chroma(f550) > chroma(g0) + 4, "a thin film colours the grey sphere")
check(np.abs(f300[ball].mean(axis=0) - f550[ball].mean(axis=0)).max() > 3, "another film thickness, other colours")
check(differ(f_off, g0) == 0, "iridescenceFactor 0 is the plain material")

if os.environ.get("VT_KEEP") is None:
    import shutil
    shutil.rmtree(tmp, ignore_errors=True)
else:
    print(tmp)
finish("test_gltf_maps")
