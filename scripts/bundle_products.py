#!/usr/bin/python3
"""Copies real product models into models/ for the bundled demo catalog, with smaller textures.

Each GLB's images are decoded and, when a side is over --max-side (default 1024), reduced with
area averaging and encoded again in their own format (JPEG quality 90; PNG at its highest
compression, alpha kept); everything else in the file (geometry, materials, extensions,
variants) is copied byte for byte. The buffer is laid out again, each view 4-byte aligned.
Vitrine itself downsizes oversized textures at load (with a warning); this keeps models/ small
(docs/adding-a-product.md asks < 25 MB for the whole folder) and the demo's start quick.
usage: scripts/bundle_products.py SRC.glb OUT.glb [--max-side N]
needs: python3-opencv, python3-numpy (scripts/setup.sh installs both)"""
import json, struct, sys
import cv2
import numpy as np


def read_glb(path):
    data = open(path, "rb").read()
    magic, version, length = struct.unpack_from("<4sII", data, 0)
    if magic != b"glTF" or version != 2:
        sys.exit("bundle_products: %s: not a glTF 2.0 binary" % path)
    jlen, jtype = struct.unpack_from("<I4s", data, 12)
    doc = json.loads(data[20:20 + jlen])
    off = 20 + jlen
    blen, btype = struct.unpack_from("<I4s", data, off)
    if btype != b"BIN\0":
        sys.exit("bundle_products: %s: no BIN chunk" % path)
    return doc, data[off + 8:off + 8 + blen]


def shrink(blob, mime, max_side):
    img = cv2.imdecode(np.frombuffer(blob, np.uint8), cv2.IMREAD_UNCHANGED)
    if img is None:
        sys.exit("bundle_products: an image (%s) cannot be decoded" % mime)
    h, w = img.shape[:2]
    if max(h, w) <= max_side:
        return blob
    f = max_side / max(h, w)
    img = cv2.resize(img, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA)
    if mime == "image/jpeg":
        ok, enc = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 90])
    else:
        ok, enc = cv2.imencode(".png", img, [cv2.IMWRITE_PNG_COMPRESSION, 9])
    return enc.tobytes() if ok else blob


def main():
    args = sys.argv[1:]
    max_side = 1024
    if "--max-side" in args:
        k = args.index("--max-side")
        max_side = int(args[k + 1])
        del args[k:k + 2]
    if len(args) != 2:
        sys.exit(__doc__)
    doc, bin_in = read_glb(args[0])
    views = doc["bufferViews"]
    image_view = {im["bufferView"]: im.get("mimeType", "image/png") for im in doc.get("images", []) if "bufferView" in im}
    out = bytearray()
    for k, v in enumerate(views):
        if v.get("buffer", 0) != 0:
            sys.exit("bundle_products: %s: views of other buffers are not supported" % args[0])
        blob = bin_in[v.get("byteOffset", 0):v.get("byteOffset", 0) + v["byteLength"]]
        if k in image_view:
            blob = shrink(blob, image_view[k], max_side)
        out += b"\0" * (-len(out) % 4)
        v["byteOffset"], v["byteLength"] = len(out), len(blob)
        out += blob
    out += b"\0" * (-len(out) % 4)
    doc["buffers"] = [{"byteLength": len(out)}]
    text = json.dumps(doc, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 4)
    total = 12 + 8 + len(text) + 8 + len(out)
    with open(args[1], "wb") as f:
        f.write(struct.pack("<4sII", b"glTF", 2, total))
        f.write(struct.pack("<I4s", len(text), b"JSON") + text)
        f.write(struct.pack("<I4s", len(out), b"BIN\0") + bytes(out))
    print("%s: %d -> %d bytes" % (args[1], len(bin_in), total))


if __name__ == "__main__":
    main()
