#!/usr/bin/env python3
"""`vitrine cameras`: with no camera it says so and exits 1 (--json: []); bad options exit 2;
where a V4L2 camera exists (or v4l2loopback can make one) it is listed with its modes."""
import glob, json, os, shutil, subprocess, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import *

vitrine = sys.argv[1]

r = run([vitrine, "cameras", "--help"])
check(r.returncode == 0 and "--json" in r.stdout and "docs/cameras.md" in r.stdout, "cameras --help: %r" % r.stdout[:200])
r = run([vitrine, "--help"])
check("cameras" in r.stdout, "vitrine --help names cameras")
for bad in (["--bogus"], ["--json=1"], ["/dev/video0"]):
    r = run([vitrine, "cameras"] + bad)
    check(r.returncode == 2 and "cameras" in r.stderr and r.stderr.count("\n") == 1,
          "cameras %s -> exit %d, stderr %r (want exit 2, one line)" % (bad, r.returncode, r.stderr))


def video_nodes():
    return sorted(glob.glob("/dev/video*"))


if not video_nodes():
    # A loopback camera where the kernel allows loading modules (not in containers).
    modprobe = shutil.which("modprobe") or next((p for p in ("/sbin/modprobe", "/usr/sbin/modprobe") if os.path.exists(p)), None)
    if not modprobe:
        print("modprobe v4l2loopback: no modprobe on this machine")
    else:
        m = subprocess.run([modprobe, "v4l2loopback", "devices=1", "card_label=Vitrine test"], capture_output=True, text=True,
                           timeout=60)
        if m.returncode != 0:
            print("modprobe v4l2loopback: %s" % (m.stderr.strip() or "exit %d" % m.returncode))

if not video_nodes():
    # No camera: the listing says so, clearly, and exits 1 so scripts notice.
    r = run([vitrine, "cameras"])
    check(r.returncode == 1 and r.stdout == "" and "no cameras found (looked at /dev/video*)" in r.stderr,
          "cameras with none -> exit %d, stdout %r, stderr %r" % (r.returncode, r.stdout, r.stderr))
    r = run([vitrine, "cameras", "--json"])
    try:
        doc = json.loads(r.stdout)
    except ValueError:
        doc = None
    check(r.returncode == 1 and doc == [], "cameras --json with none -> exit %d, %r" % (r.returncode, r.stdout))
    print("SKIP (part): no /dev/video* device and v4l2loopback cannot be loaded here: "
          "listing a real camera's modes is not checked on this machine")
else:
    r = run([vitrine, "cameras", "--json"])
    doc = json.loads(r.stdout)
    check(isinstance(doc, list), "cameras --json is a list")
    if doc:
        check(r.returncode == 0, "cameras --json with cameras: exit 0")
        for cam in doc:
            check(cam["device"].startswith("/dev/video") and cam["name"], "camera named: %r" % cam["device"])
            check(len(cam["modes"]) > 0, "%s: modes listed" % cam["device"])
            d = cam["default_mode"]
            check(d is not None and cam["command"].startswith("vitrine run --camera " + cam["device"]),
                  "%s: default mode and command %r" % (cam["device"], cam["command"]))
            for m in cam["modes"]:
                check(m["width"] > 0 and m["height"] > 0 and len(m["format"]) >= 1, "mode %r" % m)
        t = run([vitrine, "cameras"])
        check(t.returncode == 0 and doc[0]["device"] in t.stdout and "modes" in t.stdout and "--camera-size" in t.stdout,
              "cameras text lists %s: %r" % (doc[0]["device"], t.stdout[:300]))
    else:
        # Nodes, but none captures (metadata or output only): said, exit 1.
        check(r.returncode == 1 and "none captures video" in r.stderr, "cameras: nodes without capture: %r" % r.stderr)
        print("SKIP (part): /dev/video* exist but none captures video: no modes to check")

finish("test_cameras_cmd")
