#!/usr/bin/env python3
"""An IP camera over RTSP (issue 23): tests/rtsp_server.py streams the demo's markers as H.264 in
real time from 127.0.0.1; `vitrine run --camera rtsp://...` draws the products on them, says what
the stream negotiated, reports capture-to-display latency, drops and reconnects; the server is
stopped for 5 s and started again: the run says the camera is lost, keeps going, resumes by itself,
the products come back, and the analytics have the visits closed (camera_lost) and opened again."""
import json, os, re, shutil, signal, socket, sqlite3, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import *

vitrine = sys.argv[1]
here = os.path.dirname(os.path.abspath(__file__))
repo = os.path.dirname(here)
try:
    subprocess.run(["/usr/bin/python3", "-c", "import gi; gi.require_version('GstRtspServer', '1.0')"], check=True,
                   capture_output=True, timeout=60)
except (OSError, subprocess.SubprocessError):
    print("SKIP: GStreamer's RTSP server for Python (gir1.2-gst-rtsp-server-1.0, python3-gi) is not installed")
    sys.exit(77)
tmp = tempfile.mkdtemp(prefix="vt_rtsp_")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port, frames):
    p = subprocess.Popen(["/usr/bin/python3", os.path.join(here, "rtsp_server.py"), str(port), "/shelf", frames],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    line = p.stdout.readline()   # READY, or nothing when it failed
    check(line.startswith("READY"), "the RTSP server starts: %r %s" % (line, "" if line else p.stderr.read()[-300:]))
    return p


def stop(p):
    if p and p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def layout_products(path):
    """(frame number, products drawn) of each complete line of the layout log so far."""
    out = []
    with open(path, "rb") as f:
        for line in f.read().split(b"\n"):
            try:
                j = json.loads(line)
            except ValueError:
                continue   # the last line, being written
            out.append((j["frame"], len(j["products"])))
    return out


server = run_ = None
try:
    # The stream: the demo's shelf (six markers, ids 1-6, as models/basic-shelf.json has them), no products.
    frames = os.path.join(tmp, "frames")
    r = run([vitrine, "run", "--demo", "--demo-size", "640x360", "--frames", "90", "--headless", "--out", frames, "--no-analytics",
             "--no-tour", "--catalog", os.path.join(repo, "bench", "catalog-no-products.json")], timeout=300)
    check(r.returncode == 0, "marker frames made: %r" % r.stderr[-300:])
    cat = json.load(open(os.path.join(repo, "models", "basic-shelf.json")))
    for prod in cat["products"]:
        prod["model"] = os.path.join(repo, "models", prod["model"])
    catalog = os.path.join(tmp, "catalog.json")
    json.dump(cat, open(catalog, "w"))
    port = free_port()
    url = "rtsp://127.0.0.1:%d/shelf" % port
    server = start_server(port, frames)

    layout, db = os.path.join(tmp, "layout.jsonl"), os.path.join(tmp, "a.sqlite")
    run_ = Watched([vitrine, "run", "--camera", url, "--catalog", catalog, "--headless", "--out", "-", "--no-tour",
                    "--layout-log", layout, "--analytics", db, "--report-every", "1"])
    ok = run_.wait_for(lambda ls: sum("report:" in l for l in ls) >= 4, deadline=120)
    check(ok, "the run reports while the stream plays: %s" % "".join(run_.lines)[-500:])
    err = "".join(run_.lines)
    neg = re.search(r"run: (rtsp://127\.0\.0\.1:\d+/shelf: 640x360 \S+ at [^\n]*)", err)
    check(neg is not None, "the startup line says what the stream gives: %r" % err[:600])
    print("startup: %s" % (neg.group(1) if neg else None))
    lats = [float(m) for m in re.findall(r"report: .*?latency ([\d.]+) ms", err)]
    check(lats and all(0 < l < 1000 for l in lats), "capture-to-display latency reported and bounded: %r" % lats)
    check(re.search(r"report: .*dropped \d+, reconnects 0", err), "drops and reconnects in the report")
    seen = layout_products(layout)
    drawn = [n for _, n in seen if n >= 3]
    check(len(drawn) >= 10, "products drawn on the stream's markers (%d of %d frames with 3 or more)" % (len(drawn), len(seen)))

    # --- the server gone for 5 s, then back on the same port ---
    stop(server)
    t_stop = time.monotonic()
    ok = run_.wait_for(lambda ls: any("reconnecting" in l for l in ls), deadline=60)
    check(ok, "the run says the camera is lost: %s" % "".join(run_.lines)[-400:])
    n_lost = len(run_.lines)
    while time.monotonic() < t_stop + 5:
        time.sleep(0.1)
    check(run_.proc.poll() is None, "the run keeps going while the camera is away")
    server = start_server(port, frames)
    t_back = time.monotonic()
    ok = run_.wait_for(lambda ls: any("is back after" in l for l in ls), deadline=60)
    back_s = time.monotonic() - t_back
    print("back %.1f s after the server restarted" % back_s)
    check(ok and back_s < 20, "resumes within 20 s of the restart (%.1f s)" % back_s)
    n_back = len(layout_products(layout))
    ok = run_.wait_for(lambda ls: sum("report:" in l for l in ls[n_lost:]) >= 4, deadline=120)
    later = layout_products(layout)[n_back:]
    check(sum(1 for _, n in later if n >= 3) >= 10, "products drawn again after the reconnection (%d frames)" % len(later))
    err = "".join(run_.lines)
    check(re.search(r"report: .*reconnects [1-9]", err), "the reconnect counted: %r" % err[-300:])
    run_.proc.send_signal(signal.SIGTERM)
    rc, err = run_.finish(deadline=120)
    check(rc == 0, "exit 0 after SIGTERM: %d %s" % (rc, err[-400:]))
    check(re.search(r"capture to display [\d.]+ ms mean, [\d.]+ p95, dropped \d+, reconnects [1-9]", err),
          "the summary has latency, drops and reconnects: %r" % err[-400:])
    check("AddressSanitizer" not in err and "runtime error" not in err, "no sanitizer report")

    # --- the visits: closed when the camera went, opened again when it was back ---
    ev = sqlite3.connect(db).execute("SELECT type, product_id, reason FROM events WHERE type LIKE 'product_%' ORDER BY id").fetchall()
    lost = [i for i, e in enumerate(ev) if e[0] == "product_lost" and e[2] == "camera_lost"]
    refound = [e for i, e in enumerate(ev) if lost and i > lost[0] and e[0] == "product_found"]
    print("events: %d closed with camera_lost, %d found after" % (len(lost), len(refound)))
    check(len(lost) >= 3 and len(refound) >= 3, "visits closed (camera_lost) and reopened: %r" % ev[:20])
finally:
    if run_ and run_.proc.poll() is None:
        run_.proc.kill()
        run_.proc.wait()
    stop(server)
    shutil.rmtree(tmp, ignore_errors=True)
finish("test_camera_rtsp")
