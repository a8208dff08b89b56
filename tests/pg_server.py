"""A real PostgreSQL server for the network tests (issue 20): initdb and pg_ctl into a temporary
folder, run as a non-root user (postgres refuses root: as root the server runs as 'nobody'),
listening on a Unix socket in that folder and on 127.0.0.1 at a free port. Stopped (and the
folder removed) at exit, whatever the test did.

    from pg_server import PgServer, pg_or_skip
    pg = pg_or_skip()                 # prints SKIP and exits 77 when no server can be installed
    pg.admin_url                      # postgresql:///vitrine?host=SOCKETDIR&port=P&user=postgres
    pg.tcp_url(user, password)        # postgresql://user:password@127.0.0.1:P/vitrine
    pg.sql("SELECT 1")                # rows, as the superuser (psycopg2)
    pg.stop(mode="immediate"); pg.start()   # a crash and a restart, same data and port
"""
import atexit, glob, os, pwd, shutil, socket, subprocess, sys, tempfile, time

DB = "vitrine"


def _bin_dir():
    for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.access(os.path.join(d, "initdb"), os.X_OK) and os.access(os.path.join(d, "pg_ctl"), os.X_OK):
            return d
    return None


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class PgServer:
    def __init__(self, bindir, ssl_cert=None, ssl_key=None, extra_conf=None):
        self.bindir = bindir
        self.root = tempfile.mkdtemp(prefix="vt_pg_")
        os.chmod(self.root, 0o755)
        self.data = os.path.join(self.root, "data")
        self.sock = os.path.join(self.root, "sock")
        os.mkdir(self.sock)
        self.port = free_port()
        self.as_user = None
        if os.geteuid() == 0:
            self.as_user = "nobody"
            pw = pwd.getpwnam("nobody")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
            os.chown(self.sock, pw.pw_uid, pw.pw_gid)
        self._cmd([os.path.join(bindir, "initdb"), "-D", self.data, "-U", "postgres", "-A", "trust",
                   "--no-sync", "-E", "UTF8", "--locale=C"])
        conf = [
            "listen_addresses = '127.0.0.1'", "port = %d" % self.port,
            "unix_socket_directories = '%s'" % self.sock,
            "max_connections = 300", "shared_buffers = 64MB",
            "fsync = off", "full_page_writes = off",   # a test server: speed over crash safety of the OS
            "log_min_messages = warning", "logging_collector = off",
        ]
        if ssl_cert:
            for src, name in ((ssl_cert, "server.crt"), (ssl_key, "server.key")):
                dst = os.path.join(self.data, name)
                shutil.copy(src, dst)
                os.chmod(dst, 0o600)
                if self.as_user:
                    pw = pwd.getpwnam(self.as_user)
                    os.chown(dst, pw.pw_uid, pw.pw_gid)
            conf += ["ssl = on", "ssl_cert_file = 'server.crt'", "ssl_key_file = 'server.key'"]
        conf += list(extra_conf or [])
        with open(os.path.join(self.data, "postgresql.conf"), "a") as f:
            f.write("\n".join(conf) + "\n")
        # The superuser over the socket without a password (the test itself); every other role
        # with its password (SCRAM), over the socket and TCP alike.
        with open(os.path.join(self.data, "pg_hba.conf"), "w") as f:
            f.write("local all postgres trust\nlocal all all scram-sha-256\n"
                    "host all all 127.0.0.1/32 scram-sha-256\nhost all all ::1/128 scram-sha-256\n")
        self.start()
        self._cmd([os.path.join(bindir, "createdb"), "-h", self.sock, "-p", str(self.port), "-U", "postgres", DB])
        atexit.register(self.destroy)

    def _cmd(self, args, check=True):
        if self.as_user:
            args = ["runuser", "-u", self.as_user, "--"] + args
        r = subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=self.root)
        if check and r.returncode != 0:
            raise RuntimeError("%s failed (%d): %s" % (" ".join(args), r.returncode, (r.stderr or r.stdout)[-2000:]))
        return r

    @property
    def admin_url(self):
        return "postgresql:///%s?host=%s&port=%d&user=postgres" % (DB, self.sock, self.port)

    def socket_url(self, user, password):
        return "postgresql://%s:%s@/%s?host=%s&port=%d" % (user, password, DB, self.sock, self.port)

    def tcp_url(self, user, password, host="127.0.0.1", port=None):
        return "postgresql://%s:%s@%s:%d/%s" % (user, password, host, port or self.port, DB)

    def start(self):
        self._cmd([os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-l", os.path.join(self.root, "log"),
                   "-w", "-t", "120", "start"])

    def stop(self, mode="fast"):
        """mode 'immediate' is a crash: no shutdown checkpoint, clients cut at once."""
        self._cmd([os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-m", mode, "-w", "-t", "120", "stop"],
                  check=False)

    def connect(self, user="postgres", password=None):
        import psycopg2
        if user == "postgres":
            c = psycopg2.connect(host=self.sock, port=self.port, user="postgres", dbname=DB)
        else:
            c = psycopg2.connect(host=self.sock, port=self.port, user=user, password=password, dbname=DB)
        c.autocommit = True
        return c

    def sql(self, query, args=None):
        c = self.connect()
        try:
            with c.cursor() as cur:
                cur.execute(query, args)
                return cur.fetchall() if cur.description else []
        finally:
            c.close()

    def log(self):
        try:
            with open(os.path.join(self.root, "log"), errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def destroy(self):
        if os.path.isdir(self.data):
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def pg_or_skip(**kw):
    bindir = _bin_dir()
    if not bindir:
        print("SKIP: no PostgreSQL server here (/usr/lib/postgresql/*/bin/initdb): scripts/setup.sh installs "
              "the postgresql package")
        sys.exit(77)
    try:
        import psycopg2  # noqa: F401
    except ImportError:
        print("SKIP: python3-psycopg2 is not installed (scripts/setup.sh installs it)")
        sys.exit(77)
    return PgServer(bindir, **kw)


if __name__ == "__main__":   # a smoke test: python3 tests/pg_server.py
    pg = pg_or_skip()
    print(pg.sql("SELECT version()")[0][0])
    pg.stop("immediate")
    pg.start()
    print("restarted:", pg.sql("SELECT 1")[0][0], pg.admin_url)
