#!/usr/bin/env python3
"""The web console's server (issue 19), against a real `vitrine console` on 127.0.0.1 port 0 with a
temporary copy of models/ and a password set through --set-password: health without a login,
every other API route refusing a request without a session, login (wrong, right, the cookie's
attributes), CSRF, login rate limits, the security headers, traversal names, 100 MB uploads (with
a Content-Length and chunked), 500 slow connections, plain HTTP refused off loopback (and allowed
with --insecure), HTTPS with a self-signed certificate, and SIGTERM."""
import http.client, json, os, re, resource, select, shutil, signal, socket, ssl, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import *

vitrine = sys.argv[1]
SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
tmp = tempfile.mkdtemp(prefix="vt_console_http_")
copy_bundled_models(os.path.join(tmp, "models"))
CATALOG = os.path.join(tmp, "models", "catalog.json")
PASSWORD = "correct horse battery"
ENV = dict(os.environ, LC_ALL="C.UTF-8")
ENV.pop("LANGUAGE", None)
T = 60   # socket timeout: generous, a loaded machine under ASan is slow


def vt(*args, stdin_text=None, timeout=120):
    r = subprocess.run([vitrine] + list(args), capture_output=True, text=True, timeout=timeout, env=ENV,
                       input=stdin_text if stdin_text is not None else "")
    return r.returncode, r.stdout, r.stderr


class Console:
    """`vitrine console` started, its URL read from the log line the console prints."""

    def __init__(self, *extra, catalog=CATALOG):
        self.w = Watched([vitrine, "console", "--catalog", catalog] + list(extra), env=ENV)
        self.url = None
        if self.w.wait_for(lambda ls: any("console: serving " in l for l in ls), deadline=120):
            line = next(l for l in self.w.lines if "console: serving " in l)
            self.url = re.search(r"console: serving (https?://\S+/)", line).group(1)
            m = re.match(r"https?://(\[[^\]]+\]|[^:/]+):(\d+)/", self.url)
            self.host, self.port = m.group(1).strip("[]"), int(m.group(2))
            self.tls = self.url.startswith("https")

    def conn(self):
        if self.tls:
            ctx = ssl.create_default_context(cafile=os.path.join(tmp, "cert.pem"))
            return http.client.HTTPSConnection(self.host, self.port, timeout=T, context=ctx)
        return http.client.HTTPConnection(self.host, self.port, timeout=T)

    def req(self, method, path, body=None, headers=None):
        c = self.conn()
        data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
        c.request(method, path, body=data, headers=headers or {})
        r = c.getresponse()
        out = (r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
        c.close()
        return out

    def stop(self, sig=signal.SIGTERM):
        t0 = time.monotonic()
        self.w.proc.send_signal(sig)
        rc, log = self.w.finish(deadline=120)
        return rc, log, time.monotonic() - t0


def raw(host, port, data, timeout=T):
    """Sends bytes as they are; returns the status line's code (0 when the server closed) and the whole answer."""
    s = socket.create_connection((host, port), timeout=timeout)
    try:
        s.sendall(data)
    except (BrokenPipeError, ConnectionResetError):
        pass   # the answer may have come before all was sent
    got = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
            if b"\r\n\r\n" in got:
                head, _, rest = got.partition(b"\r\n\r\n")
                m = re.search(rb"content-length: *(\d+)", head, re.I)
                if m and len(rest) >= int(m.group(1)):
                    break
    except (ConnectionResetError, socket.timeout):
        pass
    s.close()
    m = re.match(rb"HTTP/1\.[01] (\d+)", got)
    return (int(m.group(1)) if m else 0), got


def login(con, password=PASSWORD):
    st, h, body = con.req("POST", "/api/v1/login", {"password": password})
    return st, h, (json.loads(body) if body else {})


def cookie_of(h):
    m = re.search(r"vt_session=([0-9a-f]+)", h.get("set-cookie", ""))
    return "vt_session=" + m.group(1) if m else ""


# --- the password ----------------------------------------------------------------------------
rc, _, err = vt("console", "--catalog", CATALOG, "--set-password", stdin_text="short\n")
check(rc == 2 and "too short" in err, "a 5-character password is refused (exit 2): %d %s" % (rc, err))
rc, _, err = vt("console", "--catalog", CATALOG, "--set-password", stdin_text=PASSWORD + "\n")
pwfile = os.path.join(tmp, "models", ".vitrine-console", "password")
check(rc == 0 and os.path.exists(pwfile), "--set-password stores the hash: %d %s" % (rc, err))
if os.path.exists(pwfile):
    check(os.stat(pwfile).st_mode & 0o777 == 0o600, "the password file is mode 0600")
    text = open(pwfile).read()
    check(text.startswith("$argon2id$") and PASSWORD not in text, "the file holds an Argon2id hash, not the password")



def on_tty(answers):
    """--set-password on a terminal (a pty): the answers typed at each prompt; (exit status, what it showed)."""
    import pty
    state = tempfile.mkdtemp(dir=tmp)
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(vitrine, [vitrine, "console", "--catalog", CATALOG, "--state", state, "--set-password"], ENV)
    out, end = b"", time.monotonic() + 120

    def more():
        nonlocal out
        if not select.select([fd], [], [], max(0.0, end - time.monotonic()))[0]:
            return False
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            return False
        out += chunk
        return bool(chunk)

    for prompt, answer in zip((b"password: ", b"again: "), answers):
        while prompt not in out and more():
            pass
        os.write(fd, answer.encode() + b"\n")
    while more():
        pass
    if time.monotonic() >= end:
        os.kill(pid, signal.SIGKILL)
    _, st = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(st), out.decode(errors="replace"), state


rc, shown, state = on_tty(["typed twice 1", "typed twice 1"])
check(rc == 0 and "typed twice 1" not in shown and os.path.exists(os.path.join(state, "password")),
      "on a terminal: asked twice without echo, stored: %d %r" % (rc, shown))
rc, shown, state = on_tty(["typed twice 1", "typed twice 2"])
check(rc == 2 and "differ" in shown and not os.path.exists(os.path.join(state, "password")),
      "on a terminal: two different answers change nothing (exit 2): %d %r" % (rc, shown))

# --- bad arguments ---------------------------------------------------------------------------
for args, what in ((["--bogus"], "unknown or incomplete option"), ([], "--catalog"), (["--catalog", CATALOG, "--listen", "nope"], "ADDR:PORT"),
                   (["--catalog", CATALOG, "--tls-cert", CATALOG], "--tls-key"), (["--catalog", CATALOG, "extra"], "unexpected")):
    rc, _, err = vt("console", *args)
    check(rc == 2 and what in err and len(err.strip().splitlines()) == 1, "console %s: exit 2 with one line naming %s: %d %r" % (args, what, rc, err))
rc, out, _ = vt("console", "--help")
check(rc == 0 and "--set-password" in out and "--listen" in out, "console --help")

# --- one console on 127.0.0.1 port 0 ---------------------------------------------------------
con = Console("--listen", "127.0.0.1:0")
check(con.url is not None and con.url.startswith("http://127.0.0.1:"), "the console prints its URL: %s" % con.w.lines)
if con.url is None:
    finish("test_console_http")

st, h, body = con.req("GET", "/api/v1/health")
hj = json.loads(body) if st == 200 else {}
check(st == 200 and hj.get("status") == "ok" and hj.get("version") and hj.get("display") is False,
      "GET /api/v1/health without a login: %d %r" % (st, body[:200]))
for path in ("/api/v1/health", "/", "/no-such-page", "/api/v1/products"):
    st, h, _ = con.req("GET", path)
    check("default-src 'self'" in h.get("content-security-policy", "") and h.get("x-frame-options") == "DENY"
          and h.get("x-content-type-options") == "nosniff", "security headers on %s (%d): %s" % (path, st, h))

ROUTES = [("POST", "/api/v1/logout"), ("GET", "/api/v1/session"), ("GET", "/api/v1/store"), ("GET", "/api/v1/products"),
          ("POST", "/api/v1/products"), ("GET", "/api/v1/products/x"), ("PATCH", "/api/v1/products/x"),
          ("DELETE", "/api/v1/products/x"), ("GET", "/api/v1/versions"), ("GET", "/api/v1/versions/1"),
          ("POST", "/api/v1/versions/1/restore"), ("GET", "/api/v1/models"), ("POST", "/api/v1/models?name=a.glb"),
          ("GET", "/api/v1/models/a.glb/thumbnail"), ("GET", "/api/v1/markers.pdf?products=a"), ("GET", "/api/v1/live.jpg"),
          ("GET", "/api/v1/status"), ("GET", "/api/v1/stats"), ("GET", "/api/v1/stats.csv")]
for method, path in ROUTES:
    st, _, body = con.req(method, path, b"{}" if method != "GET" else None)
    check(st == 401, "%s %s without a session: 401 (got %d)" % (method, path, st))
    st, _, _ = con.req(method, path, b"{}" if method != "GET" else None, {"Cookie": "vt_session=" + "0" * 64})
    check(st == 401, "%s %s with a made-up session: 401 (got %d)" % (method, path, st))

st, h, j = login(con, "not the password")
check(st == 401 and "set-cookie" not in h and j.get("error"), "a wrong password: 401 without a cookie: %d %r" % (st, j))
st, h, body = con.req("POST", "/api/v1/login", b"{not json")
check(st == 400, "a login body that is not JSON: 400 (got %d)" % st)
st, h, j = login(con)
ck = h.get("set-cookie", "")
parts = [p.strip() for p in ck.split(";")]
check(st == 200 and re.fullmatch(r"vt_session=[0-9a-f]{64}", parts[0] if parts else ""), "login: 200 with a session cookie: %d %r" % (st, ck))
check({"HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"} <= set(parts) and "Secure" not in parts,
      "the cookie's attributes over HTTP: %r" % ck)
csrf = j.get("csrf", "")
check(re.fullmatch(r"[0-9a-f]{64}", csrf) is not None and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", j.get("expires", "")),
      "login answers a CSRF token and an ISO expiry: %r" % j)
cookie = cookie_of(h)
check(cookie[11:] != csrf, "the CSRF token is not the session id")
st, _, body = con.req("GET", "/api/v1/session", headers={"Cookie": cookie})
check(st == 200 and json.loads(body).get("csrf") == csrf, "GET /api/v1/session gives the same token: %d %r" % (st, body))
st, _, body = con.req("GET", "/api/v1/session", headers={"Cookie": "theme=dark; " + cookie + "; other=1"})
check(st == 200, "the session cookie among others: %d" % st)

# CSRF: every change needs the session's own token (checked before the products part runs)
for hdrs, what in (({}, "no token"), ({"X-CSRF-Token": "0" * 64}, "a wrong token"), ({"X-CSRF-Token": csrf[:-1]}, "a cut token"),
                   ({"X-CSRF-Token": csrf.upper()}, "the token in capitals")):
    st, _, _ = con.req("PATCH", "/api/v1/products/x", {"price": 1}, dict(hdrs, Cookie=cookie))
    check(st == 403, "PATCH with %s: 403 (got %d)" % (what, st))
_, h2, j2 = login(con)
st, _, _ = con.req("PATCH", "/api/v1/products/x", {"price": 1}, {"Cookie": cookie, "X-CSRF-Token": j2.get("csrf", "")})
check(st == 403, "another session's token: 403 (got %d)" % st)
st, _, _ = con.req("PATCH", "/api/v1/products/x", {"price": 1}, {"Cookie": cookie, "X-CSRF-Token": csrf})
check(st not in (401, 403), "PATCH with the session's token passes the checks (got %d)" % st)

# traversal and malformed paths: refused, never a file's content
for path in (b"/../../etc/passwd", b"/%2e%2e%2f%2e%2e%2fetc%2fpasswd", b"/%2E%2E/%2E%2E/etc/passwd", b"/console.js/../../../etc/passwd",
             b"/a%00b", b"/%00", b"/%zz", b"/%2", b"/..%5c..%5cetc/passwd", b"/api/v1/models/..%2f..%2fetc%2fpasswd/thumbnail",
             b"/api/v1/products/%2e%2e"):
    code, got = raw(con.host, con.port, b"GET " + path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\nCookie: " + cookie.encode() + b"\r\n\r\n")
    check(code in (400, 404) and b"root:" not in got, "GET %s: 400/404 and no file (got %d)" % (path.decode(), code))

# 100 MB uploads: refused at once when the Content-Length says so, cut off at the cap when chunked
auth = ("Cookie: %s\r\nX-CSRF-Token: %s\r\n" % (cookie, csrf)).encode()
for path in (b"/api/v1/models?name=big.glb", b"/api/v1/login", b"/api/v1/products"):
    t0 = time.monotonic()
    code, _ = raw(con.host, con.port, b"POST " + path + b" HTTP/1.1\r\nHost: x\r\n" + auth + b"Content-Length: 104857600\r\n\r\n")
    check(code == 413 and time.monotonic() - t0 < 30, "POST %s, Content-Length 100 MB, no body sent: 413 at once (got %d in %.1f s)"
          % (path.decode(), code, time.monotonic() - t0))


def chunked_post(path, mbytes):
    """POSTs mbytes MB of zeros in 1 MB chunks; returns the answer's head (b"" when none came)."""
    s = socket.create_connection((con.host, con.port), timeout=T)
    s.sendall(b"POST " + path + b" HTTP/1.1\r\nHost: x\r\n" + auth + b"Transfer-Encoding: chunked\r\n\r\n")
    chunk = b"%x\r\n" % (1 << 20) + b"\0" * (1 << 20) + b"\r\n"
    got = b""
    try:
        for _ in range(mbytes):
            s.sendall(chunk)
        s.sendall(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass
    try:
        while b"\r\n\r\n" not in got:
            c = s.recv(65536)
            if not c:
                break
            got += c
    except (ConnectionResetError, socket.timeout):
        pass
    s.close()
    return got


for path, mb in ((b"/api/v1/models?name=big.glb", 100), (b"/api/v1/login", 2), (b"/api/v1/products", 3)):
    t0 = time.monotonic()
    got = chunked_post(path, mb)
    check(re.match(rb"HTTP/1\.1 413", got) is not None and time.monotonic() - t0 < 120,
          "POST %s, %d MB chunked: 413 (in %.1f s): %r" % (path.decode(), mb, time.monotonic() - t0, got[:80]))
# nobody logged in gets a body read: an upload without a session (or without the token) is refused at once
for extra, want in ((b"", 401), (("Cookie: %s\r\n" % cookie).encode(), 403)):
    t0 = time.monotonic()
    code, _ = raw(con.host, con.port, b"POST /api/v1/models?name=big.glb HTTP/1.1\r\nHost: x\r\n" + extra +
                  b"Content-Length: 60000000\r\n\r\n" + b"\0" * 65536)
    check(code == want and time.monotonic() - t0 < 30, "an upload with %s: %d before its body (got %d)"
          % ("no session" if want == 401 else "no token", want, code))
left = [f for f in os.listdir(os.path.join(tmp, "models", ".vitrine-console")) if f.startswith("upload-")]
check(not left, "no upload file left behind: %s" % left)
st, _, _ = con.req("GET", "/api/v1/health")
check(st == 200, "the server is fine after the uploads")

# logout ends the session (a POST like any change: the token too)
st, _, _ = con.req("POST", "/api/v1/logout", headers={"Cookie": cookie})
check(st == 403, "logout without the token: 403 (got %d)" % st)
st, h, _ = con.req("POST", "/api/v1/logout", headers={"Cookie": cookie, "X-CSRF-Token": csrf})
check(st == 204 and "Max-Age=0" in h.get("set-cookie", ""), "logout: 204 and the cookie cleared: %d %s" % (st, h.get("set-cookie")))
st, _, _ = con.req("GET", "/api/v1/session", headers={"Cookie": cookie})
check(st == 401, "the session ends with the logout (got %d)" % st)

# a new password takes effect without a restart
NEW_PASSWORD = "a new one here"
rc, _, err = vt("console", "--catalog", CATALOG, "--set-password", stdin_text=NEW_PASSWORD + "\n")
check(rc == 0, "the password changed while serving: %s" % err)
check(login(con)[0] == 401 and login(con, NEW_PASSWORD)[0] == 200, "the old password no longer works, the new one does")

# 500 slow connections (a partial request each, then silence) while a normal client is served
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if soft < 1200 and (hard == resource.RLIM_INFINITY or hard >= 1200):
    resource.setrlimit(resource.RLIMIT_NOFILE, (1200 if hard == resource.RLIM_INFINITY else min(hard, 4096), hard))
slow = []
for i in range(500):
    s = socket.create_connection((con.host, con.port), timeout=T)
    s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
    slow.append(s)
t0 = time.monotonic()
st, _, _ = con.req("GET", "/api/v1/health")
took = time.monotonic() - t0
check(st == 200 and took < 10, "/health with 500 slow connections open: %d in %.2f s" % (st, took))
st, _, _ = con.req("GET", "/api/v1/products")
check(st == 401, "and the API too (got %d)" % st)

# SIGTERM with them still open: exit 0, promptly
rc, log, took = con.stop()
for s in slow:
    s.close()
check(rc == 0 and took < 30, "SIGTERM: exit 0 in %.1f s (got %d)" % (took, rc))
check("login from 127.0.0.1" in log and "failed login from 127.0.0.1" in log, "logins and failures are in the log: %s" % log[-600:])

# --- login rate limits (a fresh console: the limits live in memory) -------------------------
con = Console("--listen", "127.0.0.1:0")
codes = [login(con, "wrong %d" % i)[0] for i in range(5)]
check(codes == [401] * 5, "five wrong passwords: 401 each: %s" % codes)
st, h, _ = login(con, "wrong again")
check(st == 429 and h.get("retry-after", "").isdigit() and int(h["retry-after"]) > 0, "the sixth: 429 with Retry-After: %d %s" % (st, h))
t0 = time.monotonic()
st, h, _ = login(con)
check(st == 429 and "set-cookie" not in h, "even the right password waits (got %d)" % st)
st, _, _ = con.req("GET", "/api/v1/health")
check(st == 200, "health is not rate-limited")
rc, log, _ = con.stop()
check(rc == 0 and "wait" in log, "the backoff is in the log")

# --- no password set ---------------------------------------------------------------------------
state = os.path.join(tmp, "empty-state")
con = Console("--listen", "127.0.0.1:0", "--state", state)
st, _, body = login(con)
check(st == 503 and "--set-password" in body.get("error", ""), "login without a password set: 503 naming --set-password: %d %r" % (st, body))
rc, log, _ = con.stop()
check(log.count("no console password set") == 1, "the log says once that no password is set: %s" % log)

# --- off loopback: HTTPS or --insecure --------------------------------------------------------
rc, _, err = vt("console", "--catalog", CATALOG, "--listen", "0.0.0.0:0")
check(rc == 2 and "not a loopback address" in err and "--insecure" in err and len(err.strip().splitlines()) == 1,
      "0.0.0.0 without TLS: exit 2, one clear line: %d %r" % (rc, err))
con = Console("--listen", "0.0.0.0:0", "--insecure")
check(con.url is not None, "--insecure: served on 0.0.0.0")
if con.url:
    check(any("--insecure" in l and "warning" in l for l in con.w.lines), "--insecure is warned about in the log")
    c = http.client.HTTPConnection("127.0.0.1", con.port, timeout=T)
    c.request("GET", "/api/v1/health")
    check(c.getresponse().status == 200, "--insecure: health over 127.0.0.1")
    c.close()
    check(con.stop()[0] == 0, "--insecure console stops with 0")

# --- IPv6 loopback, where the machine has it ----------------------------------------------------
try:
    socket.socket(socket.AF_INET6).bind(("::1", 0))
    have_v6 = True
except OSError:
    have_v6 = False
if have_v6:
    con = Console("--listen", "[::1]:0")
    check(con.url is not None and con.url.startswith("http://[::1]:"), "[::1]:0 served: %s" % con.url)
    if con.url:
        check(con.req("GET", "/api/v1/health")[0] == 200, "health over [::1]")
        con.stop()

# --- HTTPS with a self-signed certificate -----------------------------------------------------
cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
if shutil.which("openssl"):
    r = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], capture_output=True, timeout=120)
elif shutil.which("certtool"):
    tpl = os.path.join(tmp, "cert.tpl")
    open(tpl, "w").write('cn = "127.0.0.1"\nip_address = "127.0.0.1"\nexpiration_days = 2\ntls_www_server\n')
    subprocess.run(["certtool", "--generate-privkey", "--outfile", key], capture_output=True, timeout=120)
    r = subprocess.run(["certtool", "--generate-self-signed", "--load-privkey", key, "--template", tpl, "--outfile", cert],
                       capture_output=True, timeout=120)
else:
    r = None
if r is None or r.returncode != 0 or not os.path.exists(cert):
    print("SKIP (part): no openssl or certtool to make a certificate")
else:
    rc, _, err = vt("console", "--catalog", CATALOG, "--listen", "127.0.0.1:0", "--tls-cert", os.path.join(tmp, "none.pem"),
                    "--tls-key", key)
    check(rc != 0 and "none.pem" in err, "a missing certificate file is named: %d %r" % (rc, err))
    rc, _, err = vt("console", "--catalog", CATALOG, "--listen", "127.0.0.1:0", "--tls-cert", CATALOG, "--tls-key", key)
    check(rc != 0 and "PEM" in err, "a certificate that is not PEM: %d %r" % (rc, err))
    con = Console("--listen", "127.0.0.1:0", "--tls-cert", cert, "--tls-key", key)
    check(con.url is not None and con.url.startswith("https://127.0.0.1:"), "HTTPS: the URL says https: %s" % con.url)
    if con.url:
        st, h, _ = con.req("GET", "/api/v1/health")
        check(st == 200 and "max-age" in h.get("strict-transport-security", ""), "HTTPS health (certificate pinned), HSTS: %d" % st)
        st, h, j = login(con, NEW_PASSWORD)
        parts = [p.strip() for p in h.get("set-cookie", "").split(";")]
        check(st == 200 and "Secure" in parts and "HttpOnly" in parts, "the cookie over HTTPS is Secure: %r" % h.get("set-cookie"))
        code, _ = raw("127.0.0.1", con.port, b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n", timeout=20)
        check(code != 200, "plain HTTP to the HTTPS port gets no answer (got %d)" % code)
        rc, _, _ = con.stop()
        check(rc == 0, "the HTTPS console stops with 0")
    con = Console("--listen", "0.0.0.0:0", "--tls-cert", cert, "--tls-key", key)
    check(con.url is not None, "0.0.0.0 with TLS is allowed")
    if con.url:
        con.stop()

shutil.rmtree(tmp, ignore_errors=True)
finish("test_console_http")
