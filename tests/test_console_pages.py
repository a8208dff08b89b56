#!/usr/bin/env python3
"""The console's pages and stats over the network (issue 19), against a real `vitrine console` on
127.0.0.1 port 0 with a copy of models/ (a French store): / and its files with their types, ETags
(304) and security headers, the words in French without a login, and the stats of a real visits
database written by a `vitrine run --demo --headless` (JSON on Europe/Paris's clock; the CSV as an
attachment; 400 for a bad date; "no_data" before the database exists)."""
import csv, http.client, io, json, os, re, shutil, signal, subprocess, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import *

vitrine = os.path.abspath(sys.argv[1])
SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
tmp = tempfile.mkdtemp(prefix="vt_console_pages_")
# the bundled catalog and models only: not a visits database or console state a run from the source tree left
copy_bundled_models(os.path.join(tmp, "models"))
CATALOG = os.path.join(tmp, "models", "catalog.json")
DB = os.path.join(tmp, "models", "vitrine-analytics.sqlite")   # the console's default: beside the catalog
PASSWORD = "correct horse battery"
ENV = dict(os.environ, LC_ALL="C.UTF-8")
ENV.pop("LANGUAGE", None)

r = subprocess.run([vitrine, "console", "--catalog", CATALOG, "--set-password"], input=PASSWORD + "\n", text=True,
                   capture_output=True, timeout=120, env=ENV)
check(r.returncode == 0, "--set-password: %s" % r.stderr)
w = Watched([vitrine, "console", "--catalog", CATALOG, "--listen", "127.0.0.1:0"], env=ENV)
check(w.wait_for(lambda ls: any("console: serving " in l for l in ls), deadline=120), "the console starts")
url = next(l for l in w.lines if "console: serving " in l)
port = int(re.search(r"http://127\.0\.0\.1:(\d+)/", url).group(1))


def req(method, path, body=None, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request(method, path, body=json.dumps(body).encode() if body is not None else None, headers=headers or {})
    r = c.getresponse()
    out = (r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
    c.close()
    return out


# --- the pages ------------------------------------------------------------------------------
for path, ctype, has in (("/", "text/html", b'id="login-password"'), ("/console.js", "text/javascript", b"function t("),
                         ("/console.css", "text/css", b".topbar")):
    st, h, body = req("GET", path)
    check(st == 200 and h.get("content-type", "").startswith(ctype) and has in body, "%s: %d %s" % (path, st, h.get("content-type")))
    check("default-src 'self'" in h.get("content-security-policy", "") and h.get("x-frame-options") == "DENY" and
          h.get("x-content-type-options") == "nosniff", "%s: security headers" % path)
    etag = h.get("etag", "")
    st, h, body = req("GET", path, headers={"If-None-Match": etag})
    check(etag and st == 304 and body == b"", "%s: 304 for its ETag (%d)" % (path, st))
for path in ("/nope.html", "/../models/catalog.json", "/embed.cmake", "/.vitrine-console/password"):
    st, _, _ = req("GET", path)
    check(st in (400, 404), "%s: refused (%d)" % (path, st))
st, _, body = req("GET", "/")
check(b"<script>" not in body and b" style=" not in body and b" onclick=" not in body, "no inline script, style or handler")

# --- the words, without a login -------------------------------------------------------------
st, _, body = req("GET", "/api/v1/strings")
s = json.loads(body) if st == 200 else {}
check(s.get("lang") == "fr" and s.get("locale") == "fr_FR" and s.get("dir") == "ltr" and
      s.get("store") == "Lille Concept Store", "strings: %r" % {k: s.get(k) for k in ("lang", "locale", "dir", "store")})
words = s.get("strings", {})
check(len(words) > 100 and "Log in" in words and words.get("error") == "erreur", "strings: %d, error -> %r" % (len(words), words.get("error")))

# --- the stats --------------------------------------------------------------------------------
st, h, body = req("POST", "/api/v1/login", {"password": PASSWORD})
cookie = "vt_session=" + re.search(r"vt_session=([0-9a-f]+)", h.get("set-cookie", "")).group(1) if st == 200 else ""
check(st == 200 and cookie, "login: %d" % st)
H = {"Cookie": cookie}
st, _, body = req("GET", "/api/v1/stats")
check(st == 401, "stats without a session: %d" % st)
st, _, body = req("GET", "/api/v1/stats", headers=H)
j = json.loads(body) if st == 200 else {}
check(st == 200 and j.get("no_data") is True and j.get("products") == [] and j.get("time_zone") == "Europe/Paris",
      "no database yet: %d %r" % (st, body[:200]))

r = subprocess.run([vitrine, "run", "--demo", "--headless", "--demo-size", "320x180", "--frames", "150", "--out", "-",
                    "--catalog", CATALOG, "--analytics", DB], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                   timeout=600, env=ENV, cwd=tmp)
check(r.returncode == 0 and os.path.exists(DB), "demo run with analytics: %s" % r.stderr[-300:])
want = json.loads(subprocess.run([vitrine, "stats", DB, "--json", "--catalog", CATALOG], capture_output=True, timeout=120,
                                 env=ENV).stdout or b"{}")
st, h, body = req("GET", "/api/v1/stats", headers=H)
j = json.loads(body) if st == 200 else {}
check(st == 200 and j == want and j.get("products"), "stats: what `vitrine stats --json --catalog` prints (%d, %d products)" %
      (st, len(j.get("products", []))))
check("no_data" not in j and j.get("totals", {}).get("found", 0) >= 1, "stats: visits counted")
day = j["days"][0]["day"] if j.get("days") else "2026-01-01"
st, _, body = req("GET", "/api/v1/stats?from=%s&to=%s" % (day, day), headers=H)
check(st == 200 and json.loads(body).get("days", [{}])[0].get("day") == day, "stats of one day: %d" % st)
st, _, body = req("GET", "/api/v1/stats?from=1999-01-01&to=1999-01-02", headers=H)
check(st == 200 and json.loads(body).get("products") == [], "stats of an empty period: %d" % st)
for q in ("from=tomorrow", "to=2026-02-30", "from=2026-12-05&to=2026-12-01"):
    st, _, body = req("GET", "/api/v1/stats?" + q, headers=H)
    check(st == 400 and json.loads(body).get("error"), "%s: 400 with a message (%d %r)" % (q, st, body[:120]))
st, h, body = req("GET", "/api/v1/stats.csv?from=%s" % day, headers=H)
rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
check(st == 200 and h.get("content-type", "").startswith("text/csv") and
      h.get("content-disposition") == 'attachment; filename="vitrine-stats-%s.csv"' % day and rows and rows[0][0] == "section" and
      any(r and r[0] == "product" for r in rows), "stats.csv: %d %r %r" % (st, h.get("content-disposition"), rows[:2]))

w.proc.send_signal(signal.SIGTERM)
rc, log = w.finish(deadline=120)
check(rc == 0, "the console stops on SIGTERM: %r" % rc)
shutil.rmtree(tmp, ignore_errors=True)
finish("test_console_pages")
