#!/usr/bin/env python3
"""The visitor experience through the whole program, on rendered frames read back as PNGs:
the product card's QR code decodes (OpenCV's QRCodeDetector) to the product's url; the attract
screen appears after the catalog's timeout and vanishes the frame a marker shows; and in a real
window under Xvfb, pressing S saves a screenshot with the same content as the headless frame."""
import json, os, re, shutil, subprocess, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import *
import cv2
import numpy as np

vitrine = sys.argv[1]
REPORT = re.compile(r"report: t \S+ s, (\d+) frames")   # the --report-every line
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
catalog = json.load(open(os.path.join(root, "models", "basic-shelf.json")))
tmp = tempfile.mkdtemp(prefix="vt_visitor_")

# --- 1. The card of a product, with its QR code, in the built-in demo ---
out = os.path.join(tmp, "card")
r = run([vitrine, "run", "--demo", "--headless", "--frames", "20", "--no-tour", "--no-analytics", "--card", "mug-bleu",
         "--out", out])
check(r.returncode == 0, "run --card exit %d: %s" % (r.returncode, r.stderr[-300:]))
last = cv2.imread(os.path.join(out, "frame_00019.png"))
check(last is not None, "the last frame was written")
if last is not None:
    url = [p["url"] for p in catalog["products"] if p["id"] == "mug-bleu"][0]
    ok, pts = cv2.QRCodeDetector().detect(last)
    check(ok and pts is not None, "OpenCV's QRCodeDetector finds the QR code in the card")
    text, pts, _ = cv2.QRCodeDetector().detectAndDecode(last)
    if not text and hasattr(cv2, "wechat_qrcode_WeChatQRCode"):
        # Debian's OpenCV 4.6 is built without quirc, QRCodeDetector's decoder ("Library QUIRC is
        # not linked"); OpenCV contrib's WeChat decoder (zxing-based, no models needed) reads it.
        res = cv2.wechat_qrcode_WeChatQRCode().detectAndDecode(last)[0]
        text = res[0] if res else ""
    print("QR code in the card decodes to %r" % text)
    check(text == url, "the card's QR code decodes to the product's url %s (got %r)" % (url, text))
    first = cv2.imread(os.path.join(out, "frame_00000.png"))
    # The card is a large white panel: many more pure-white pixels than a frame without it.
    white = lambda im: int(np.count_nonzero((im > 245).all(axis=2)))
    r2 = run([vitrine, "run", "--demo", "--headless", "--frames", "20", "--no-tour", "--no-analytics", "--out", out + "-none"])
    plain = cv2.imread(os.path.join(out + "-none", "frame_00019.png"))
    print("white pixels: %d with the card, %d without" % (white(last), white(plain)))
    check(white(last) > white(plain) + 40000, "the card is on screen")

# --- 2. The attract screen: blank wall, then a sheet of the catalog's markers ---
sheet = cv2.imread(os.path.join(root, "markers", "markers-1.png"))
check(sheet is not None, "markers/markers-1.png readable")
W, H = 1280, 720
frame_marks = np.full((H, W, 3), 205, np.uint8)
s = min(W / sheet.shape[1], H / sheet.shape[0]) * 0.98
small = cv2.resize(sheet, (int(sheet.shape[1] * s), int(sheet.shape[0] * s)), interpolation=cv2.INTER_AREA)
y0, x0 = (H - small.shape[0]) // 2, (W - small.shape[1]) // 2
frame_marks[y0:y0 + small.shape[0], x0:x0 + small.shape[1]] = small
frame_blank = np.full((H, W, 3), 205, np.uint8)
video = os.path.join(tmp, "attract.avi")
wr = cv2.VideoWriter(video, cv2.VideoWriter_fourcc(*"MJPG"), 30, (W, H))
for i in range(90):
    wr.write(frame_blank if i < 45 else frame_marks)
wr.release()
cat = dict(catalog)
cat["store"] = dict(catalog["store"], attract_after_s=0.8, name="Attract Test Store")
for p in cat["products"]:
    p["model"] = os.path.join(root, "models", p["model"])
cpath = os.path.join(tmp, "catalog.json")
json.dump(cat, open(cpath, "w"))
out = os.path.join(tmp, "attract")
r = run([vitrine, "run", "--video", video, "--catalog", cpath, "--headless", "--no-analytics", "--out", out])
check(r.returncode == 0, "run over the attract video exit %d: %s" % (r.returncode, r.stderr[-300:]))
def corner_mean(i):
    im = cv2.imread(os.path.join(out, "frame_%05d.png" % i))
    return float(im[20:120, 20:220].mean()) if im is not None else -1
early, idle, shown = corner_mean(15), corner_mean(44), corner_mean(45)
print("corner brightness: %.0f at 0.5 s, %.0f at 1.5 s (nothing on show), %.0f when the markers appear" % (early, idle, shown))
check(abs(early - 205) < 3, "no invitation before attract_after_s (%.0f)" % early)
check(idle < 205 * 0.7, "the attract screen dims the view after attract_after_s (%.0f)" % idle)
check(abs(shown - 205) < 3, "the attract screen is gone the frame a marker shows (%.0f)" % shown)
im = cv2.imread(os.path.join(out, "frame_00044.png"))
if im is not None:
    # The invitation's white text under the middle of the frame.
    band = im[int(H * 0.60):int(H * 0.75), :]
    check(np.count_nonzero((band > 200).all(axis=2)) > 800, "the invitation text is drawn")

# --- 3. A real window under Xvfb: S saves a screenshot of what is shown ---
xvfb, xdo = shutil.which("Xvfb"), shutil.which("xdotool")
if not xvfb or not xdo:
    print("SKIP: Xvfb or xdotool not installed")
    check(False, "Xvfb and xdotool are part of the set-up (scripts/setup.sh)")
else:
    still = os.path.join(tmp, "still.avi")
    wr = cv2.VideoWriter(still, cv2.VideoWriter_fourcc(*"MJPG"), 30, (W, H))
    for i in range(450):
        wr.write(frame_marks)
    wr.release()
    cat["store"]["name"] = "Vitrine screenshot test"
    json.dump(cat, open(cpath, "w"))
    shots = os.path.join(tmp, "shots")
    os.makedirs(shots)
    with Xvfb("1280x800x24") as x:
        # The run reports its frame count every 0.1 s: S is pressed once 60 frames were shown (the
        # headless frame compared is frame 59), then the test waits for the line that says it saved.
        env = dict(x.env, VITRINE_LOG="info")
        p = Watched([vitrine, "run", "--video", still, "--catalog", cpath, "--no-analytics", "--screenshots", shots,
                     "--report-every", "0.1"], env=env)
        shown = lambda lines: any(int(m.group(1)) >= 60 for m in map(REPORT.search, lines) if m)
        check(p.wait_for(shown), "the window showed 60 frames: %r" % p.lines[-3:])
        key = run([xdo, "search", "--sync", "--name", "Vitrine screenshot test", "windowfocus", "--sync", "key", "s"],
                  env=env, timeout=DEADLINE)
        check(key.returncode == 0, "xdotool pressed S: %r" % key.stderr)
        check(p.wait_for(lambda lines: any("screenshot saved" in l for l in lines)), "the screenshot was saved: %r" % p.lines[-3:])
        p.proc.terminate()
        rc, err = p.finish()
        r = subprocess.CompletedProcess(p.proc.args, rc, "", err)
    files = sorted(os.listdir(shots))
    print("screenshots: %s; stderr: %s" % (files, r.stderr.strip().splitlines()[-2:]))
    check(len(files) == 1 and files[0].startswith("vitrine-") and files[0].endswith(".png"), "S saved one PNG")
    if files:
        shot = cv2.imread(os.path.join(shots, files[0]))
        out = os.path.join(tmp, "still-headless")
        r = run([vitrine, "run", "--video", still, "--catalog", cpath, "--headless", "--no-analytics", "--frames", "60",
                 "--out", out])
        ref = cv2.imread(os.path.join(out, "frame_00059.png"))
        check(shot is not None and shot.shape == (H, W, 3), "the screenshot has the frame's size, not the window's")
        if shot is not None and ref is not None and shot.shape == ref.shape:
            diff = float(np.abs(shot.astype(int) - ref.astype(int)).mean())
            print("screenshot against the headless frame: mean difference %.2f grey levels" % diff)
            check(diff < 3.0, "the window shows what headless renders (mean difference %.2f)" % diff)
shutil.rmtree(tmp, ignore_errors=True)
finish("test_experience")
