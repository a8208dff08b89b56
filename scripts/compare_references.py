#!/usr/bin/env python3
"""Khronos' sample products drawn by Vitrine beside Khronos' own reference renders, to look at
(docs/adding-a-product.md, "Against the reference renders"): for every reference image in
PRODUCTS/reference/NAME.jpg, `vitrine view PRODUCTS/NAME.glb --headless --thumbnail` at twice the
reference's size, scaled to its height, and the two side by side in OUT/NAME.png, all of them
stacked in OUT/all.png.

usage: /usr/bin/python3 scripts/compare_references.py VITRINE PRODUCTS OUT [--angle DEG]
  e.g. scripts/compare_references.py build/vitrine ../shared/real/models/products /tmp/refs
Needs python3-opencv (the test set-up installs it). The reference renders are the sample
assets' own (CC BY 4.0 / CC0, PRODUCTS/licences): they stay in the shared material."""
import argparse, glob, os, subprocess, sys

import cv2
import numpy as np


def label(img, text):
    out = img.copy()
    cv2.rectangle(out, (0, 0), (out.shape[1], 18), (255, 255, 255), -1)
    cv2.putText(out, text, (4, 13), cv2.FONT_HERSHEY_SIMPLEX, 0.42, (0, 0, 0), 1, cv2.LINE_AA)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("vitrine")
    ap.add_argument("products")
    ap.add_argument("out")
    ap.add_argument("--angle", type=float, default=0)
    a = ap.parse_args()
    refs = sorted(glob.glob(os.path.join(a.products, "reference", "*.jpg")))
    if not refs:
        sys.exit("compare_references: %s/reference holds no .jpg" % a.products)
    os.makedirs(a.out, exist_ok=True)
    rows, status = [], 0
    for ref_path in refs:
        name = os.path.splitext(os.path.basename(ref_path))[0]
        model = os.path.join(a.products, name + ".glb")
        ref = cv2.imread(ref_path)
        if ref is None or not os.path.exists(model):
            print("%s: no model or unreadable reference; left out" % name, file=sys.stderr)
            continue
        h, w = ref.shape[:2]
        png = os.path.join(a.out, name + ".vitrine.png")
        r = subprocess.run([a.vitrine, "view", model, "--headless", "--thumbnail", "--angle", str(a.angle),
                            "--size", "%dx%d" % (2 * w, 2 * h), "--out", png], capture_output=True, text=True)
        ours = cv2.imread(png) if r.returncode == 0 else None
        if ours is None:
            print("%s: vitrine view failed: %s" % (name, r.stderr.strip()), file=sys.stderr)
            status = 1
            continue
        ours = cv2.resize(ours, (w, h), interpolation=cv2.INTER_AREA)
        pair = np.hstack([label(ours, "Vitrine"), label(ref, "Khronos reference")])
        cv2.imwrite(os.path.join(a.out, name + ".png"), pair)
        scale = 256 / h
        rows.append(cv2.resize(pair, (int(pair.shape[1] * scale), 256), interpolation=cv2.INTER_AREA))
        print("%s: %s" % (name, os.path.join(a.out, name + ".png")))
    if rows:
        width = max(r.shape[1] for r in rows)
        rows = [np.hstack([r, np.full((256, width - r.shape[1], 3), 255, np.uint8)]) for r in rows]
        cv2.imwrite(os.path.join(a.out, "all.png"), np.vstack(rows))
    sys.exit(status)


if __name__ == "__main__":
    main()
