#!/usr/bin/env python3
"""`vitrine run --network URL --kiosk NAME --store NAME` (issue 20; docs/network.md).

Without a server: the options and network.conf — a bad line warned about with FILE:LINE, the
command line beating the file, a password in a file others may read warned about, --network
without a kiosk name, --no-analytics with --network, and a server not on this machine without
TLS each refused with one line and exit 2, the password never printed.

With a real PostgreSQL (tests/pg_server.py; the schema and the kiosk made by `vitrine network
init` and `add-kiosk`): a `run --demo --headless` on the network registers (kiosks.last_seen,
fps > 0), its visits land in vitrine.events, a publication made while it runs (`vitrine network
publish`) is taken and shown (the layout log's catalog_version, the published product's name on
its tag's product list), and a bad publication (a model that is not glTF, written into the
database directly: the publish command itself refuses it) never reaches the screen and is told
(the run's log and the kiosk's warnings). Every process is killed in `finally`."""
import json, hashlib, os, shutil, signal, sqlite3, stat, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import *

vitrine = os.path.abspath(sys.argv[1])
SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
tmp = tempfile.mkdtemp(prefix="vt_network_run_")
ENV = dict(os.environ, LC_ALL="C.UTF-8", VITRINE_STATE_DIR=os.path.join(tmp, "state"))
ENV.pop("LANGUAGE", None)
os.makedirs(ENV["VITRINE_STATE_DIR"])
SECRET = "pw-never-printed-1234"
FAST = ["--demo", "--demo-size", "320x180", "--headless", "--out", "-", "--frames", "2"]


def vrun(args, **kw):
    return run([vitrine, "run"] + args, timeout=300, env=kw.pop("env", ENV), **kw)


def lines(text):
    return [l for l in text.splitlines() if l.strip()]


# --- the options, no server needed ----------------------------------------------------------
r = vrun(FAST + ["--network", "postgresql:///vitrine", "--store", "s1"])
check(r.returncode == 2 and len(lines(r.stderr)) == 1 and "--kiosk" in r.stderr, "--network without a kiosk: %d %r" % (r.returncode, r.stderr))
r = vrun(FAST + ["--network", "postgresql:///vitrine", "--kiosk", "k1"])
check(r.returncode == 2 and len(lines(r.stderr)) == 1 and "--store" in r.stderr, "--network without a store: %d %r" % (r.returncode, r.stderr))
remote = "postgresql://vitrine_kiosk_k1:%s@db.example.com/vitrine?sslmode=disable" % SECRET
r = vrun(FAST + ["--network", remote, "--kiosk", "k1", "--store", "s1"])
check(r.returncode == 2 and len(lines(r.stderr)) == 1 and "sslmode" in r.stderr and SECRET not in r.stderr,
      "a server not on this machine without TLS: refused in one line, no password: %d %r" % (r.returncode, r.stderr))
r = vrun(FAST + ["--network", "postgresql:///vitrine", "--kiosk", "k1", "--store", "s1", "--no-analytics"])
check(r.returncode == 2 and len(lines(r.stderr)) == 1 and "--no-analytics" in r.stderr, "--no-analytics with --network: %r" % r.stderr)
r = vrun(FAST + ["--network", "postgresql:///vitrine", "--kiosk", "bad name!", "--store", "s1"])
check(r.returncode == 2 and "bad name!" in r.stderr, "a bad kiosk name: %r" % r.stderr)
r = vrun(FAST + ["--kiosk-name", "k1", "--store", "s1"])
check(r.returncode == 0 and "for --network" in r.stderr, "a kiosk name without --network: warned, ignored: %d %r" % (r.returncode, r.stderr[-300:]))

# network.conf: bad lines warned with FILE:LINE, the rest kept; the command line wins over it
conf = os.path.join(tmp, "net.conf")
with open(conf, "w") as f:
    f.write("# the shop network\nnetwork = %s\nthis line has no equals sign\ncolour = blue\ninsecure = perhaps\n"
            "kiosk = bad name!\nstore = s1\n" % remote)
os.chmod(conf, 0o600)
r = vrun(FAST + ["--network-config", conf, "--kiosk-name", "k1"])
for n, what in ((3, "expected key = value"), (4, "unknown key 'colour'"), (5, "insecure")):
    check(("%s:%d:" % (conf, n)) in r.stderr and what in r.stderr, "network.conf line %d warned (%s): %r" % (n, what, r.stderr))
check(r.returncode == 2 and "sslmode" in r.stderr and "bad name!" not in r.stderr and SECRET not in r.stderr,
      "the file's URL taken (and refused), the command line's kiosk name winning over the file's: %d %r" % (r.returncode, r.stderr))
check("others may read" not in r.stderr, "a 0600 file with a password: no warning")
os.chmod(conf, 0o644)
r = vrun(FAST + ["--network-config", conf, "--kiosk-name", "k1"])
check("others may read" in r.stderr and "chmod 600" in r.stderr, "a password in a file others may read is warned about: %r" % r.stderr)
r = vrun(FAST + ["--network-config", conf, "--kiosk-name", "k1", "--network", "postgresql:///vitrine", "--store", "s-1"])
check("sslmode" not in r.stderr, "--network on the command line wins over the file's: %r" % r.stderr[-400:])
r = vrun(FAST + ["--network-config", os.path.join(tmp, "absent.conf")])
check(r.returncode == 2 and "absent.conf" in r.stderr, "an absent --network-config file: %d %r" % (r.returncode, r.stderr))
# the default file: network.conf in the state folder
shutil.copy(conf, os.path.join(ENV["VITRINE_STATE_DIR"], "network.conf"))
r = vrun(FAST + ["--kiosk-name", "k1"])
check(r.returncode == 2 and "sslmode" in r.stderr, "network.conf in the state folder is read by default: %r" % r.stderr[-300:])
os.remove(os.path.join(ENV["VITRINE_STATE_DIR"], "network.conf"))
# ... and first, the configuration folder's (where the catalog is looked for too)
cfg = os.path.join(ENV["XDG_CONFIG_HOME"], "vitrine")
os.makedirs(cfg, exist_ok=True)
with open(os.path.join(cfg, "network.conf"), "w") as f:
    f.write("kiosk = k1\nstore = s1\n")   # no network: nothing joins, the names are warned about as ignored
r = vrun(FAST)
check(r.returncode == 0 and "for --network" in r.stderr, "network.conf in the configuration folder is read: %d %r" % (r.returncode, r.stderr[-300:]))
os.remove(os.path.join(cfg, "network.conf"))


# doctor's network check reads the same file
def doctor_network(conf_text):
    path = os.path.join(cfg, "network.conf")
    with open(path, "w") as f:
        f.write(conf_text)
    os.chmod(path, 0o600)
    r = run([vitrine, "doctor", "--json"], timeout=300, env=ENV)
    os.remove(path)
    try:
        return next(c for c in json.loads(r.stdout)["checks"] if c["check"] == "network")
    except (ValueError, KeyError, StopIteration):
        return {"status": None, "message": r.stdout[-300:] + r.stderr[-300:]}


c = doctor_network("network = %s\nkiosk = k1\nstore = s1\n" % remote)
check(c["status"] == "blocker" and "sslmode" in c["message"] and SECRET not in json.dumps(c), "doctor: a URL the TLS policy refuses: %r" % c)
c = doctor_network("network = postgresql://vitrine_kiosk_k1:%s@127.0.0.1:1/vitrine\nkiosk = k1\nstore = s1\n" % SECRET)
check(c["status"] == "warning" and SECRET not in json.dumps(c), "doctor: a server that does not answer is a warning: %r" % c)
c = doctor_network("network = postgresql:///vitrine\n")
check(c["status"] == "blocker" and "kiosk" in c["message"], "doctor: a network without kiosk and store: %r" % c)
r = vrun(["--help"])
check(r.returncode == 0 and "--network URL" in r.stdout and "--network-config" in r.stdout, "--help names the network options")

# --- on a real server -------------------------------------------------------------------------
import vt_testlib
if vt_testlib.FAILED:   # a skip below must not hide these
    finish("test_network_run")
from pg_server import pg_or_skip
pg = pg_or_skip()
r = run([vitrine, "network", "init", "--db", pg.admin_url], timeout=300)
check(r.returncode == 0, "network init: %d %s" % (r.returncode, r.stderr[-500:]))
PW = "kiosk-password-k1-" + os.urandom(4).hex()
pwfile = os.path.join(tmp, "k1.pw")
open(pwfile, "w").write(PW + "\n")
r = run([vitrine, "network", "add-kiosk", "--db", pg.admin_url, "--store", "s1", "--password-file", pwfile, "k1"], timeout=120)
check(r.returncode == 0, "network add-kiosk: %d %s" % (r.returncode, r.stderr[-500:]))
URL = pg.tcp_url("vitrine_kiosk_k1", PW)
if vt_testlib.FAILED:   # no schema or no kiosk: nothing below can work
    finish("test_network_run")
c = doctor_network("network = %s\nkiosk = k1\nstore = s1\n" % URL)
check(c["status"] == "ok" and "reached" in c["message"], "doctor: the kiosk reaches the server: %r" % c)
c = doctor_network("network = %s\nkiosk = k1\nstore = s1\n" % pg.tcp_url("vitrine_kiosk_k1", "a-wrong-password-123"))
check(c["status"] == "blocker" and "refused" in c["message"], "doctor: a wrong password is a blocker: %r" % c)

# a catalog to publish: the bundled one, a product renamed
pub = os.path.join(tmp, "pub")
copy_bundled_models(pub)
cat = json.load(open(os.path.join(pub, "catalog.json")))
cat["products"][1]["name"] = "Mug Publié"
cat["products"][1].pop("translations", None)
json.dump(cat, open(os.path.join(pub, "catalog.json"), "w"), ensure_ascii=False)

db = os.path.join(tmp, "kiosk.sqlite")
layout = os.path.join(tmp, "layout.jsonl")
w = None


def last_layout():
    try:
        with open(layout, "rb") as f:
            f.seek(0, 2)
            f.seek(max(0, f.tell() - 200000))
            tail = f.read().decode("utf-8", "replace").splitlines()
        for l in reversed(tail):
            try:
                return json.loads(l)
            except ValueError:
                continue
    except OSError:
        pass
    return None


def kiosk_row():
    rows = pg.sql("SELECT last_seen, fps, camera, catalog_version, warnings FROM vitrine.kiosks WHERE name = 'k1'")
    return rows[0] if rows else None


try:
    w = Watched([vitrine, "run", "--demo", "--demo-size", "640x360", "--headless", "--out", "-", "--frames", "100000000",
                 "--network", URL, "--kiosk-name", "k1", "--store", "s1", "--analytics", db, "--layout-log", layout], env=ENV)
    ok = wait_until(lambda: (kiosk_row() or [None])[0] is not None and (kiosk_row()[1] or 0) > 0, deadline=120, interval=0.5)
    row = kiosk_row()
    check(ok, "the kiosk registers: last_seen set and fps > 0: %r; %s" % (row, "".join(w.lines)[-800:]))
    check(row and row[2] == "demo", "the heartbeat says the camera: %r" % (row,))
    ok = wait_until(lambda: pg.sql("SELECT count(*) FROM vitrine.events WHERE kiosk = 'k1' AND type = 'product_found'")[0][0] > 0,
                    deadline=120, interval=0.5)
    check(ok, "its visits land in vitrine.events")
    # A publication while it runs: taken and shown between frames.
    r = run([vitrine, "network", "publish", "--db", pg.admin_url, "--store", "s1", "--summary", "renamed mug",
             os.path.join(pub, "catalog.json")], timeout=300)
    check(r.returncode == 0, "network publish: %d %s" % (r.returncode, r.stderr[-500:]))
    ok = wait_until(lambda: (last_layout() or {}).get("catalog_version") == 1, deadline=120, interval=0.3)
    check(ok, "version 1 is on screen (layout log): %r; %s" % ((last_layout() or {}).get("catalog_version"), "".join(w.lines)[-800:]))
    check(any("catalog version 1 of store s1 on screen" in l for l in w.lines), "the run says the version it shows")
    ok = wait_until(lambda: (kiosk_row() or [None] * 4)[3] == 1, deadline=60, interval=0.5)
    check(ok, "the heartbeat says version 1: %r" % (kiosk_row(),))
    # A bad publication, as the display would meet it (the publish command refuses it, so it is
    # written straight into the database): a model that is not glTF.
    bad = b"this is not a glTF file\n"
    sha = hashlib.sha256(bad).hexdigest()
    cat2 = json.loads(json.dumps(cat))
    cat2["products"][1]["name"] = "Never Shown"
    cat2["products"][1]["model"] = "broken.glb"
    pg.sql("INSERT INTO vitrine.models (sha256, size, data) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING", (sha, len(bad), bad))
    pg.sql("INSERT INTO vitrine.catalog_versions (store, version, published_by, summary, catalog) VALUES ('s1', 2, 'test', 'bad', %s)",
           (json.dumps(cat2, ensure_ascii=False),))
    pg.sql("INSERT INTO vitrine.catalog_models (store, version, path, sha256) SELECT store, 2, path, sha256 FROM vitrine.catalog_models "
           "WHERE store = 's1' AND version = 1 AND path <> %s", (cat["products"][1]["model"],))
    pg.sql("INSERT INTO vitrine.catalog_models (store, version, path, sha256) VALUES ('s1', 2, 'broken.glb', %s)", (sha,))
    pg.sql("SELECT pg_notify('vitrine_catalog', 's1')")

    def told(ls):
        return any("version 2" in l and ("not shown" in l or "refused" in l or "not good" in l or "bad" in l) for l in ls)
    ok = w.wait_for(told, deadline=120)
    check(ok, "the bad version is told on the run's log: %s" % "".join(w.lines)[-1200:])
    ok = wait_until(lambda: "2" in ((kiosk_row() or [None] * 5)[4] or ""), deadline=60, interval=0.5)
    check(ok, "and in the kiosk's warnings: %r" % (kiosk_row(),))
    time.sleep(2)
    L = last_layout() or {}
    names = [p.get("id") for p in L.get("products", [])]
    check(L.get("catalog_version") == 1, "version 1 stays on screen: %r" % L.get("catalog_version"))
    check(not any("Never Shown" in l for l in open(layout, encoding="utf-8", errors="replace").read().splitlines()[-50:]),
          "nothing of the bad version on screen")
    w.proc.send_signal(signal.SIGTERM)
    rc, err = w.finish(deadline=120)
    check(rc == 0, "the run ends cleanly on SIGTERM: %d %s" % (rc, err[-500:]))
    # The next run, no --catalog, server or not: it starts on the last good version kept on disk.
    r = vrun(["--demo", "--demo-size", "320x180", "--headless", "--out", "-", "--frames", "5", "--network",
              pg.tcp_url("vitrine_kiosk_k1", PW, port=1), "--kiosk-name", "k1", "--store", "s1", "--analytics", db,
              "--layout-log", layout])
    check(r.returncode == 0 and "version 1, kept from an earlier run" in r.stderr, "restart offline on the last good: %d %s" % (r.returncode, r.stderr[-600:]))
    check((last_layout() or {}).get("catalog_version") == 1, "and shows it: %r" % (last_layout() or {}).get("catalog_version"))
finally:
    if w and w.proc.poll() is None:
        w.proc.kill()
        w.proc.wait()
finish("test_network_run")
