#!/usr/bin/env python3
"""vitrine calibrate on OpenCV's real chessboard and ChArUco photos against their reference
results; clear errors for too few views, no board and a wrong board size; and a printed board
(vitrine markers --board) seen by a synthetic camera at known poses gives back its focal length,
from files and live (headless, views taken by themselves when the board is still)."""
import math, os, re, shutil, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import *
import cv2
import numpy as np

vitrine, shared = sys.argv[1], sys.argv[2]
tmp = tempfile.mkdtemp(prefix="vt_calib_")


def read_calib(path):
    fs = cv2.FileStorage(path, cv2.FILE_STORAGE_READ)
    K = fs.getNode("camera_matrix").mat()
    out = (K, fs.getNode("rms").real(), int(fs.getNode("image_width").real()), fs.getNode("distortion_coefficients").mat())
    fs.release()
    return out


# --- arguments ---
for spec, needle in (("chessboard:9x6", "chessboard:COLSxROWS"), ("charuco:5x7:40:50:6X6_250", "smaller than the square"),
                     ("charuco:5x7:40:20:9X9_1", "unknown dictionary"), ("disc:3x3:10", "expected")):
    r = run([vitrine, "calibrate", "--board", spec, "x.jpg"])
    check(r.returncode == 2 and needle in r.stderr, "--board %s -> %d %r" % (spec, r.returncode, r.stderr))
r = run([vitrine, "calibrate", "x.jpg"])
check(r.returncode == 2 and "--board" in r.stderr, "--board required")

# --- a printed board, re-detected by a synthetic camera (runs without ../shared) ---
spec = "charuco:5x7:30:15:6X6_250"
dpi = 150
r = run([vitrine, "markers", "--board", spec, "--format", "png", "--dpi", str(dpi), "--out", os.path.join(tmp, "board")])
check(r.returncode == 0, "markers --board: %s" % r.stderr)
page = cv2.imread(os.path.join(tmp, "board", "charuco-1.png"), cv2.IMREAD_GRAYSCALE)
check(page is not None and abs(page.shape[1] - 210 / 25.4 * dpi) < 1.5, "an A4 page at %d dpi" % dpi)
png = open(os.path.join(tmp, "board", "charuco-1.png"), "rb").read()
check(b"pHYs" in png[:80], "the PNG records its resolution")
# The board's squares measure 30 mm at that resolution: the board spans 5 x 7 squares.
dark = np.where(page < 128)
w_px = dark[1].max() - dark[1].min() + 1
check(abs(w_px / (dpi / 25.4) - 150.0) < 1.0, "board width %.2f mm (150 mm)" % (w_px / (dpi / 25.4)))

W, H, f_true = 1280, 720, 1000.0
K = np.array([[f_true, 0, 639.5], [0, f_true, 359.5], [0, 0, 1]])
px_per_m = dpi / 0.0254
S = np.array([[1 / px_per_m, 0, 0], [0, 1 / px_per_m, 0], [0, 0, 1]])   # page pixels -> metres on the plane
cx_m, cy_m = page.shape[1] / px_per_m / 2, page.shape[0] / px_per_m / 2


def view(rx, ry, rz, dist, dx, dy):
    R = cv2.Rodrigues(np.array([math.radians(rx), math.radians(ry), math.radians(rz)]))[0]
    t = np.array([dx, dy, dist]) - R @ np.array([cx_m, cy_m, 0])   # the page centre on the optical axis, shifted
    Hm = K @ np.column_stack([R[:, 0], R[:, 1], t]) @ S
    # Render at twice the size, then average down: the camera integrates over each pixel.
    up = np.diag([2, 2, 1]) @ np.array([[1, 0, 0.5], [0, 1, 0.5], [0, 0, 1]]) @ Hm @ np.array([[1, 0, -0.5], [0, 1, -0.5], [0, 0, 1]])
    big = cv2.warpPerspective(page, up, (2 * W, 2 * H), flags=cv2.INTER_LINEAR, borderValue=90)
    img = cv2.resize(big, (W, H), interpolation=cv2.INTER_AREA)
    return cv2.GaussianBlur(img, (3, 3), 0.6)


poses = [(0, 0, 0, 0.55, 0, 0), (25, 0, 5, 0.6, -0.05, 0.02), (-25, 0, -5, 0.6, 0.05, -0.02), (0, 30, 10, 0.65, 0.08, 0),
         (0, -30, -10, 0.65, -0.08, 0), (20, 20, 0, 0.7, 0.1, 0.05), (-20, -20, 0, 0.7, -0.1, -0.05), (15, -25, 20, 0.6, 0.12, -0.06),
         (-15, 25, -20, 0.6, -0.12, 0.06), (30, 10, 0, 0.75, 0, 0.08), (-30, -10, 0, 0.75, 0, -0.08), (10, 35, 5, 0.7, 0.05, 0.05)]
synth = os.path.join(tmp, "synthetic")
os.mkdir(synth)
frames = []
for k, p in enumerate(poses):
    img = view(*p)
    cv2.imwrite(os.path.join(synth, "view_%02d.png" % k), img)
    frames.append(img)
out = os.path.join(tmp, "synthetic.yml")
r = run([vitrine, "calibrate", "--board", spec, synth, "--out", out])
check(r.returncode == 0, "synthetic calibration: %s %s" % (r.stdout[-300:], r.stderr))
if r.returncode == 0:
    Kc, rms, width, _ = read_calib(out)
    print("synthetic camera: fx %.2f fy %.2f (true %.1f), rms %.3f" % (Kc[0, 0], Kc[1, 1], f_true, rms))
    check(abs(Kc[0, 0] - f_true) / f_true < 0.005 and abs(Kc[1, 1] - f_true) / f_true < 0.005, "focal length within 0.5 %%: %.2f" % Kc[0, 0])
    check(width == W, "image_width recorded")

# Live, headless, over a video of the same views (each held still for a moment).
vid = os.path.join(tmp, "board.mp4")
wr = cv2.VideoWriter(vid, cv2.VideoWriter_fourcc(*"mp4v"), 30, (W, H))
for img in frames:
    for _ in range(14):
        wr.write(cv2.cvtColor(img, cv2.COLOR_GRAY2BGR))
wr.release()
out_live = os.path.join(tmp, "live.yml")
env = dict(os.environ, VITRINE_LOG="info")
r = run([vitrine, "calibrate", "--board", spec, "--live", "--headless", vid, "--out", out_live], env=env)
taken = r.stderr.count("taken")
check(r.returncode == 0 and taken >= 10, "live: %d views taken by themselves, exit %d %s" % (taken, r.returncode, r.stderr[-300:]))
if r.returncode == 0:
    Kc, rms, _, _ = read_calib(out_live)
    check(abs(Kc[0, 0] - f_true) / f_true < 0.01, "live focal length %.2f" % Kc[0, 0])

# The same in a real window under Xvfb (the frames shown, views taken by themselves).
if shutil.which("Xvfb"):
    with Xvfb("1600x900x24") as x:
        r = run([vitrine, "calibrate", "--board", spec, "--live", vid, "--out", os.path.join(tmp, "window.yml")],
                env=dict(x.env, VITRINE_LOG="info"))
    check(r.returncode == 0 and os.path.exists(os.path.join(tmp, "window.yml")), "live in a window: %d %r" % (r.returncode, r.stderr[-300:]))
else:
    check(False, "Xvfb (package xvfb) is part of the set-up")

# Too few views; no board.
two = os.path.join(tmp, "two")
os.mkdir(two)
for k in range(2):
    shutil.copy(os.path.join(synth, "view_%02d.png" % k), two)
r = run([vitrine, "calibrate", "--board", spec, two, "--out", os.path.join(tmp, "x.yml")])
check(r.returncode == 1 and "at least 3" in r.stderr and not os.path.exists(os.path.join(tmp, "x.yml")), "too few views: %r" % r.stderr)
blank = os.path.join(tmp, "blank.png")
cv2.imwrite(blank, np.full((480, 640), 200, np.uint8))
r = run([vitrine, "calibrate", "--board", "chessboard:9x6:25", blank, blank, blank])
check(r.returncode == 1 and "not found" in r.stderr, "no board: %r" % r.stderr)

# --- OpenCV's real photos ---
left = os.path.join(shared, "real", "chessboard", "opencv_left")
if os.path.isdir(left):
    out = os.path.join(tmp, "left.yml")
    r = run([vitrine, "calibrate", "--board", "chessboard:9x6:25", left, "--out", out])
    check(r.returncode == 0, "opencv_left: %s" % r.stderr)
    print(r.stdout)
    Kr = read_calib(os.path.join(left, "left_intrinsics.yml"))[0]
    Kc, rms, _, _ = read_calib(out)
    check(rms < 0.5, "RMS %.3f < 0.5 px" % rms)
    check(abs(Kc[0, 0] / Kr[0, 0] - 1) < 0.01 and abs(Kc[1, 1] / Kr[1, 1] - 1) < 0.01,
          "fx %.1f fy %.1f within 1 %% of %.1f %.1f" % (Kc[0, 0], Kc[1, 1], Kr[0, 0], Kr[1, 1]))
    check(math.hypot(Kc[0, 2] - Kr[0, 2], Kc[1, 2] - Kr[1, 2]) < 5, "principal point within 5 px")
    check("per view" in r.stdout and "left01.jpg" in r.stdout and "field of view" in r.stdout, "the report")
    # The result is read back by --calib.
    r = run([vitrine, "detect", "--calib", out, os.path.join(left, "left01.jpg")])
    check(r.returncode == 0, "detect --calib reads what calibrate wrote: %s" % r.stderr)
    # Wrong board size: a 10x7 board is not in these photos.
    r = run([vitrine, "calibrate", "--board", "chessboard:10x7:25", left, "--out", os.path.join(tmp, "w.yml")])
    check(r.returncode == 1 and "not found" in r.stderr and "10x7" in r.stderr, "wrong board size: %r" % r.stderr)
else:
    print("SKIP: %s absent" % left)

aruco = os.path.join(shared, "real", "markers", "opencv_contrib_aruco")
if os.path.isdir(aruco):
    out = os.path.join(tmp, "charuco.yml")
    imgs = [os.path.join(aruco, "img_%02d.jpg" % k) for k in range(4)]
    r = run([vitrine, "calibrate", "--board", "charuco:5x7:40:20:6X6_250", "--out", out] + imgs)
    check(r.returncode == 0, "ChArUco: %s" % r.stderr)
    Kr = read_calib(os.path.join(aruco, "tutorial_camera_charuco.yml"))[0]
    Kc = read_calib(out)[0]
    print("ChArUco: fx %.1f (reference %.1f)" % (Kc[0, 0], Kr[0, 0]))
    check(abs(Kc[0, 0] / Kr[0, 0] - 1) < 0.02, "ChArUco fx %.1f within 2 %% of %.1f" % (Kc[0, 0], Kr[0, 0]))
else:
    print("SKIP: %s absent" % aruco)

shutil.rmtree(tmp)
finish("test_calibrate")
