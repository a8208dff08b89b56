#!/usr/bin/env python3
"""Hostile inputs (issue 22, part 4): calibration files nested 100,000 deep or holding NaN or
absurd values; frames of every size from 320x240 to 8K; images of mixed sizes, corrupt JPEG data
behind a good end marker, GIF, OpenEXR, PNG that libpng complains about; a truncated video in
`run`; option values with trailing junk; file names with newlines or bytes that are not UTF-8.
Every input is made here. Each case: one clear line naming the file (or option), the exit
status, and a bound on the time it takes."""
import json, os, shutil, struct, sys, tempfile, time, zlib
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import *
import cv2
import numpy as np

vitrine = sys.argv[1]
tmp = tempfile.mkdtemp(prefix="vt_inputs_")
LIMIT = 120   # seconds per command: a hang guard (sanitised builds on a busy machine are slow)


def timed(args, env=None, limit=LIMIT):
    t0 = time.monotonic()
    r = run(args, timeout=limit, env=env)
    return r, time.monotonic() - t0


def lines_of(text):
    return [l for l in text.splitlines() if l.strip()]


def expect_refused(args, name, needle, code=2, what=None):
    """The command fails with exit code and exactly one stderr line naming name and saying needle."""
    r, dt = timed(args)
    lines = lines_of(r.stderr)
    check(r.returncode == code and len(lines) == 1 and name in lines[0] and needle in lines[0] and dt < LIMIT,
          "%s: exit %d (want %d) in %.1f s, stderr %r (want one line with %r and %r)"
          % (what or name, r.returncode, code, dt, lines[:4], name, needle))
    return r


def path(name):
    return os.path.join(tmp, name)


# ---------------------------------------------------------------- 1. calibration files
scene = path("scene.png")
cv2.imwrite(scene, np.full((480, 640), 200, np.uint8))
CALIB = """%YAML:1.0
---
image_width: {w}
image_height: {h}
camera_matrix: !!opencv-matrix
   rows: 3
   cols: 3
   dt: d
   data: [ {fx}, 0., {cx}, 0., {fy}, {cy}, {r0}, {r1}, {r2} ]
distortion_coefficients: !!opencv-matrix
   rows: 1
   cols: 5
   dt: d
   data: [ {d0}, 0., 0., 0., 0. ]
"""


def calib(name, **kw):
    v = dict(w=640, h=480, fx="600.", fy="600.", cx="320.", cy="240.", r0="0.", r1="0.", r2="1.", d0="0.1")
    v.update(kw)
    open(path(name), "w").write(CALIB.format(**v))
    return path(name)


r, dt = timed([vitrine, "detect", "--calib", calib("good.yml"), scene])
check(r.returncode == 0 and not lines_of(r.stderr), "a sound calibration is accepted: %r" % r.stderr)
for ext in ("xml", "json"):   # as OpenCV writes them
    fs = cv2.FileStorage(path("good." + ext), cv2.FILE_STORAGE_WRITE)
    fs.write("image_width", 640)
    fs.write("image_height", 480)
    fs.write("camera_matrix", np.array([[600, 0, 320], [0, 600, 240], [0, 0, 1]], float))
    fs.write("distortion_coefficients", np.zeros((1, 5)))
    fs.release()
    r, dt = timed([vitrine, "detect", "--calib", path("good." + ext), scene])
    check(r.returncode == 0 and not lines_of(r.stderr), "a sound calibration in %s is accepted: %r" % (ext, r.stderr))
# OpenCV's XML parser read past the end of a file ending in "name=" (found by fuzzing: a segfault).
open(path("ends-in-tag.xml"), "w").write('<?xml version="1.0"?>\n<opencv_storage><camera_matrix type_id=')
expect_refused([vitrine, "detect", "--calib", path("ends-in-tag.xml"), scene], "ends-in-tag.xml", "ends inside a tag")
# A key on the %YAML line sent OpenCV's YAML parser into an endless loop (fuzzing).
open(path("header-key.yml"), "w").write("%YAML:1.0 a: x\n   c: 3\n!\x1c:\n \n -3\n")
expect_refused([vitrine, "detect", "--calib", path("header-key.yml"), scene], "header-key.yml", "%YAML line")
# A line indented less than the first looped it too ("  - - 1" then "- -").
open(path("dedent.yml"), "w").write("%YAML:1.0\n - - - - 1\n- - - \n")
expect_refused([vitrine, "detect", "--calib", path("dedent.yml"), scene], "dedent.yml", "indented less than the first")

N = 100000
deep = {
    "deep-flow.yml": "%YAML:1.0\na: " + "[" * N + "]" * N + "\n",
    "deep-dash.yml": "%YAML:1.0\n" + "- " * N + "x\n",
    "deep-indent.yml": "%YAML:1.0\n" + "".join(" " * i + "k%d:\n" % i for i in range(300)) + " " * 300 + "v: 1\n",
    "deep.json": '{"a": ' + "[" * N + "]" * N + "}\n",
    "deep-map.json": '{' + '"a": {' * N + '}' * N + "}\n",
    "deep.xml": '<?xml version="1.0"?>\n<opencv_storage>' + "<a>" * N + "</a>" * N + "</opencv_storage>\n",
}
for name, text in deep.items():
    open(path(name), "w").write(text)
    expect_refused([vitrine, "detect", "--calib", path(name), scene], name, "nested too deep")
os.mkfifo(path("pipe.yml"))   # nobody writes it: opening it for reading would block
expect_refused([vitrine, "detect", "--calib", path("pipe.yml"), scene], "pipe.yml", "not a regular file")
expect_refused([vitrine, "run", "--headless", "--out", "-", "--frames", "1", "--calib", path("deep-flow.yml")],
               "deep-flow.yml", "nested too deep", what="run --calib deep-flow.yml")

values = {
    "nan-fx.yml": (dict(fx=".nan"), "fx = NaN"),
    "inf-cx.yml": (dict(cx=".inf"), "cx = inf"),
    "tiny-fx.yml": (dict(fx="1e-300", fy="1e-300"), "fx = 1e-300"),
    "huge-fx.yml": (dict(fx="1e12", fy="1e12"), "fx = 1e+12"),
    "nan-dist.yml": (dict(d0=".nan"), "distortion_coefficients[0] = NaN"),
    "width-1.yml": (dict(w=1), "image size 1x480"),
    "last-row.yml": (dict(r0="3.", r1="4."), "last row must be 0 0 1"),
    "centre-out.yml": (dict(cx="5000."), "cx = 5000 lies outside the image"),
    "fy-fx.yml": (dict(fy="60000."), "fy = 60000"),
}
for name, (kw, needle) in values.items():
    expect_refused([vitrine, "detect", "--calib", calib(name, **kw), scene], name, needle)

# ---------------------------------------------------------------- 2. every frame size
# One shelf scene, four markers in perspective, drawn at each size (so corners scale with it).
aruco = cv2.aruco
dic = aruco.getPredefinedDictionary(aruco.DICT_5X5_100)
QUADS = {  # in 1920x1080 pixels
    3: [(200, 180), (420, 200), (410, 420), (190, 400)],
    7: [(800, 300), (1000, 290), (1010, 500), (805, 505)],
    11: [(1400, 560), (1640, 590), (1620, 820), (1390, 800)],
    42: [(520, 650), (760, 660), (750, 900), (510, 880)],
}


def render(w, h):
    img = np.full((h, w), 235, np.uint8)
    m = aruco.drawMarker(dic, 0, 70)
    side = 70
    for mid, quad in QUADS.items():
        m = aruco.drawMarker(dic, mid, side)
        src = np.float32([[0, 0], [side, 0], [side, side], [0, side]])
        dst = np.float32([[(x + 0.5) * w / 1920 - 0.5, (y + 0.5) * h / 1080 - 0.5] for x, y in quad])
        H = cv2.getPerspectiveTransform(src, dst)
        warped = cv2.warpPerspective(m, H, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
        mask = cv2.warpPerspective(np.full_like(m, 255), H, (w, h), flags=cv2.INTER_NEAREST)
        img[mask > 0] = warped[mask > 0]
    return img


def found(r):
    rows = jsonl(r.stdout)
    return {m["id"]: m["corners"] for m in rows[0]["markers"]} if len(rows) == 1 else {}


ref_png = path("size-1920x1080.png")
cv2.imwrite(ref_png, render(1920, 1080))
r, dt = timed([vitrine, "detect", ref_png])
ref = found(r)
check(sorted(ref) == sorted(QUADS), "1080p: markers %s found (want %s)" % (sorted(ref), sorted(QUADS)))
for w, h in ((320, 240), (4032, 3024), (4000, 3000), (5120, 2880), (7680, 4320)):
    p = path("size-%dx%d.png" % (w, h))
    cv2.imwrite(p, render(w, h), [cv2.IMWRITE_PNG_COMPRESSION, 1])
    r, dt = timed([vitrine, "detect", p])
    got = found(r)
    worst = 0.0
    for mid in set(got) & set(ref):
        for (x, y), (rx, ry) in zip(got[mid], ref[mid]):
            ex, ey = (rx + 0.5) * w / 1920 - 0.5, (ry + 0.5) * h / 1080 - 0.5
            worst = max(worst, abs(x - ex) * 1920 / w, abs(y - ey) * 1080 / h)   # in 1080p pixels
    check(r.returncode == 0 and sorted(got) == sorted(ref) and worst < 4 and dt < LIMIT and not lines_of(r.stderr),
          "%dx%d: exit %d in %.1f s, ids %s (1080p: %s), corners within %.2f 1080p px of the scaled 1080p ones, stderr %r"
          % (w, h, r.returncode, dt, sorted(got), sorted(ref), worst, lines_of(r.stderr)[:2]))
    os.remove(p)

# run: a detector failure is told to staff once (VT_FAULT_DETECT makes every detection fail).
frames = path("frames")
os.makedirs(frames)
small = render(640, 360)
for i in range(4):
    cv2.imwrite(os.path.join(frames, "f%d.png" % i), small)
env = dict(os.environ, VT_FAULT_DETECT="1")
r, dt = timed([vitrine, "run", "--images", frames, "--headless", "--out", "-", "--no-analytics", "--hud"], env=env)
said = [l for l in lines_of(r.stderr) if "detector failed" in l]
check(r.returncode == 0 and len(said) == 1 and "error" in said[0] and dt < LIMIT,
      "run with a failing detector: exit %d in %.1f s, told %d time(s): %r" % (r.returncode, dt, len(said), said))

# ---------------------------------------------------------------- 3. image and video inputs
mixed = path("mixed")
os.makedirs(mixed)
base = cv2.cvtColor(render(1280, 720), cv2.COLOR_GRAY2BGR)
cv2.imwrite(os.path.join(mixed, "a1.png"), cv2.resize(base, (640, 360), interpolation=cv2.INTER_AREA))
cv2.imwrite(os.path.join(mixed, "a2.png"), base)
cv2.imwrite(os.path.join(mixed, "a3.png"), cv2.resize(base, (480, 480), interpolation=cv2.INTER_AREA))
out = path("mixed-out")
r, dt = timed([vitrine, "run", "--images", mixed, "--headless", "--out", out, "--no-analytics"])
warned = [l for l in lines_of(r.stderr) if "warning" in l]
sizes = sorted({cv2.imread(os.path.join(out, f)).shape[:2] for f in os.listdir(out)}) if os.path.isdir(out) else []
check(r.returncode == 0 and len(warned) == 2 and "a2.png" in warned[0] and "a3.png" in warned[1] and "scaled to fit" in warned[1]
      and sizes == [(360, 640)] and len(os.listdir(out)) == 3 and dt < LIMIT,
      "run over mixed sizes: exit %d in %.1f s, output sizes %s, warnings %r" % (r.returncode, dt, sizes, warned))
r, dt = timed([vitrine, "detect", mixed])
rows = jsonl(r.stdout)
alone = found(run([vitrine, "detect", os.path.join(mixed, "a3.png")]))
check(r.returncode == 0 and len(rows) == 3 and not lines_of(r.stderr) and
      {m["id"]: m["corners"] for m in rows[2]["markers"]} == alone and len(alone) == 4,
      "detect takes each image at its own size: exit %d, %d rows, a3 alone %s" % (r.returncode, len(rows), sorted(alone)))

ok, jpg = cv2.imencode(".jpg", base)
jpg = bytearray(jpg.tobytes())
bad = bytearray(jpg)
bad[len(bad) // 3: len(bad) // 3 + 3000] = b"\0" * 3000          # corrupt data, end marker intact
open(path("corrupt.jpg"), "wb").write(bytes(bad))
cut = jpg[: len(jpg) // 2] + b"\xff\xd9"                         # cut short, an end marker glued on
open(path("cut-eoi.jpg"), "wb").write(bytes(cut))
for name in ("corrupt.jpg", "cut-eoi.jpg"):
    expect_refused([vitrine, "detect", path(name)], name, "corrupt JPEG data")
gif = b"GIF89a" + struct.pack("<HHBBB", 2, 2, 0x80, 0, 0) + b"\0\0\0\xff\xff\xff" + \
      b",\0\0\0\0\x02\0\x02\0\0\x02\x02\x44\x01\0;"
open(path("anim.gif"), "wb").write(gif)
expect_refused([vitrine, "detect", path("anim.gif")], "anim.gif", "GIF")
expect_refused([vitrine, "run", "--video", path("anim.gif"), "--headless", "--out", "-", "--no-analytics"], "anim.gif", "GIF",
               what="run --video anim.gif")
open(path("img.exr"), "wb").write(b"\x76\x2f\x31\x01\x02\0\0\0" + b"channels\0chlist\0" + b"\0" * 40)
expect_refused([vitrine, "detect", path("img.exr")], "img.exr", "OpenEXR")


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


# Image sizes: past 64 megapixels refused from the header (a 16384x16384 PNG of 0.8 MB would decode
# to gigabytes); in the display a photo past 8K is scaled down once, with one warning.
# (Compressed row by row: the same bytes as compressing the 805 MB at once, without holding them.)
z, row = zlib.compressobj(9), b"\0" + bytes(16384 * 3)
raw = b"".join([z.compress(row) for _ in range(16384)] + [z.flush()])
open(path("huge-16k.png"), "wb").write(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 16384, 16384, 8, 2, 0, 0, 0))
                                       + png_chunk(b"IDAT", raw) + png_chunk(b"IEND", b""))
expect_refused([vitrine, "detect", path("huge-16k.png")], "huge-16k.png", "larger than Vitrine reads")
big = path("big")
os.makedirs(big)
cv2.imwrite(os.path.join(big, "p9k.png"), cv2.resize(base, (9000, 5062), interpolation=cv2.INTER_NEAREST))
r, dt = timed([vitrine, "run", "--images", big, "--headless", "--out", path("big-out"), "--no-analytics"])
warned = [l for l in lines_of(r.stderr) if "warning" in l]
outs = os.listdir(path("big-out")) if os.path.isdir(path("big-out")) else []
shape = cv2.imread(os.path.join(path("big-out"), outs[0])).shape[:2] if outs else None
check(r.returncode == 0 and len(warned) == 1 and "p9k.png" in warned[0] and "8K" in warned[0] and shape is not None
      and shape[0] * shape[1] <= 8192 * 4320 and abs(shape[1] / shape[0] - 9000 / 5062) < 0.01,
      "run scales a photo past 8K down once: exit %d, %r, output %r" % (r.returncode, warned, shape))

ok, png = cv2.imencode(".png", cv2.resize(base, (320, 180)))
png = png.tobytes()
flipped = bytearray(png)
flipped[40] ^= 0xFF
open(path("bad-crc.png"), "wb").write(bytes(flipped))
expect_refused([vitrine, "detect", path("bad-crc.png")], "bad-crc.png", "corrupt PNG data")
# A PNG libpng warns about (an ICC profile that is not one): decoded, and nothing but Vitrine speaks.
iccp = png_chunk(b"iCCP", b"bogus\0\0" + zlib.compress(b"not an ICC profile" * 8))
open(path("iccp.png"), "wb").write(png[:33] + iccp + png[33:])
r, dt = timed([vitrine, "detect", path("iccp.png")])
check(r.returncode == 0 and len(jsonl(r.stdout)) == 1 and not lines_of(r.stderr) and dt < LIMIT,
      "a PNG with a broken ICC profile decodes quietly: exit %d, stderr %r" % (r.returncode, r.stderr))

# run over a video cut short: the error names the file.
avi = path("clip.avi")
vw = cv2.VideoWriter(avi, cv2.VideoWriter_fourcc(*"MJPG"), 30, (320, 180))
for i in range(40):
    vw.write(cv2.resize(base, (320, 180)))
vw.release()
data = open(avi, "rb").read()
open(path("cut.avi"), "wb").write(data[: len(data) // 2])
r, dt = timed([vitrine, "run", "--video", path("cut.avi"), "--headless", "--out", "-", "--no-analytics"])
errs = [l for l in lines_of(r.stderr) if "error" in l]
check(r.returncode != 0 and len(errs) == 1 and "cut.avi" in errs[0] and dt < LIMIT,
      "run over a truncated video: exit %d in %.1f s, %r" % (r.returncode, dt, errs))

# ---------------------------------------------------------------- 4. option values
db = path("none.sqlite")
open(db, "wb").write(b"")
for args, opt, value in (
    (["run", "--demo-size", "100x100junk"], "--demo-size", "100x100junk"),
    (["run", "--demo-size", "100x"], "--demo-size", "100x"),
    (["run", "--frames", "10frames"], "--frames", "10frames"),
    (["run", "--simulate-disconnect", "5:1.5s"], "--simulate-disconnect", "5:1.5s"),
    (["run", "--report-every", "1e999"], "--report-every", "1e999"),
    (["stats", db, "--from", "2026-12-01garbage"], "--from", "2026-12-01garbage"),
    (["stats", db, "--to", "2026-02-30"], "--to", "2026-02-30"),
    (["detect", "--marker-length", "0x10", scene], "--marker-length", "0x10"),
    (["detect", "--threads", " 4", scene], "--threads", " 4"),
    (["detect", "--filter-params", "0.5,50,1.0junk", scene], "--filter-params", "0.5,50,1.0junk"),
    (["detect", "--intrinsics", "600,600,320,240,", scene], "--intrinsics", "600,600,320,240,"),
    (["calibrate", "--board", "chessboard:9x6:25mm", scene], "--board", "chessboard:9x6:25mm"),
    (["calibrate", "--board", "chessboard: 9x6:25", scene], "--board", "chessboard: 9x6:25"),
    (["markers", "--board", "chessboard:9x6:25", "--out", path("sheets"), "--dpi", "300dpi"], "--dpi", "300dpi"),
):
    expect_refused([vitrine] + args, "%s '%s'" % (opt, value), "expected", what=" ".join(args))

# ---------------------------------------------------------------- 5. one line each, valid JSON
odd = path(b"caf\xe9-\xff.png".decode("utf-8", "surrogateescape"))
cv2.imwrite(path("plain.png"), small)
shutil.copy(path("plain.png"), odd)
r, dt = timed([vitrine, "detect", odd])
try:
    row = json.loads(r.stdout.strip().splitlines()[0]) if r.stdout.strip() else None
except ValueError:
    row = None
check(r.returncode == 0 and row is not None and "\ufffd" in row["file"] and dt < LIMIT,
      "a file name that is not UTF-8 gives a valid JSON line: exit %d, %r" % (r.returncode, r.stdout[:120]))
nl = path("two\nlines.jpg")
shutil.copy(path("corrupt.jpg"), nl)
expect_refused([vitrine, "detect", nl], "two\\nlines.jpg", "corrupt JPEG data")
expect_refused([vitrine, "view", path("mo\ndel.glb"), "--out", path("v.png")], "del.glb", "", code=1, what="view, a model path with a newline")
bad_name = path(b"nope\xff\x1b[31m.yml".decode("utf-8", "surrogateescape"))
expect_refused([vitrine, "detect", "--calib", bad_name, scene], "nope\\xFF\\x1B[31m.yml", "no such file")

shutil.rmtree(tmp)
finish("test_inputs")
