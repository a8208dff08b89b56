#!/usr/bin/env python3
"""Honest accounting (issue 22): a full disk and a locked database are counted in the session's
dropped_events (events = stored + dropped) and said once, not per commit; SIGTERM, SIGINT and
SIGHUP end a run within seconds whatever the database does, the video playable; a reload that
takes a product away while its marker is in view closes its visit; stats --csv quotes its text
fields (RFC 4180). Everything here is made by the test; no shared material needed."""
import csv, io, json, os, re, resource, shutil, signal, sqlite3, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import *
import cv2
import numpy as np

vitrine = sys.argv[1]
repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
tmp = tempfile.mkdtemp(prefix="vt_accounting_")
ENV = dict(os.environ, VITRINE_LOG="info")
DEMO = [vitrine, "run", "--demo", "--headless", "--demo-size", "320x180"]


def events_of(db, session):
    con = sqlite3.connect(db)
    n = con.execute("SELECT count(*) FROM events WHERE session_id = ?", (session,)).fetchone()[0]
    row = con.execute("SELECT stopped_utc, dropped_events FROM sessions WHERE id = ?", (session,)).fetchone()
    con.close()
    return n, row


def analytics_lines(text):
    return [l for l in text.splitlines() if "analytics:" in l and ("warning" in l or "error" in l or "session" in l
                                                                   or "storing" in l)]


# --- 1. disk full: every event that could not be stored is counted ---------------------------
# 16 KB pages: the first two pages (the header and the sessions table) lie under the 32 KB limit,
# the events table and its indexes above it, and the write-ahead log holds one page at most. So
# under the limit no event can be stored, and the session's own row still can (its drops, its end).
db = os.path.join(tmp, "full.sqlite")
con = sqlite3.connect(db)
con.execute("PRAGMA page_size = 16384")
con.execute("PRAGMA journal_mode = WAL")
con.close()
r = run(DEMO + ["--frames", "300", "--out", "-", "--analytics", db], timeout=300, env=ENV)
check(r.returncode == 0, "reference run: %d %s" % (r.returncode, r.stderr[-300:]))
total, ref = events_of(db, 1)
check(total >= 6 and ref[1] == 0 and ref[0], "reference run: %d events, session %r" % (total, ref))


def limited():
    resource.setrlimit(resource.RLIMIT_FSIZE, (32768, 32768))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # a write past the limit fails with EFBIG instead


t0 = time.monotonic()
# (no shader cache written under the limit)
p = subprocess.run(DEMO + ["--frames", "300", "--out", "-", "--analytics", db], capture_output=True, text=True, timeout=300,
                   env=dict(ENV, MESA_SHADER_CACHE_DISABLE="true"), preexec_fn=limited, stdin=subprocess.DEVNULL)
check(p.returncode == 0, "a full disk does not end the run: %d %s" % (p.returncode, p.stderr[-400:]))
stored, sess = events_of(db, 2)
check(sess is not None and sess[0] is not None, "the session is closed under the full disk: %r" % (sess,))
check(sess is not None and sess[1] > 0 and stored + sess[1] == total,
      "events = stored + dropped: %d = %d + %r" % (total, stored, sess))
lines = analytics_lines(p.stderr)
check(len(lines) == 2 and "cannot store events" in lines[0] and ("%d dropped" % total) in lines[1],
      "said once, then the summary with the number dropped: %r" % lines)
check(all("full.sqlite" in l for l in lines), "the lines name the database: %r" % lines)
r = run([vitrine, "stats", db, "--json"])
check(r.returncode == 0 and json.loads(r.stdout)["totals"]["dropped_events"] == total, "stats --json: %s" % r.stdout[-200:])
r = run([vitrine, "stats", db])
check(r.returncode == 0 and ("%d event(s) dropped" % total) in r.stdout, "stats table: %r" % r.stdout[-200:])
r = run([vitrine, "stats", db, "--csv"])
rows = list(csv.reader(io.StringIO(r.stdout)))
check(rows and rows[0][-1] == "dropped_events" and rows[-1][0] == "total" and rows[-1][-1] == str(total),
      "stats --csv: %r" % rows[-1:])

# --- 2. a locked database: held and stored when it is free again ------------------------------
def lock(path):
    c = sqlite3.connect(path, timeout=10, isolation_level=None)
    c.execute("BEGIN EXCLUSIVE")
    return c


def stored_events(path):
    try:
        c = sqlite3.connect(path)
        n = c.execute("SELECT count(*) FROM events").fetchone()[0]
        c.close()
        return n
    except sqlite3.Error:
        return 0


db = os.path.join(tmp, "locked.sqlite")
w = Watched(DEMO + ["--out", "-", "--analytics", db], env=ENV)
check(wait_until(lambda: stored_events(db) > 0), "the run stores its first event")
held = lock(db)
check(w.wait_for(lambda ls: any("cannot store events (database is locked)" in l for l in ls)), "the lock is said: %r" % w.lines[-3:])
held.execute("ROLLBACK")
held.close()
check(w.wait_for(lambda ls: any("storing events again" in l for l in ls)), "and the recovery: %r" % w.lines[-3:])
w.proc.send_signal(signal.SIGTERM)
rc, err = w.finish(120)
logged = sum(1 for l in err.splitlines() if "analytics: product_" in l)
n, sess = events_of(db, 1)
check(rc == 0 and sess[0] and sess[1] == 0, "closed, nothing dropped: %d %r" % (rc, sess))
check(n == logged + 2, "every event held meanwhile is stored: %d stored, %d logged + start and stop" % (n, logged))
check(len(analytics_lines(err)) == 2, "two lines for the lock: %r" % analytics_lines(err))

# --- 3. SIGTERM, SIGINT, SIGHUP with the database locked: out within seconds -------------------
for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
    name = signal.Signals(sig).name
    db = os.path.join(tmp, "sig-%s.sqlite" % name)
    mp4 = os.path.join(tmp, "sig-%s.mp4" % name)
    w = Watched(DEMO + ["--out", mp4, "--analytics", db], env=ENV)
    check(wait_until(lambda: stored_events(db) > 0), "%s: the run stores its first event" % name)
    held = lock(db)
    check(w.wait_for(lambda ls: any("cannot store events" in l for l in ls)), "%s: events held" % name)
    t0 = time.monotonic()
    w.proc.send_signal(sig)
    try:
        w.proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        pass
    took = time.monotonic() - t0
    rc, err = w.finish(60)
    print("%s with the database locked: exit %d after %.2f s" % (name, rc, took))
    # ~1 s of it is the locked database's busy wait for the last session; under the sanitizers the
    # exit also runs LeakSanitizer's scan of the heap (fonts' caches included), which a loaded
    # machine stretches: 3.03 s seen there, 1.5 s idle.
    bound = 5.0 if "ASAN_OPTIONS" in os.environ else 3.0
    check(took <= bound and rc == 0, "%s: exit %d after %.2f s (at most %.0f s)" % (name, rc, took, bound))
    check(("stopping on %s" % name) in err, "%s: said" % name)
    bad = [l for l in err.splitlines() if "could not close session 1" in l]
    check(len(bad) == 1 and "dropped" in bad[0] and "-unsaved" in bad[0], "%s: one line says what was not written: %r" % (name, bad))
    cap = cv2.VideoCapture(mp4)
    frames = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
    ok, _ = cap.read()
    check(ok and frames > 10, "%s: the video plays (%d frames)" % (name, frames))
    held.execute("ROLLBACK")
    held.close()
    # Until the next run writes it, stats counts the kept end; then the session is closed.
    r = run([vitrine, "stats", db, "--json"])
    dropped = json.loads(r.stdout)["totals"]["dropped_events"] if r.returncode == 0 else -1
    check(dropped > 0, "%s: stats counts the drops kept beside the database: %d" % (name, dropped))
    r = run(DEMO + ["--frames", "5", "--out", "-", "--analytics", db], timeout=300, env=ENV)
    n, sess = events_of(db, 1)
    check(r.returncode == 0 and sess[0] and sess[1] == dropped and not os.path.exists(db + "-unsaved"),
          "%s: the next run closes the session: %r %s" % (name, sess, r.stderr[-200:]))

# --- 4. a product removed by a reload while its marker is in view -----------------------------
# A still of markers 1 and 2 (DICT_5X5_100) for 1200 frames.
d = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_5X5_100)
img = np.full((240, 320, 3), 255, np.uint8)
for mid, x in ((1, 20), (2, 170)):
    img[60:170, x:x + 110] = cv2.aruco.drawMarker(d, mid, 110)[:, :, None]
video = os.path.join(tmp, "still.mp4")
vw = cv2.VideoWriter(video, cv2.VideoWriter_fourcc(*"mp4v"), 30, (320, 240))
for _ in range(1200):
    vw.write(img)
vw.release()


def catalog(products):
    return {"version": 1, "store": {"name": "Test", "locale": "fr_FR", "currency": "EUR"},
            "markers": {"dictionary": "5X5_100", "length_mm": 50},
            "products": [{"id": i, "marker": m, "name": "Produit " + i, "price": 10.0} for i, m in products]}


cat = os.path.join(tmp, "catalog.json")
json.dump(catalog([("gone", 1), ("moved", 2), ("stays", 3)]), open(cat, "w"))
db = os.path.join(tmp, "reload.sqlite")
w = Watched([vitrine, "run", "--video", video, "--catalog", cat, "--headless", "--out", "-", "--analytics", db], env=ENV)
check(w.wait_for(lambda ls: sum("analytics: product_found" in l for l in ls) >= 2), "both found: %r" % w.lines[-3:])
# "gone" leaves the catalog, "moved" goes to marker 3 and "new" takes marker 2, both in view.
with open(cat, "w") as f:
    json.dump(catalog([("moved", 3), ("stays", 4), ("new", 2)]), f)
check(w.wait_for(lambda ls: any("analytics: product_found new" in l for l in ls)), "the new product found: %r" % w.lines[-4:])
w.proc.send_signal(signal.SIGTERM)
rc, err = w.finish(120)
check(rc == 0, "reload run: %d %s" % (rc, err[-300:]))
con = sqlite3.connect(db)
ev = {i: con.execute("SELECT type, reason FROM events WHERE product_id = ? ORDER BY id", (i,)).fetchall()
      for i in ("gone", "moved", "new")}
con.close()
check(ev["gone"] == [("product_found", None), ("product_lost", "removed_from_catalog")], "gone: %r" % ev["gone"])
check(ev["moved"] == [("product_found", None), ("product_lost", "marker_changed")], "moved: %r" % ev["moved"])
check(ev["new"] == [("product_found", None), ("product_lost", None)], "new: %r" % ev["new"])
check("visit of gone closed by the reload: it left the catalog" in err, "said to staff")

# --- 5. stats --csv: RFC 4180 quoting ---------------------------------------------------------
db = os.path.join(tmp, "csv.sqlite")
r = run(DEMO + ["--frames", "1", "--out", "-", "--analytics", db], timeout=300, env=ENV)
check(r.returncode == 0, "csv run: %s" % r.stderr[-200:])
ids = ['a,b', 'say "hi"', 'two\nlines', 'cr\r\nlf', 'plain']
con = sqlite3.connect(db)
for i in ids:
    con.execute("INSERT INTO events (session_id, ts_utc, type, product_id, product_name) VALUES (1, ?, 'product_found', ?, ?)",
                (time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()), i, "name of " + i))
con.commit()
con.close()
r = subprocess.run([vitrine, "stats", db, "--csv"], capture_output=True, timeout=60)
rows = list(csv.reader(io.StringIO(r.stdout.decode(), newline="")))
prods = {row[1]: row[2] for row in rows if row and row[0] == "product"}
check(r.returncode == 0 and set(ids) <= set(prods), "ids read back: %r" % sorted(prods))
check(all(prods.get(i) == "name of " + i for i in ids), "names read back: %r" % prods)
check(all(len(row) == len(rows[0]) for row in rows), "every row has every column")

# --- 6. a database of schema 1 (before events.reason) is migrated on open ----------------------
db = os.path.join(tmp, "v1.sqlite")
con = sqlite3.connect(db)
con.executescript("CREATE TABLE sessions (id INTEGER PRIMARY KEY, started_utc TEXT NOT NULL, stopped_utc TEXT, store TEXT,"
                  " source TEXT, dropped_events INTEGER NOT NULL DEFAULT 0);"
                  "CREATE TABLE events (id INTEGER PRIMARY KEY, session_id INTEGER NOT NULL REFERENCES sessions(id),"
                  " ts_utc TEXT NOT NULL, type TEXT NOT NULL, product_id TEXT, product_name TEXT, marker INTEGER,"
                  " price REAL, currency TEXT, dwell_seconds REAL, frame INTEGER); PRAGMA user_version = 1;")
con.close()
r = run(DEMO + ["--frames", "1", "--out", "-", "--analytics", db], timeout=300, env=ENV)
con = sqlite3.connect(db)
cols = [c[1] for c in con.execute("PRAGMA table_info(events)")]
origin = con.execute("SELECT value FROM meta WHERE key = 'origin'").fetchone()[0]
check(r.returncode == 0 and con.execute("PRAGMA user_version").fetchone()[0] == 3 and "reason" in cols
      and re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", origin),
      "schema 1 migrated to 3 (reason; the outbox's origin %s): %r %s" % (origin, cols, r.stderr[-200:]))
con.close()

shutil.rmtree(tmp, ignore_errors=True)
finish("test_accounting")
