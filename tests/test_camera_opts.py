#!/usr/bin/env python3
"""The camera's options and settings (issue 23): each bad --camera-... value (and a bad --camera
source) is one line naming the option, exit 2, before anything opens; the catalog's "camera"
section is checked by `vitrine validate` with FILE:LINE:COL for a bad value, and good settings
pass; command-line options win over the catalog's."""
import json, os, re, shutil, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import *

vitrine = sys.argv[1]
repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
tmp = tempfile.mkdtemp(prefix="vt_camopts_")

# --- bad option values: one line naming the option, exit 2 ---
bad = [(["--camera-size", "1920x"], "--camera-size"), (["--camera-size", "0x0"], "--camera-size"),
       (["--camera-fps", "0"], "--camera-fps"), (["--camera-fps", "1000"], "--camera-fps"),
       (["--camera-format", "MJPEG5"], "--camera-format"), (["--camera-format", "MJ-G"], "--camera-format"),
       (["--camera-exposure", "bright"], "--camera-exposure"), (["--camera-focus", "-3"], "--camera-focus"),
       (["--camera-white-balance", "warm"], "--camera-white-balance"),
       (["--camera", "ftp://cam.local/x"], "--camera"), (["--camera", "cam0"], "--camera"), (["--camera", "gst:"], "--camera"),
       (["--camera", "256"], "--camera")]
for args, opt in bad:
    for cmd in (["run", "--headless", "--out", "-", "--frames", "1"], ["calibrate", "--board", "chessboard:9x6:25"]):
        r = run([vitrine] + cmd + args, timeout=60)
        lines = r.stderr.strip().splitlines()
        check(r.returncode == 2 and len(lines) == 1 and (opt + " ") in lines[0] and args[1] in lines[0],
              "%s %s: exit %d, %r" % (cmd[0], " ".join(args), r.returncode, r.stderr))
r = run([vitrine, "run", "--help"])
check(r.returncode == 0 and all(o in r.stdout for o in ("--camera SOURCE", "--camera-size", "--camera-exposure", "gst:PIPELINE")),
      "run --help lists the camera options")
# The format is upper-cased; a good value passes the parser (the demo then plays: no camera here).
r = run([vitrine, "run", "--demo", "--demo-size", "320x180", "--camera-format", "mjpg", "--headless", "--out", "-", "--frames", "2",
         "--no-analytics"], timeout=120)
check(r.returncode == 0 and "ignored with --demo" in r.stderr, "camera options with --demo: warned, ignored: %r" % r.stderr[-300:])

# --- the catalog's "camera" ---
base = json.load(open(os.path.join(repo, "bench", "catalog-no-products.json")))


def validate(camera, raw=None):
    path = os.path.join(tmp, "catalog.json")
    cat = dict(base, camera=camera)
    text = raw if raw is not None else json.dumps(cat, indent=2)
    open(path, "w").write(text)
    return path, text, run([vitrine, "validate", path], timeout=60)


good = {"source": "rtsp://10.0.0.7:554/stream1", "size": "1920x1080", "fps": 30, "format": "mjpg", "exposure": "locked",
        "focus": 120, "white_balance": "auto"}
path, _, r = validate(good)
check(r.returncode == 0 and "error" not in r.stderr, "good camera settings validate: %r %r" % (r.stdout[-300:], r.stderr[-300:]))
for src in (0, "/dev/video2", "gst:videotestsrc is-live=true", "http://cam.local/mjpg", "3"):
    _, _, r = validate({"source": src})
    check(r.returncode == 0, "camera.source %r validates: %r" % (src, r.stderr[-300:]))

cases = [("size", "1920*1080"), ("size", 1080), ("fps", 0), ("fps", 1000), ("format", "MJPEG5"), ("exposure", "bright"),
         ("focus", -1), ("white_balance", True), ("source", "ftp://x"), ("source", 300), ("source", "cam0")]
for key, value in cases:
    cam = dict(good)
    cam[key] = value
    path, text, r = validate(cam)
    # The place: the value's line and column in the file.
    want_line = next(i + 1 for i, l in enumerate(text.splitlines()) if '"%s":' % key in l)
    m = re.search(re.escape(path) + r":(\d+):(\d+): error: (.*camera\.%s.*)" % key, r.stdout + r.stderr)
    check(r.returncode != 0 and m and int(m.group(1)) == want_line,
          "camera.%s = %r: an error at line %d: %r" % (key, value, want_line, (r.stdout + r.stderr)[-300:]))
_, _, r = validate(dict(good, exposre="auto"))
check(r.returncode == 0 and re.search(r'unknown key "exposre" in camera.*did you mean "exposure"', r.stdout + r.stderr),
      "an unknown key in camera warned with the nearest: %r" % (r.stdout + r.stderr)[-300:])
_, _, r = validate("rtsp://x")
check(r.returncode != 0 and '"camera" must be an object' in r.stdout + r.stderr, "camera not an object: %r" % (r.stdout + r.stderr)[-300:])

# --- the command line wins: the catalog's bad source is not used when --camera is given ---
path = os.path.join(tmp, "cam.json")
json.dump(dict(base, camera={"source": "gst:videotestsrc is-live=true ! video/x-raw,width=320,height=240,framerate=30/1",
                             "size": "160x120"}), open(path, "w"))
r = run([vitrine, "run", "--catalog", path, "--headless", "--out", "-", "--frames", "3", "--no-analytics"], timeout=120)
check(r.returncode == 0 and re.search(r"gst: videotestsrc[^\n]*: 160x120 ", r.stderr), "the catalog's source and size: %r" % r.stderr[-400:])
r = run([vitrine, "run", "--catalog", path, "--camera-size", "200x150", "--headless", "--out", "-", "--frames", "3", "--no-analytics"],
        timeout=120)
check(r.returncode == 0 and re.search(r": 200x150 ", r.stderr), "--camera-size wins over the catalog's: %r" % r.stderr[-400:])
r = run([vitrine, "run", "--catalog", path, "--camera", "gst:videotestsrc is-live=true ! video/x-raw,width=256,height=144",
         "--headless", "--out", "-", "--frames", "3", "--no-analytics"], timeout=120)
check(r.returncode == 0 and "width=256" in r.stderr, "--camera wins over the catalog's source: %r" % r.stderr[-400:])

shutil.rmtree(tmp, ignore_errors=True)
finish("test_camera_opts")
