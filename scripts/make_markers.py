#!/usr/bin/env python3
"""Writes a printable PNG for each product of a catalog into markers/: the marker's black square
at exactly the catalog's length_mm, a white quiet zone, the product name and marker id beneath,
and corner cut marks. The PNG records its resolution (pHYs), so it prints at true size.
usage: scripts/make_markers.py [CATALOG] [OUTDIR]   (needs python3-opencv)"""
import json, os, struct, sys, zlib
import cv2
import numpy as np

PX_PER_M = 10000          # 254 dpi: 1 mm is exactly 10 px


def png_with_dpi(path, img, px_per_m):
    ok, buf = cv2.imencode(".png", img)
    data = buf.tobytes()
    phys = struct.pack(">IIB", px_per_m, px_per_m, 1)
    chunk = struct.pack(">I", len(phys)) + b"pHYs" + phys + struct.pack(">I", zlib.crc32(b"pHYs" + phys) & 0xFFFFFFFF)
    end_ihdr = 8 + 8 + 13 + 4           # signature, IHDR header, IHDR data, CRC
    open(path, "wb").write(data[:end_ihdr] + chunk + data[end_ihdr:])


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    cat_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "models", "catalog.json")
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "..", "markers")
    cat = json.load(open(cat_path))
    d = cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, "DICT_" + cat["markers"]["dictionary"].upper()))
    os.makedirs(out, exist_ok=True)
    for p in cat["products"]:
        length_mm = p.get("length_mm", cat["markers"]["length_mm"])
        side = int(round(length_mm * PX_PER_M / 1000))
        quiet = side // 4 + 40
        label_h = 160
        w, h = side + 2 * quiet, side + 2 * quiet + label_h
        img = np.full((h, w), 255, np.uint8)
        img[quiet:quiet + side, quiet:quiet + side] = cv2.aruco.drawMarker(d, p["marker"], side, borderBits=1)
        for text, y, scale in ((p["name"], quiet * 2 + side + 30, 1.4),
                               ("marker %d  %s  %g mm" % (p["marker"], cat["markers"]["dictionary"], length_mm), quiet * 2 + side + 90, 1.0)):
            (tw, _), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 2)
            cv2.putText(img, text, ((w - tw) // 2, y), cv2.FONT_HERSHEY_SIMPLEX, scale, 0, 2, cv2.LINE_AA)
        for cx, cy in ((0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1)):   # cut marks
            sx, sy = (1 if cx == 0 else -1), (1 if cy == 0 else -1)
            cv2.line(img, (cx, cy), (cx + sx * 60, cy), 120, 3)
            cv2.line(img, (cx, cy), (cx, cy + sy * 60), 120, 3)
        path = os.path.join(out, "marker-%02d-%s.png" % (p["marker"], p["id"]))
        png_with_dpi(path, img, PX_PER_M)
        print("wrote", path)


if __name__ == "__main__":
    main()
