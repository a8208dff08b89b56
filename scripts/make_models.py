#!/usr/bin/env python3
"""Builds the basic shelf's product models (models/basic-shelf.json) as glTF 2.0 binaries (.glb) into models/

Every model is in metres, +Y up, front towards +Z, origin at the centre of its base: the
conventions docs/adding-a-product.md asks of authors. Geometry is made here from boxes and
lathed profiles, with metallic-roughness materials. Standard library only.
usage: scripts/make_models.py [OUTDIR]"""
import json, math, os, struct, sys


def box(sx, sy, sz, y0=0.0, cx=0.0, cz=0.0):
    """A box of size sx, sy, sz standing at height y0, centred on (cx, cz); flat normals."""
    P, N, I = [], [], []
    hx, hz = sx / 2, sz / 2
    faces = [((1, 0, 0), [(hx, 0, hz), (hx, 0, -hz), (hx, sy, -hz), (hx, sy, hz)]),
             ((-1, 0, 0), [(-hx, 0, -hz), (-hx, 0, hz), (-hx, sy, hz), (-hx, sy, -hz)]),
             ((0, 1, 0), [(-hx, sy, hz), (hx, sy, hz), (hx, sy, -hz), (-hx, sy, -hz)]),
             ((0, -1, 0), [(-hx, 0, -hz), (hx, 0, -hz), (hx, 0, hz), (-hx, 0, hz)]),
             ((0, 0, 1), [(-hx, 0, hz), (hx, 0, hz), (hx, sy, hz), (-hx, sy, hz)]),
             ((0, 0, -1), [(hx, 0, -hz), (-hx, 0, -hz), (-hx, sy, -hz), (hx, sy, -hz)])]
    for n, quad in faces:
        b = len(P)
        for x, y, z in quad:
            P.append((x + cx, y + y0, z + cz)); N.append(n)
        I += [b, b + 1, b + 2, b, b + 2, b + 3]
    return P, N, I


def lathe(profile, segments=48, cx=0.0, cz=0.0):
    """Revolves (radius, height) points about +Y; smooth normals from the profile's slope."""
    P, N, I = [], [], []
    k = len(profile)
    for s in range(segments + 1):
        a = 2 * math.pi * s / segments
        ca, sa = math.cos(a), math.sin(a)
        for j, (r, y) in enumerate(profile):
            r0, y0 = profile[max(j - 1, 0)]
            r1, y1 = profile[min(j + 1, k - 1)]
            dr, dy = r1 - r0, y1 - y0
            nr, ny = dy, -dr                      # outward normal of the profile
            ln = math.hypot(nr, ny) or 1.0
            P.append((r * sa + cx, y, r * ca + cz))
            N.append((nr / ln * sa, ny / ln, nr / ln * ca))
    for s in range(segments):
        for j in range(k - 1):
            a, b = s * k + j, (s + 1) * k + j
            I += [a, b, a + 1, a + 1, b, b + 1]
    return P, N, I


def torus_arc(R, r, y, a0, a1, segs=24, rings=12):
    """A handle: part of a torus in the XY plane... placed at +X of a mug, centred at height y."""
    P, N, I = [], [], []
    for i in range(segs + 1):
        t = a0 + (a1 - a0) * i / segs
        cxp, cyp = R * math.cos(t), R * math.sin(t)
        for j in range(rings + 1):
            u = 2 * math.pi * j / rings
            nx, ny, nz = math.cos(u) * math.cos(t), math.cos(u) * math.sin(t), math.sin(u)
            P.append((cxp + r * nx, y + cyp + r * ny, r * nz)); N.append((nx, ny, nz))
    for i in range(segs):
        for j in range(rings):
            a, b = i * (rings + 1) + j, (i + 1) * (rings + 1) + j
            I += [a, b, a + 1, a + 1, b, b + 1]
    return P, N, I


def shift(mesh, dx=0.0, dy=0.0, dz=0.0):
    P, N, I = mesh
    return [(x + dx, y + dy, z + dz) for x, y, z in P], N, I


def write_glb(path, name, parts):
    """parts: list of (mesh, material dict). One node and mesh per part."""
    bin_ = bytearray()
    accessors, views, meshes, nodes, materials = [], [], [], [], []

    def add(data, fmt, count, typ, comp, target, mn=None, mx=None):
        while len(bin_) % 4:
            bin_.append(0)
        off = len(bin_)
        bin_.extend(struct.pack("<" + fmt * (len(data)), *data))
        views.append({"buffer": 0, "byteOffset": off, "byteLength": len(bin_) - off, "target": target})
        acc = {"bufferView": len(views) - 1, "componentType": comp, "count": count, "type": typ}
        if mn is not None:
            acc["min"], acc["max"] = mn, mx
        accessors.append(acc)
        return len(accessors) - 1

    for (P, N, I), mat in parts:
        flatP = [c for p in P for c in p]
        mn = [min(p[i] for p in P) for i in range(3)]
        mx = [max(p[i] for p in P) for i in range(3)]
        ap = add(flatP, "f", len(P), "VEC3", 5126, 34962, mn, mx)
        an = add([c for n in N for c in n], "f", len(N), "VEC3", 5126, 34962)
        ai = add(I, "I", len(I), "SCALAR", 5125, 34963)
        materials.append({"name": mat["name"], "pbrMetallicRoughness": {
            "baseColorFactor": mat["colour"], "metallicFactor": mat.get("metallic", 0.0),
            "roughnessFactor": mat.get("roughness", 0.5)}})
        meshes.append({"name": mat["name"], "primitives": [{"attributes": {"POSITION": ap, "NORMAL": an},
                                                            "indices": ai, "material": len(materials) - 1}]})
        nodes.append({"name": mat["name"], "mesh": len(meshes) - 1})
    while len(bin_) % 4:
        bin_.append(0)
    doc = {"asset": {"version": "2.0", "generator": "Vitrine scripts/make_models.py"},
           "scene": 0, "scenes": [{"name": name, "nodes": list(range(len(nodes)))}],
           "nodes": nodes, "meshes": meshes, "materials": materials,
           "accessors": accessors, "bufferViews": views, "buffers": [{"byteLength": len(bin_)}]}
    js = json.dumps(doc, separators=(",", ":")).encode()
    js += b" " * ((4 - len(js) % 4) % 4)
    total = 12 + 8 + len(js) + 8 + len(bin_)
    with open(path, "wb") as f:
        f.write(struct.pack("<III", 0x46546C67, 2, total))
        f.write(struct.pack("<II", len(js), 0x4E4F534A)); f.write(js)
        f.write(struct.pack("<II", len(bin_), 0x004E4942)); f.write(bin_)


def srgb(r, g, b, a=1.0):
    """Colour picked in sRGB, stored linear as glTF requires."""
    return [round(((c / 255) ** 2.2), 4) for c in (r, g, b)] + [a]


def models():
    M = {}
    # Sneaker box: body, a lid slightly larger, a brand stripe on the front.
    M["sneaker-box"] = [
        (box(0.300, 0.100, 0.190), {"name": "box", "colour": srgb(232, 88, 40), "roughness": 0.7}),
        (box(0.306, 0.026, 0.196, y0=0.090), {"name": "lid", "colour": srgb(40, 40, 44), "roughness": 0.6}),
        (box(0.200, 0.020, 0.002, y0=0.040, cz=0.096), {"name": "stripe", "colour": srgb(250, 250, 245), "roughness": 0.5}),
    ]
    # Mug: a lathed shell with a lip and a handle.
    prof = [(0.0, 0.0), (0.040, 0.0), (0.042, 0.004), (0.042, 0.095), (0.039, 0.097), (0.038, 0.010), (0.0, 0.010)]
    M["mug"] = [
        (lathe(prof), {"name": "ceramic", "colour": srgb(28, 84, 150), "roughness": 0.25}),
        (shift(torus_arc(0.026, 0.006, 0.050, -math.pi / 2, math.pi / 2), dx=0.040),
         {"name": "handle", "colour": srgb(28, 84, 150), "roughness": 0.25}),
    ]
    # Bottle: green glass body with shoulders and a neck, a metal cap.
    prof = [(0.0, 0.0), (0.034, 0.0), (0.037, 0.006), (0.037, 0.170), (0.030, 0.200), (0.014, 0.222), (0.013, 0.250), (0.0, 0.250)]
    M["bottle"] = [
        (lathe(prof), {"name": "glass", "colour": srgb(40, 110, 60), "roughness": 0.1}),
        (lathe([(0.0, 0.246), (0.0145, 0.246), (0.0145, 0.268), (0.0, 0.268)]),
         {"name": "cap", "colour": srgb(200, 200, 205), "metallic": 1.0, "roughness": 0.3}),
        (lathe([(0.0375, 0.07), (0.0375, 0.13)], segments=48),
         {"name": "label", "colour": srgb(245, 236, 210), "roughness": 0.8}),
    ]
    # Desk lamp: round metal base, a stem, a conical fabric shade.
    M["lamp"] = [
        (lathe([(0.0, 0.0), (0.070, 0.0), (0.072, 0.006), (0.066, 0.018), (0.0, 0.020)]),
         {"name": "base", "colour": srgb(60, 60, 64), "metallic": 1.0, "roughness": 0.35}),
        (lathe([(0.0, 0.018), (0.008, 0.018), (0.008, 0.200), (0.0, 0.200)], segments=24),
         {"name": "stem", "colour": srgb(205, 170, 90), "metallic": 1.0, "roughness": 0.25}),
        (lathe([(0.095, 0.180), (0.050, 0.300), (0.049, 0.300), (0.093, 0.180)]),
         {"name": "shade", "colour": srgb(240, 232, 214), "roughness": 0.9}),
    ]
    # Perfume: faceted glass block with a gold collar and a black cap.
    M["perfume"] = [
        (box(0.060, 0.080, 0.035), {"name": "flacon", "colour": srgb(236, 180, 196), "roughness": 0.08}),
        (lathe([(0.0, 0.080), (0.011, 0.080), (0.011, 0.090), (0.0, 0.090)], segments=32),
         {"name": "collar", "colour": srgb(212, 175, 55), "metallic": 1.0, "roughness": 0.2}),
        (box(0.030, 0.030, 0.030, y0=0.090), {"name": "cap", "colour": srgb(20, 20, 22), "roughness": 0.3}),
    ]
    # Speaker: a fabric-covered cylinder with metal rings.
    M["speaker"] = [
        (lathe([(0.0, 0.0), (0.040, 0.0), (0.042, 0.004), (0.042, 0.176), (0.040, 0.180), (0.0, 0.180)]),
         {"name": "fabric", "colour": srgb(120, 124, 130), "roughness": 0.95}),
        (lathe([(0.0425, 0.012), (0.0425, 0.020)]), {"name": "ring", "colour": srgb(180, 180, 186), "metallic": 1.0, "roughness": 0.25}),
        (lathe([(0.0425, 0.160), (0.0425, 0.168)]), {"name": "ring-top", "colour": srgb(180, 180, 186), "metallic": 1.0, "roughness": 0.25}),
    ]
    return M


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models")
    os.makedirs(out, exist_ok=True)
    for name, parts in models().items():
        write_glb(os.path.join(out, name + ".glb"), name, parts)
        print("wrote", os.path.join(out, name + ".glb"))
