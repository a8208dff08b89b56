#!/usr/bin/env python3
"""Staff problems stay off the visitors' screen (whole program, no shared material needed).

1. A catalog set to 6X6_250 over printed 5X5_100 markers: after 3 s of media time the run says
   once, as a warning, "markers of 5X5_100 seen (ids 1, 2, 3); the catalog expects 6X6_250";
   nothing before 3 s, nothing with the right dictionary, said again after a hot reload to
   another wrong dictionary, and `vitrine detect --dict 6X6_250` says the same, once.
2. A broken catalog edit: "not reloaded" on stderr, no banner and no other change on the
   visitors' screen (pixels), one more line in the HUD with --hud.
3. The demo tour's invented promotion (a red price) only on the built-in demo catalog, not on a
   copy of it at another path (a retailer's own catalog), --tour in both."""
import json, os, re, shutil, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import *
import cv2
import numpy as np

vitrine = sys.argv[1]
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
tmp = tempfile.mkdtemp(prefix="vt_staff_")
HINT = "markers of 5X5_100 seen (ids 1, 2, 3); the catalog expects 6X6_250"
REPORT = re.compile(r"report: t \d+ s, (\d+) frames")


def catalog(dictionary):
    return json.dumps({"version": 1, "store": {"name": "Shop", "locale": "fr_FR", "currency": "EUR"},
                       "markers": {"dictionary": dictionary, "length_mm": 50},
                       "products": [{"id": "p%d" % i, "marker": i, "name": "P%d" % i, "price": 10 * i,
                                     "dimensions_mm": [50, 50, 50]} for i in (1, 2, 3)]})


def save(path, text):   # as editors do: a new file renamed over the old one
    open(path + ".tmp", "w").write(text)
    os.replace(path + ".tmp", path)


# --- the printed sheet (vitrine markers), filmed straight on: a folder of identical frames ---
cat5 = os.path.join(tmp, "cat5.json")
save(cat5, catalog("5X5_100"))
r = run([vitrine, "markers", cat5, "--out", os.path.join(tmp, "sheet"), "--format", "png", "--dpi", "100"])
check(r.returncode == 0, "vitrine markers: %s" % r.stderr)
sheet = cv2.imread(os.path.join(tmp, "sheet", "markers-1.png"))
top = cv2.resize(sheet[:720, :], None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
frame = np.full((360, 480, 3), 255, np.uint8)
frame[:, 480 - top.shape[1]:] = top[:360]   # markers on the right: the HUD's corner stays white paper
still = os.path.join(tmp, "still.png")
cv2.imwrite(still, frame)
frames = os.path.join(tmp, "frames")
os.mkdir(frames)
for k in range(900):
    os.symlink(still, os.path.join(frames, "f%04d.png" % k))
# The watched runs (hot reload, broken edits) stop when the test has seen what it waits for: a
# long folder, so that a busy machine's slow reloads never outlast the footage.
long_frames = os.path.join(tmp, "long")
os.mkdir(long_frames)
for k in range(30000):
    os.symlink(still, os.path.join(long_frames, "f%05d.png" % k))
print("frames: %s, markers of about %d px" % (frame.shape, top.shape[1] * 196 // 827))


def hint_lines(err, needle=HINT):
    return [l for l in err.splitlines() if needle in l]


# --- 1. the wrong-dictionary hint ---
cat6 = os.path.join(tmp, "cat6.json")
save(cat6, catalog("6X6_250"))
base = [vitrine, "run", "--images", frames, "--headless", "--out", "-", "--no-analytics"]
r = run(base + ["--catalog", cat6, "--frames", "150"])
lines = hint_lines(r.stderr)
print("run, 6X6_250 over 5X5_100, 150 frames (5 s): %r" % lines)
check(r.returncode == 0 and len(lines) == 1, "the hint is said once: %r" % r.stderr[-600:])
check(lines and lines[0].strip() == "vitrine: run: warning: " + HINT, "a warning in the log's format: %r" % lines)
r = run(base + ["--catalog", cat6, "--frames", "80"])
check(r.returncode == 0 and not hint_lines(r.stderr, "markers of"), "nothing before 3 s of media time: %r" % r.stderr[-300:])
r = run(base + ["--catalog", cat5, "--frames", "150"])
check(r.returncode == 0 and not hint_lines(r.stderr, "markers of"), "nothing with the right dictionary: %r" % r.stderr[-300:])

# Hot reload: another wrong dictionary says it again (for that one), the right one says nothing more.
live = os.path.join(tmp, "live.json")
save(live, catalog("6X6_250"))
watched = [vitrine, "run", "--images", long_frames, "--headless", "--out", "-", "--no-analytics"]
p = Watched(watched + ["--catalog", live, "--report-every", "0.1"])
check(p.wait_for(lambda ls: any(HINT in l for l in ls)), "the hint during a run: %r" % p.lines[-3:])
save(live, catalog("4X4_50"))
hint4 = HINT.replace("6X6_250", "4X4_50")
check(p.wait_for(lambda ls: any(hint4 in l for l in ls)), "said again after the catalog's dictionary changed: %r" % p.lines[-3:])
save(live, catalog("5X5_100"))
n = len(p.lines)
check(p.wait_for(lambda ls: sum("reloaded" in l for l in ls[n:]) >= 1), "the right dictionary reloaded: %r" % p.lines[-3:])
p.proc.terminate()
rc, err = p.finish()
print("hot reload: %r" % [l.strip() for l in err.splitlines() if "markers of" in l or "reloaded" in l])
check(len(hint_lines(err)) == 1 and len(hint_lines(err, hint4)) == 1 and len(hint_lines(err, "markers of")) == 2,
      "one hint per wrong dictionary, none for the right one")

# detect: the same, synchronously, once for several inputs.
r = run([vitrine, "detect", "--dict", "6X6_250", still, still])
lines = hint_lines(r.stderr, "markers of 5X5_100 seen (ids 1, 2, 3); --dict is 6X6_250")
print("detect --dict 6X6_250: %r" % r.stderr.strip())
check(r.returncode == 0 and len(lines) == 1 and r.stdout.count('"markers": []') == 2, "detect's hint, once")
r = run([vitrine, "detect", still])
check(r.returncode == 0 and "markers of" not in r.stderr and r.stdout.count('"id"') == 3, "detect with the right --dict: no hint")

# --- 2. a broken catalog edit: to staff (log, HUD), never on the visitors' screen ---
def broken_edit(hud):
    out = os.path.join(tmp, "out-hud" if hud else "out")
    save(live, catalog("5X5_100"))
    p = Watched(watched[:-3] + ["--out", out, "--no-analytics", "--catalog", live, "--report-every", "0.1"] + (["--hud"] if hud else []))
    shown = lambda ls: max([int(m.group(1)) for m in map(REPORT.search, ls) if m] or [0])
    check(p.wait_for(lambda ls: shown(ls) >= 60), "60 frames shown: %r" % p.lines[-3:])
    before = shown(p.lines)
    save(live, '{"version": 1, "products": [ {"id": "broken",, ')
    check(p.wait_for(lambda ls: any("not reloaded" in l for l in ls)), "the broken edit on stderr: %r" % p.lines[-3:])
    n = len(p.lines)
    # The HUD refreshes every second: 15 report lines (0.1 s apart) after the message.
    check(p.wait_for(lambda ls: sum(bool(REPORT.search(l)) for l in ls[n:]) >= 15), "the run went on: %r" % p.lines[-3:])
    p.proc.terminate()
    rc, err = p.finish()
    check(rc == 0 and err.count("not reloaded") == 1, "one log line for the broken edit (exit %d)" % rc)
    check("Catalog not updated" not in err, "no visitor's banner text in the log either")
    last = sorted(os.listdir(out))[-1]
    A = cv2.imread(os.path.join(out, "frame_%05d.png" % (before - 2)))
    B = cv2.imread(os.path.join(out, last))
    return A, B, (np.abs(A.astype(int) - B.astype(int)).max(2) > 40)


A, B, d = broken_edit(hud=False)
H = d.shape[0]
print("no HUD: %d pixels changed after the broken edit, %d in the bottom fifth" % (d.sum(), d[int(0.8 * H):].sum()))
check(d[int(0.8 * H):].sum() == 0, "no banner along the bottom of the visitors' screen")
check(d.sum() <= 60, "nothing else changes on the visitors' screen (%d pixels)" % d.sum())


def hud_rows(img):   # rows of the HUD's dark panel over the white paper in the top-left corner
    return int((img[:, 8:40].mean(axis=(1, 2)) < 160).sum())


A, B, d = broken_edit(hud=True)
print("HUD: panel %d rows before the broken edit, %d after; bottom fifth changed: %d pixels" %
      (hud_rows(A), hud_rows(B), d[int(0.8 * H):].sum()))
check(hud_rows(A) > 10 and hud_rows(B) >= hud_rows(A) + 8, "the HUD gains a staff line (%d -> %d rows)" % (hud_rows(A), hud_rows(B)))
check(d[int(0.8 * H):].sum() == 0, "with the HUD too, no banner along the bottom")
cv2.imwrite(os.path.join(tmp, "hud-after.png"), B)

# --- 3. the tour's invented promotion: the built-in demo catalog only ---
demo_cat = json.load(open(os.path.join(root, "models", "basic-shelf.json")))
for prod in demo_cat["products"]:
    if "model" in prod:
        prod["model"] = os.path.join(root, "models", prod["model"])
own = os.path.join(tmp, "own", "catalog.json")
os.makedirs(os.path.dirname(own))
json.dump(demo_cat, open(own, "w"))


def tour_start(cat):   # both runs at once: they are independent
    out = os.path.join(tmp, "tour-%d" % len(cat))
    args = [vitrine, "run", "--demo", "--demo-size", "480x270", "--headless", "--tour", "--frames", "360", "--out", out,
            "--no-analytics"] + (["--catalog", cat] if cat else [])
    return Watched(args), out


def tour_frame(started):
    p, out = started
    rc, err = p.finish()
    check(rc == 0, "the tour ran: %s" % err[-300:])
    img = cv2.imread(os.path.join(out, "frame_00359.png"))   # 12 s: the tour's promotion is on (11-18 s)
    return img, (img[:, :, 2] > 170) & (img[:, :, 1] < 90) & (img[:, :, 0] < 90)   # the promotion's red


runs = [tour_start(""), tour_start(own)]
demo_img, demo_red = tour_frame(runs[0])
own_img, own_red = tour_frame(runs[1])
# The same scene and tour either way: red where the other has none is a promotion's price.
# (the price may be drawn at the tag floor when the layout moves it aside: 60-odd pixels at 480x270)
demo_only, own_only = int((demo_red & ~own_red).sum()), int((own_red & ~demo_red).sum())
print("tour at 12 s: %d promotion-red pixels only with the demo catalog, %d only with a retailer's copy" % (demo_only, own_only))
check(demo_only > 40, "the tour's invented promotion on the demo catalog (%d red pixels)" % demo_only)
check(own_only < 10, "none on a retailer's own catalog (%d red pixels)" % own_only)
cv2.imwrite(os.path.join(tmp, "tour-demo.png"), demo_img)
cv2.imwrite(os.path.join(tmp, "tour-own.png"), own_img)

if os.environ.get("VT_KEEP"):
    print("kept %s" % tmp)
else:
    shutil.rmtree(tmp)
finish("test_staff")
