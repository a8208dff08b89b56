#!/usr/bin/env python3
"""The console's Network page (issue 20), against a real `vitrine console --network URL` and a
real PostgreSQL (tests/pg_server.py): the console logs in as a console role (a LOGIN role in
vitrine_console, least privilege), GET /api/v1/network lists every kiosk with its store and
heartbeat figures and the stores (the URL shown without its password), POST
/api/v1/network/publish needs a login and the CSRF token, publishes the catalog on disk as the
store's next version, refuses a catalog that does not validate (nothing published) and a bad
store name; a console without --network answers 404 there and says network: false."""
import http.client, json, os, re, shutil, subprocess, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import *
import vt_testlib

vitrine = os.path.abspath(sys.argv[1])
SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
tmp = tempfile.mkdtemp(prefix="vt_network_console_")
copy_bundled_models(os.path.join(tmp, "models"))
CATALOG = os.path.join(tmp, "models", "catalog.json")
PASSWORD = "correct horse battery"
ENV = dict(os.environ, LC_ALL="C.UTF-8")
ENV.pop("LANGUAGE", None)

from pg_server import pg_or_skip
pg = pg_or_skip()
r = run([vitrine, "network", "init", "--db", pg.admin_url], timeout=300)
check(r.returncode == 0, "network init: %d %s" % (r.returncode, r.stderr[-500:]))
for kiosk, store in (("k1", "s1"), ("k2", "s2")):
    pw = os.path.join(tmp, kiosk + ".pw")
    open(pw, "w").write("password-of-%s-123\n" % kiosk)
    r = run([vitrine, "network", "add-kiosk", "--db", pg.admin_url, "--store", store, "--password-file", pw, kiosk], timeout=120)
    check(r.returncode == 0, "add-kiosk %s: %d %s" % (kiosk, r.returncode, r.stderr[-500:]))
if vt_testlib.FAILED:
    finish("test_network_console")
CONSOLE_PW = "console-secret-" + os.urandom(4).hex()
pg.sql("CREATE ROLE shop_console LOGIN PASSWORD '%s' IN ROLE vitrine_console" % CONSOLE_PW)
URL = pg.tcp_url("shop_console", CONSOLE_PW)
# k1 has sent a heartbeat (as its client would); k2 never has
pg.sql("UPDATE vitrine.kiosks SET last_seen = now(), fps = 29.5, camera = 'live', catalog_version = 0, "
       "warnings = 'run: warning: a test warning' WHERE name = 'k1'")

r = subprocess.run([vitrine, "console", "--catalog", CATALOG, "--set-password"], input=PASSWORD + "\n", text=True,
                   capture_output=True, timeout=120, env=ENV)
check(r.returncode == 0, "--set-password: %s" % r.stderr)


def start(extra):
    w = Watched([vitrine, "console", "--catalog", CATALOG, "--listen", "127.0.0.1:0"] + extra, env=ENV)
    check(w.wait_for(lambda ls: any("console: serving " in l for l in ls), deadline=120), "the console starts: %s" % "".join(w.lines))
    line = next((l for l in w.lines if "console: serving " in l), "")
    m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    return w, int(m.group(1)) if m else 0


def req(port, method, path, body=None, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    c.request(method, path, body=json.dumps(body).encode() if body is not None else None,
              headers=dict(headers or {}, **({"Content-Type": "application/json"} if body is not None else {})))
    r = c.getresponse()
    out = (r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
    c.close()
    return out


def login(port):
    st, h, body = req(port, "POST", "/api/v1/login", {"password": PASSWORD})
    m = re.search(r"vt_session=([0-9a-f]+)", h.get("set-cookie", ""))
    check(st == 200 and m, "login: %d" % st)
    return {"Cookie": "vt_session=" + (m.group(1) if m else "")}, (json.loads(body).get("csrf") if st == 200 else "")


consoles = []
try:
    # --- without --network ---
    w, port = start([])
    consoles.append(w)
    H, csrf = login(port)
    st, _, body = req(port, "GET", "/api/v1/network", headers=H)
    check(st == 404 and b"--network" in body, "no network: 404 saying how: %d %r" % (st, body[:200]))
    st, _, body = req(port, "GET", "/api/v1/store", headers=H)
    check(st == 200 and json.loads(body).get("network") is False, "store says network: false: %r" % body[:300])
    w.proc.terminate()
    w.finish(60)

    # --- with --network ---
    w, port = start(["--network", URL])
    consoles.append(w)
    st, _, _ = req(port, "GET", "/api/v1/network")
    check(st == 401, "the network without a login: %d" % st)
    H, csrf = login(port)
    st, _, body = req(port, "GET", "/api/v1/store", headers=H)
    check(st == 200 and json.loads(body).get("network") is True, "store says network: true")
    st, _, body = req(port, "GET", "/")
    check(st == 200 and b'id="page-network"' in body and b'id="network-kiosks"' in body, "the page has the Network section")
    st, _, body = req(port, "GET", "/console-network.js")
    check(st == 200 and b"function loadNetwork" in body, "and its script: %d" % st)
    st, _, body = req(port, "GET", "/api/v1/network", headers=H)
    j = json.loads(body) if st == 200 else {}
    check(st == 200, "GET /api/v1/network: %d %r" % (st, body[:400]))
    kiosks = {k.get("name"): k for k in j.get("kiosks", [])}
    check(set(kiosks) == {"k1", "k2"}, "every kiosk: %r" % list(kiosks))
    k1 = kiosks.get("k1", {})
    check(k1.get("store") == "s1" and k1.get("online") is True and abs((k1.get("fps") or 0) - 29.5) < 0.01 and
          k1.get("camera") == "live" and "a test warning" in (k1.get("warnings") or ""), "k1's heartbeat figures: %r" % k1)
    check(kiosks.get("k2", {}).get("online") is False and kiosks.get("k2", {}).get("store") == "s2", "k2 never seen: %r" % kiosks.get("k2"))
    check({s.get("name") for s in j.get("stores", [])} == {"s1", "s2"}, "the stores: %r" % j.get("stores"))
    check("stats" in j and CONSOLE_PW not in body.decode("utf-8", "replace") and "***" in j.get("url", ""),
          "stats there, the URL without its password: %r" % j.get("url"))
    st, _, _ = req(port, "GET", "/api/v1/network?from=yesterday", headers=H)
    check(st == 400, "a bad date: %d" % st)

    # --- publishing ---
    st, _, _ = req(port, "POST", "/api/v1/network/publish", {"store": "s1"}, headers=H)
    check(st == 403, "publish without the CSRF token: %d" % st)
    HC = dict(H, **{"X-CSRF-Token": csrf})
    st, _, body = req(port, "POST", "/api/v1/network/publish", {"store": "s1", "summary": "first"}, headers=HC)
    j = json.loads(body) if body else {}
    check(st == 201 and j.get("version") == 1 and j.get("store") == "s1", "publish: %d %r" % (st, body[:400]))
    rows = pg.sql("SELECT version, summary, published_by FROM vitrine.catalog_versions WHERE store = 's1' ORDER BY version")
    check(len(rows) == 1 and rows[0][1] == "first" and (rows[0][2] or "").startswith("console"), "in the database: %r" % rows)
    st, _, body = req(port, "POST", "/api/v1/network/publish", {"store": "s1"}, headers=HC)
    check(st == 201 and json.loads(body).get("version") == 2, "the next version: %d %r" % (st, body[:300]))
    st, _, body = req(port, "POST", "/api/v1/network/publish", {"store": "no such store!"}, headers=HC)
    check(st == 400, "a bad store name: %d %r" % (st, body[:200]))
    st, _, body = req(port, "GET", "/api/v1/network", headers=H)
    s1 = next((s for s in json.loads(body).get("stores", []) if s.get("name") == "s1"), {}) if st == 200 else {}
    check(s1.get("catalog_version") == 2, "the page shows s1's version: %r" % s1)
    # a catalog on disk that does not validate (a model that is not glTF): refused, nothing published
    open(os.path.join(tmp, "models", "broken.glb"), "wb").write(b"not a glTF\n")
    cat = json.load(open(CATALOG))
    cat["products"][0]["model"] = "broken.glb"
    json.dump(cat, open(CATALOG, "w"), ensure_ascii=False)
    st, _, body = req(port, "POST", "/api/v1/network/publish", {"store": "s1"}, headers=HC)
    check(st == 422, "a catalog that does not validate: %d %r" % (st, body[:300]))
    rows = pg.sql("SELECT count(*) FROM vitrine.catalog_versions WHERE store = 's1'")
    check(rows[0][0] == 2, "nothing published: %r" % rows)
finally:
    for c in consoles:
        if c.proc.poll() is None:
            c.proc.kill()
            c.proc.wait()
finish("test_network_console")
