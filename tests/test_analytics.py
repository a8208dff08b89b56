#!/usr/bin/env python3
"""Analytics end to end: a headless run over seq-720p records each product's visit at the frames
truth.json has it; vitrine stats reads it (table, JSON, CSV, dates); kill -9 loses nothing older
than a second; empty, missing, corrupt and foreign databases give clear messages."""
import json, os, shutil, signal, sqlite3, subprocess, sys, tempfile, threading, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import *
import cv2
import numpy as np

vitrine, shared = sys.argv[1], sys.argv[2]
repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
tmp = tempfile.mkdtemp(prefix="vt_analytics_")


def stats_error(path, *needles):
    r = run([vitrine, "stats", path])
    check(r.returncode == 1 and all(n in r.stderr for n in needles) and r.stderr.count("\n") == 1,
          "stats %s -> %d %r (want %r)" % (path, r.returncode, r.stderr, needles))


# --- databases that are not what stats needs ---
stats_error(os.path.join(tmp, "missing.sqlite"), "missing.sqlite", "no such file")
empty = os.path.join(tmp, "empty.sqlite")
open(empty, "w").close()
stats_error(empty, "empty.sqlite", "empty")
corrupt = os.path.join(tmp, "corrupt.sqlite")
open(corrupt, "wb").write(b"SQLite format 3\x00" + os.urandom(3000))
stats_error(corrupt, "corrupt.sqlite")
foreign = os.path.join(tmp, "foreign.sqlite")
con = sqlite3.connect(foreign); con.execute("CREATE TABLE t(x)"); con.commit(); con.close()
stats_error(foreign, "not a Vitrine analytics database")
r = run([vitrine, "stats", foreign, "--from", "yesterday"])
check(r.returncode == 2 and "--from" in r.stderr, "a bad date is refused: %r" % r.stderr)

seq = shared_or_skip(shared, "bench/seq-720p")
T = truth(seq)
ids = sorted({m["id"] for im in T["images"] for m in im["markers"]})
cat = {"version": 1, "store": {"name": "Test", "locale": "fr_FR", "currency": "EUR"},
       "markers": {"dictionary": T["dict"], "length_mm": 50},
       "products": [{"id": "p%d" % i, "marker": i, "name": "Produit %d" % i, "price": 10.5 + i,
                     "model": os.path.join(repo, "models", "mug.glb")} for i in ids]}
catalog = os.path.join(tmp, "catalog.json")
json.dump(cat, open(catalog, "w"))

# --- a run over the real sequence ---
db = os.path.join(tmp, "seq.sqlite")
r = run([vitrine, "run", "--video", os.path.join(seq, "seq.mp4"), "--catalog", catalog, "--intrinsics", intrinsics_arg(T),
         "--headless", "--out", os.path.join(tmp, "seq.mp4"), "--analytics", db], timeout=900)
check(r.returncode == 0, "run: %d %s" % (r.returncode, r.stderr[-300:]))
con = sqlite3.connect(db)
check(con.execute("PRAGMA journal_mode").fetchone()[0] == "wal", "WAL mode")
check(con.execute("PRAGMA user_version").fetchone()[0] == 3, "schema version 3")
sess = con.execute("SELECT started_utc, stopped_utc, dropped_events FROM sessions").fetchall()
check(len(sess) == 1 and sess[0][1] is not None and sess[0][2] == 0 and sess[0][0].endswith("Z"), "one closed session: %r" % sess)
for i in ids:
    frames = [k for k, im in enumerate(T["images"]) if any(m["id"] == i for m in im["markers"])]
    ev = con.execute("SELECT type, frame, price, dwell_seconds, ts_utc FROM events WHERE marker = ? ORDER BY id", (i,)).fetchall()
    found = [e for e in ev if e[0] == "product_found"]
    lost = [e for e in ev if e[0] == "product_lost"]
    check(len(found) == 1 and len(lost) == 1, "marker %d: one visit (%r)" % (i, ev))
    if found and lost:
        check(abs(found[0][1] - frames[0]) <= 2 and abs(lost[0][1] - frames[-1]) <= 2,
              "marker %d seen %d..%d, recorded %d..%d" % (i, frames[0], frames[-1], found[0][1], lost[0][1]))
        check(found[0][2] == 10.5 + i, "the price shown is recorded (%r)" % found[0][2])
        check(abs(lost[0][3] - len(frames) / 30.0) < 0.2, "dwell %.2f s for %d frames" % (lost[0][3], len(frames)))
        check(found[0][4].endswith("Z") and "T" in found[0][4], "UTC timestamps: %s" % found[0][4])
con.close()

r = run([vitrine, "stats", db, "--json"])
check(r.returncode == 0, "stats --json: %s" % r.stderr)
s = json.loads(r.stdout)
check(len(s["products"]) == len(ids) and all(p["found"] == 1 for p in s["products"]), "one find per product")
p0 = s["products"][0]
check(set(p0) >= {"id", "name", "found", "dwell_seconds", "median_dwell_seconds", "card_opens", "basket_adds", "conversion"},
      "product fields: %r" % sorted(p0))
check(abs(p0["dwell_seconds"] - 8.0) < 0.2 and p0["median_dwell_seconds"] == p0["dwell_seconds"], "dwell: %r" % p0)
check(s["totals"]["found"] == len(ids) and s["totals"]["sessions"] == 1 and len(s["hours"]) >= 1, "totals: %r" % s["totals"])
r = run([vitrine, "stats", db])
check(r.returncode == 0 and "Produit 0" in r.stdout and "total:" in r.stdout, "table: %r" % r.stdout[:300])
print(r.stdout)
r = run([vitrine, "stats", db, "--csv"])
check(r.returncode == 0 and r.stdout.startswith("section,key,name,found") and r.stdout.count("\nproduct,") == len(ids), "csv")
r = run([vitrine, "stats", db, "--json", "--to", "2000-01-01"])
check(r.returncode == 0 and json.loads(r.stdout)["products"] == [], "--to before the run: nothing")
today = time.strftime("%Y-%m-%d", time.gmtime())
r = run([vitrine, "stats", db, "--json", "--from", today, "--to", today])
check(r.returncode == 0 and len(json.loads(r.stdout)["products"]) == len(ids), "--from/--to today: everything")

# --- kill -9: nothing older than a second is lost ---
# Frames where the markers come and go: blocks of the sequence and of blank frames.
frames_dir = os.path.join(tmp, "frames")
os.mkdir(frames_dir)
cap = cv2.VideoCapture(os.path.join(seq, "seq.mp4"))
clip = []
for _ in range(20):
    ok, f = cap.read()
    clip.append(cv2.resize(f, (640, 360)))
blank = np.full_like(clip[0], 128)
n = 0
for block in range(40):
    for f in (clip if block % 2 == 0 else [blank] * 12):
        cv2.imwrite(os.path.join(frames_dir, "f%05d.png" % n), f)
        n += 1
db2 = os.path.join(tmp, "killed.sqlite")
env = dict(os.environ, VITRINE_LOG="info")
p = Watched([vitrine, "run", "--images", frames_dir, "--catalog", catalog, "--headless",
             "--out", os.path.join(tmp, "k.mp4"), "--analytics", db2], env=env)
def events(lines):
    return [l.split() for l in lines if "analytics: product_" in l]
# Kill once 8 events were logged and the 8th is more than a second old, while the run is still going.
check(p.wait_for(lambda lines: len(events(lines)) >= 8), "8 events logged: %r" % p.lines[-3:])
with p.cond:
    eighth = [t for l, t in zip(p.lines, p.stamps) if "analytics: product_" in l][7]
time.sleep(max(0.0, eighth + 1.2 - time.monotonic()))   # the events must age: this waits on the clock itself
check(p.proc.poll() is None, "the run was still going when killed (make the clip longer)")
with p.cond:
    killed_at = time.monotonic()
    p.proc.send_signal(signal.SIGKILL)
    logged = [(t, w[2], w[3], int(w[5])) for l, t in zip(p.lines, p.stamps) if "analytics: product_" in l for w in [l.split()]]
p.finish()
con = sqlite3.connect(db2)
check(con.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "the killed run's database is intact")
stored = set(con.execute("SELECT type, product_id, frame FROM events WHERE type LIKE 'product_%'").fetchall())
con.close()
old = [l for l in logged if l[0] < killed_at - 1.0]
missing = [l for l in old if (l[1], l[2], l[3]) not in stored]
print("kill -9: %d events logged, %d older than a second, %d of those missing" % (len(logged), len(old), len(missing)))
check(len(old) >= 8 and not missing, "every event up to the last second is stored (missing %r)" % missing[:5])
r = run([vitrine, "stats", db2])
check(r.returncode == 0, "stats reads the killed run's database")

# --- a folder of frames: one media clock (a nominal 30 frames/s), so the same dwell times on every run ---
media_dir = os.path.join(tmp, "media")
os.mkdir(media_dir)
for k, f in enumerate(clip + [blank] * 12 + clip[:10] + [blank] * 12):
    cv2.imwrite(os.path.join(media_dir, "m%05d.png" % k), f)
runs = []
for rep in range(2):
    dbm = os.path.join(tmp, "media%d.sqlite" % rep)
    r = run([vitrine, "run", "--images", media_dir, "--catalog", catalog, "--headless",
             "--out", "-", "--analytics", dbm], timeout=600)
    check(r.returncode == 0, "run over a folder of frames: %d %s" % (r.returncode, r.stderr[-300:]))
    con = sqlite3.connect(dbm)
    runs.append(con.execute("SELECT type, product_id, frame, dwell_seconds FROM events WHERE type LIKE 'product_%' "
                            "ORDER BY product_id, frame, type").fetchall())
    con.close()
lost = [e for e in runs[0] if e[0] == "product_lost"]
found = {(e[1], e[2]) for e in runs[0] if e[0] == "product_found"}
print("folder of frames: %d events, dwell times %s" % (len(runs[0]), sorted({round(e[3], 4) for e in lost})))
check(len(lost) >= 2, "visits recorded over the folder: %r" % runs[0][:6])
check(runs[0] == runs[1], "the same folder twice gives the same events and dwell times: %r vs %r" % (runs[0][:4], runs[1][:4]))
# Each visit lasts its frames at 30 frames/s: from the frame it was found to the end of the last one seen.
for e in lost:
    first = max(f for (pid, f) in found if pid == e[1] and f <= e[2])
    check(abs(e[3] - (e[2] - first + 1) / 30.0) < 1e-6, "dwell %.4f s for frames %d..%d at 30 frames/s" % (e[3], first, e[2]))

shutil.rmtree(tmp)
finish("test_analytics")
