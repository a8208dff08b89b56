#!/usr/bin/env python3
"""The crowded shelf, filmed: an A4 sheet of four close markers (as `vitrine markers` prints them)
with real-size products standing on them, under a moving camera. `vitrine run --layout-log` must
show a tag for every product whose marker is seen, in every frame, fully on screen, overlapping
no other tag, nor the basket, card or HUD, and moving with its product rather than jumping.

    test_layout.py VITRINE SHARED           the test
    test_layout.py VITRINE --make DIR       only the footage and catalog, into DIR (screenshots)
"""
import json, math, os, subprocess, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import *
import cv2
import numpy as np

W, H = 1280, 720
FRAMES = 60
DPI = 100
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LONG_NAME = "Coffret de dégustation huiles d'olive extra vierges du Sud"   # 58 characters


def catalog(path):
    models = os.path.join(REPO, "models")
    prods = [("runner-x", 1, "Runner X", 89.99, "sneaker-box.glb"),
             ("gateau", 2, "Gâteau d'anniversaire", 24.5, "mug.glb"),
             ("enceinte", 3, "Enceinte Nord", 149.0, "speaker.glb"),
             ("coffret", 4, LONG_NAME, 12.9, "bottle.glb")]
    cat = {"version": 1, "store": {"name": "Test", "locale": "fr_FR", "currency": "EUR", "attract_after_s": 600},
           "markers": {"dictionary": "5X5_100", "length_mm": 50},
           "products": [{"id": i, "marker": m, "name": n, "price": p, "brand": "Maison Test",
                         "description": "A product with a description long enough to wrap over a few lines of the card.",
                         "model": os.path.join(models, f)} for i, m, n, p, f in prods]}
    with open(path, "w") as f:
        json.dump(cat, f, ensure_ascii=False)


def look_at(c, target):
    z = target - c
    z /= np.linalg.norm(z)
    y = np.array([0.0, 1.0, 0.0]) - z[1] * z   # image down: towards the near edge of the sheet
    y /= np.linalg.norm(y)
    return np.stack([np.cross(y, z), y, z])


def footage(vitrine, cat_path, out_dir):
    """Frames of the printed sheet on a table, filmed from above its near edge, the camera moving."""
    sheets = os.path.join(out_dir, "sheet")
    r = run([vitrine, "markers", cat_path, "--out", sheets, "--format", "png", "--dpi", str(DPI)])
    if r.returncode != 0:
        raise SystemExit("vitrine markers failed: %s" % r.stderr)
    sheet = cv2.imread(os.path.join(sheets, "markers-1.png"))
    m_per_px = 0.0254 / DPI
    grey = cv2.cvtColor(sheet, cv2.COLOR_BGR2GRAY)
    ys, xs = np.nonzero(grey < 60)   # the black squares: the camera aims at their middle
    target = np.array([xs.mean() * m_per_px, ys.mean() * m_per_px, 0.0])
    f = (W / 2) / math.tan(math.radians(30))   # vitrine's default: a 60 degree field of view
    K = np.array([[f, 0, (W - 1) / 2], [0, f, (H - 1) / 2], [0, 0, 1]])
    S = np.diag([m_per_px, m_per_px, 1.0])
    rng = np.random.default_rng(14)
    table = rng.normal(128, 18, (H // 8, W // 8, 3)).clip(0, 255).astype(np.uint8)
    table = cv2.resize(cv2.GaussianBlur(table, (5, 5), 0), (W, H), interpolation=cv2.INTER_CUBIC)
    table = (table * np.array([0.75, 0.85, 1.0])).astype(np.uint8)   # a warm wooden tone
    frames = os.path.join(out_dir, "frames")
    os.makedirs(frames, exist_ok=True)
    for i in range(FRAMES):
        s = i / (FRAMES - 1)
        # a slow sweep from left to right, a little nearer at the middle, a slight hand shake
        cam = target + np.array([-0.10 + 0.20 * s, 0.34 - 0.05 * math.sin(math.pi * s), -0.30 + 0.02 * math.cos(3 * s)])
        R = look_at(cam, target + np.array([0.004 * math.sin(7 * s), 0.003 * math.cos(5 * s), 0]))
        t = -R @ cam
        Hm = K @ np.column_stack([R[:, 0], R[:, 1], t]) @ S
        img = cv2.warpPerspective(sheet, Hm, (W, H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0))
        mask = cv2.warpPerspective(np.full(sheet.shape[:2], 255, np.uint8), Hm, (W, H))
        img = np.where(mask[..., None] > 127, img, table)
        cv2.imwrite(os.path.join(frames, "f%03d.png" % i), img)
    return frames


def overlap(a, b):
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def check_log(path, detected, what):
    lines = [json.loads(l) for l in open(path)]
    check(len(lines) == FRAMES, "%s: %d layout lines (want %d)" % (what, len(lines), FRAMES))
    prev, jumps, jump_log = {}, 0, []
    for fr in lines:
        n = fr["frame"]
        ids = {p["id"] for p in fr["products"]}
        want = detected.get(n, set())
        check(want <= ids, "%s frame %d: products %s on show, markers of %s seen" % (what, n, sorted(ids), sorted(want)))
        tags = [(p["id"], p["tag"]) for p in fr["products"]]
        for pid, t in tags:
            check(t is not None and t[2] > 0 and t[3] > 0, "%s frame %d: %s has a tag" % (what, n, pid))
            if not t:
                continue
            check(t[0] >= 0 and t[1] >= 0 and t[0] + t[2] <= W and t[1] + t[3] <= H,
                  "%s frame %d: %s's tag %r on screen" % (what, n, pid, t))
            for k in ("card", "basket", "hud"):
                if fr[k]:
                    check(not overlap(t, fr[k]), "%s frame %d: %s's tag %r clear of the %s %r" % (what, n, pid, t, k, fr[k]))
        for a in range(len(tags)):
            for b in range(a + 1, len(tags)):
                ta, tb = tags[a][1], tags[b][1]
                if ta and tb:
                    check(not overlap(ta, tb), "%s frame %d: tags of %s %r and %s %r overlap" % (what, n, tags[a][0], ta, tags[b][0], tb))
        # A tag moves with its marker: beyond that, a few pixels a frame, except at a change of slot.
        for p in fr["products"]:
            q = np.array(p["marker"]).mean(axis=0)
            t = p["tag"]
            if t and p["id"] in prev:
                pq, pt = prev[p["id"]]
                rel = math.hypot((t[0] - q[0]) - (pt[0] - pq[0]), (t[1] - q[1]) - (pt[1] - pq[1]))
                if rel > 0.02 * H or abs(t[2] - pt[2]) > 1:
                    jumps += 1
                    jump_log.append((n, p["id"], pt, t))
            if t:
                prev[p["id"]] = (q, t)
    for j in jump_log:
        print("  %s: slot change: frame %d %s %r -> %r" % ((what,) + j))
    check(jumps <= 8, "%s: %d tag jumps in %d frames (at most 8 slot changes)" % (what, jumps, FRAMES))
    return lines


def detected_markers(vitrine, frames):
    """Frame index -> product ids whose marker `vitrine detect --track` finds (ids 1-4 here)."""
    r = run([vitrine, "detect", "--track", frames])
    check(r.returncode == 0, "detect: %s" % r.stderr)
    names = {1: "runner-x", 2: "gateau", 3: "enceinte", 4: "coffret"}
    out = {}
    for n, line in enumerate(r.stdout.splitlines()):
        out[n] = {names[m["id"]] for m in json.loads(line)["markers"] if m["id"] in names}
    return out


def main():
    vitrine = sys.argv[1]
    if len(sys.argv) > 3 and sys.argv[2] == "--make":
        os.makedirs(sys.argv[3], exist_ok=True)
        cat_path = os.path.join(sys.argv[3], "catalog.json")
        catalog(cat_path)
        print(footage(vitrine, cat_path, sys.argv[3]))
        return
    tmp = tempfile.mkdtemp(prefix="vt_layout_")
    cat_path = os.path.join(tmp, "catalog.json")
    catalog(cat_path)
    frames = footage(vitrine, cat_path, tmp)
    detected = detected_markers(vitrine, frames)
    seen_all = sum(1 for s in detected.values() if len(s) == 4)
    check(seen_all >= FRAMES * 0.8, "all four markers detected in %d of %d frames" % (seen_all, FRAMES))
    for what, extra in (("plain", []), ("card+hud", ["--card", "coffret", "--hud"])):
        log = os.path.join(tmp, "layout-%s.jsonl" % what.replace("+", "-"))
        r = run([vitrine, "run", "--images", frames, "--headless", "--catalog", cat_path, "--no-analytics",
                 "--layout-log", log, "--out", "-"] + extra)
        check(r.returncode == 0, "%s run: %d %s" % (what, r.returncode, r.stderr))
        if r.returncode != 0:
            continue
        lines = check_log(log, detected, what)
        if extra:
            cards = [fr["card"] for fr in lines if fr["card"]]
            check(len(cards) >= FRAMES * 0.8, "%s: the card is open in %d frames" % (what, len(cards)))
            for fr in lines:
                c = fr["card"]
                if c:
                    check(c[0] >= 0 and c[1] >= 0 and c[0] + c[2] <= W and c[1] + c[3] <= H, "%s: card %r on screen" % (what, c))
                    for k in ("hud", "basket"):
                        check(not (fr[k] and overlap(c, fr[k])), "%s frame %d: card %r clear of the %s %r" % (what, fr["frame"], c, k, fr[k]))
                    # the card leaves its own product's marker uncovered
                    me = [p for p in fr["products"] if p["id"] == extra[1]]
                    for p in me:
                        qx = [x for x, _ in p["marker"]]
                        qy = [y for _, y in p["marker"]]
                        q = [min(qx), min(qy), max(qx) - min(qx), max(qy) - min(qy)]
                        check(not overlap(c, q), "%s frame %d: card %r covers its marker %r" % (what, fr["frame"], c, q))
        if "--hud" in extra:
            check(all(fr["hud"] for fr in lines[1:]), "%s: the HUD is on screen" % what)
    finish("test_layout")


if __name__ == "__main__":
    main()
