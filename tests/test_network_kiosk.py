"""The kiosk's side of the shop network (issue 20), against a real PostgreSQL server started here:
kiosks (bench/vt_network_sim.c: the real analytics recorder and network client, a display loop at
30 frames/s) ship their visits exactly once through an outage (a proxy that drops connections,
then one that swallows packets), a server killed and restarted, a kiosk killed mid-run and
restarted, and a reship of everything; they follow their store's publications (NOTIFY), refuse
a bad one (never offered to the display, said in the heartbeat), and keep the last good on disk."""
import hashlib, json, os, signal, sqlite3, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import check, finish
from pg_server import pg_or_skip
from tcp_proxy import Proxy

vitrine = os.path.abspath(sys.argv[1])
SIM = os.path.join(os.path.dirname(vitrine), "vitrine-network-sim")
pg = pg_or_skip()
tmp = tempfile.mkdtemp(prefix="vt_net_kiosk_")
procs = []


def sim(name, args, url=None, wait=True, timeout=300):
    d = os.path.join(tmp, name)
    cmd = [SIM, "--url", url or pg.tcp_url("%k", "%p"), "--dir", d, "--report", os.path.join(d, "report.json"),
           "--heartbeat", "0.5", "--poll", "2"] + args
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    procs.append(p)
    if not wait:
        return p, d
    out, err = p.communicate(timeout=timeout)
    return p.returncode, d, out, err


def report(d):
    with open(os.path.join(d, "report.json")) as f:
        return json.load(f)["kiosks"]


def outbox_ids(path):
    con = sqlite3.connect(path)
    origin = con.execute("SELECT value FROM meta WHERE key = 'origin'").fetchone()[0]
    ids = [r[0] for r in con.execute("SELECT id FROM events ORDER BY id")]
    con.close()
    return origin, ids


def exactly_once(d, what):
    """Every event of every kiosk's outbox in PostgreSQL, once."""
    lost = dup = total = 0
    for k in report(d):
        origin, ids = outbox_ids(k["outbox"])
        rows = pg.sql("SELECT seq FROM vitrine.events WHERE origin = %s", (origin,))
        seqs = [r[0] for r in rows]
        lost += len(set(ids) - set(seqs))
        dup += len(seqs) - len(set(seqs))
        total += len(ids)
    check(total > 0 and lost == 0 and dup == 0, "%s: %d events, %d lost, %d duplicated" % (what, total, lost, dup))
    return total


def wait_for(cond, seconds, step=0.2):
    end = time.time() + seconds
    while time.time() < end:
        if cond():
            return True
        time.sleep(step)
    return cond()


try:
    # The schema and six kiosks in two stores, as `vitrine network` makes them.
    rc, d0, out, err = sim("setup", ["--setup", pg.admin_url, "--kiosks", "6", "--stores", "2", "--seconds", "0"])
    check(rc == 0 and "6 kiosk(s) added" in out, "setup: %d %s %s" % (rc, out, err[-300:]))

    # 1. Plain shipping: 3 kiosks, 10 events/s for 6 s; every event exactly once, the sessions closed.
    rc, d, out, err = sim("plain", ["--kiosks", "3", "--stores", "2", "--seconds", "6", "--rate", "10"])
    check(rc == 0, "plain run: %d %s" % (rc, err[-400:]))
    n = exactly_once(d, "plain")
    check(n >= 3 * 50, "plain: about 3 x 62 events recorded (%d)" % n)
    sess = pg.sql("SELECT count(*), count(stopped_at) FROM vitrine.sessions")
    check(sess[0][0] == 3 and sess[0][1] == 3, "plain: 3 sessions shipped, each with its end: %r" % sess)
    rows = pg.sql("SELECT name, fps, camera, last_seen > now() - interval '1 minute' FROM vitrine.kiosks WHERE name IN ('k000','k001','k002') ORDER BY name")
    check(len(rows) == 3 and all(r[1] == 30 and r[2] == "demo" and r[3] for r in rows), "heartbeats: %r" % rows)
    ev = pg.sql("SELECT kiosk, store, type, product_id, price, currency FROM vitrine.events WHERE type = 'product_found' LIMIT 1")
    check(ev and ev[0][2] == "product_found" and ev[0][3].startswith("p") and ev[0][4] >= 9.5 and ev[0][5] == "EUR",
          "an event's fields: %r" % ev)
    stores = dict(pg.sql("SELECT kiosk, min(store) FROM vitrine.events GROUP BY kiosk"))
    check(stores.get("k000") == "store-0" and stores.get("k001") == "store-1", "each event under its kiosk's store: %r" % stores)

    # 2. Duplicate shipping: the same outboxes shipped again from the start add nothing.
    before = pg.sql("SELECT count(*) FROM vitrine.events")[0][0]
    rc, d2, out, err = sim("plain", ["--kiosks", "3", "--stores", "2", "--seconds", "1", "--rate", "0", "--reship"])
    after = pg.sql("SELECT count(*) FROM vitrine.events")[0][0]
    shipped = sum(k["shipped"] for k in report(d2))
    check(rc == 0 and shipped >= before and after == before + 2 * 3,
          "reship: %d shipped again, %d rows before, %d after (only the new sessions' start and stop)" % (shipped, before, after))
    exactly_once(d2, "reship")

    # 3. The network cut for 8 s (connections dropped, new ones refused), then 8 s of a proxy that
    # swallows everything: the display's frame calls never wait, nothing lost, nothing doubled.
    proxy = Proxy(("127.0.0.1", pg.port))
    url = "postgresql://%%k:%%p@127.0.0.1:%d/vitrine" % proxy.port
    p, d3 = sim("outage", ["--kiosks", "3", "--stores", "2", "--seconds", "40", "--rate", "10", "--prefix", "k",
                           "--drain", "60"], url=url, wait=False)
    time.sleep(5)
    proxy.cut("drop")
    time.sleep(8)
    proxy.restore()
    time.sleep(6)
    proxy.cut("blackhole")
    time.sleep(8)
    proxy.restore()
    out, err = p.communicate(timeout=300)
    check(p.returncode == 0, "outage run: %d %s" % (p.returncode, err[-400:]))
    check("offline" in err and "online again" in err, "the outage said to staff: %s" % err[-600:])
    ks = report(d3)
    check(all(k["reconnects"] >= 1 for k in ks), "each kiosk reconnected: %r" % [k["reconnects"] for k in ks])
    check(all(k["pending"] == 0 for k in ks), "outboxes drained: %r" % [k["pending"] for k in ks])
    worst = max(k["frame_calls_max_ms"] for k in ks)
    check(worst < 250, "a frame's calls into analytics and the network never waited on it: worst %.1f ms" % worst)
    exactly_once(d3, "outage")
    proxy.close()

    # 4. PostgreSQL killed (immediate: a crash) mid-run and started again 4 s later.
    p, d4 = sim("restart", ["--kiosks", "3", "--stores", "2", "--seconds", "20", "--rate", "10", "--drain", "60"], wait=False)
    time.sleep(5)
    pg.stop("immediate")
    time.sleep(4)
    pg.start()
    out, err = p.communicate(timeout=300)
    check(p.returncode == 0, "restart run: %d %s" % (p.returncode, err[-400:]))
    exactly_once(d4, "server restarted")

    # 5. A kiosk killed mid-run (SIGKILL: no close, no last batch) and started again on the same outbox.
    p, d5 = sim("killed", ["--kiosks", "2", "--stores", "2", "--seconds", "60", "--rate", "50"], wait=False)
    time.sleep(4)
    p.send_signal(signal.SIGKILL)
    p.wait()
    rc, d5, out, err = sim("killed", ["--kiosks", "2", "--stores", "2", "--seconds", "3", "--rate", "50"])
    check(rc == 0, "restarted kiosk: %d %s" % (rc, err[-300:]))
    exactly_once(d5, "kiosk killed and restarted")

    # 6. Publications: a good one reaches the kiosks of its store (NOTIFY) and only them; a bad one
    # is never offered to the display, is said in the heartbeat and kept as BAD; the next good one is taken.
    good = json.dumps({"version": 1, "store": {"name": "Lille", "currency": "EUR"},
                       "markers": {"dictionary": "5X5_100", "length_mm": 60}, "products": []})

    def publish(store, text):
        return pg.sql("INSERT INTO vitrine.catalog_versions (store, version, catalog, published_by)"
                      " SELECT %s, coalesce(max(version), 0) + 1, %s, 'test' FROM vitrine.catalog_versions WHERE store = %s"
                      " RETURNING version; SELECT pg_notify('vitrine_catalog', %s)", (store, text, store, store))

    p, d6 = sim("publish", ["--kiosks", "4", "--stores", "2", "--seconds", "25", "--rate", "1"], wait=False)
    time.sleep(4)
    t_pub = time.time()
    publish("store-0", good)
    time.sleep(5)
    publish("store-0", '{"version": 1, "products": [ oops')
    time.sleep(5)
    warn = pg.sql("SELECT name, warnings FROM vitrine.kiosks WHERE store = 'store-0' AND name IN ('k000','k002') ORDER BY name")
    check(all(w[1] and "catalog version 2 refused" in w[1] for w in warn), "the bad version said in the heartbeats: %r" % warn)
    publish("store-0", good.replace("Lille", "Lille 3"))
    # A model whose bytes on the server do not hash to its name (damaged there or on the way):
    # version 4 is refused and the copy never kept, or later versions naming it would trust it.
    time.sleep(4)
    fake_sha = hashlib.sha256(b"the model as published").hexdigest()
    pg.sql("INSERT INTO vitrine.models (sha256, size, data) VALUES (%s, 9, 'tampered!'::bytea);"
           " INSERT INTO vitrine.catalog_versions (store, version, catalog, published_by) VALUES ('store-0', 4, %s, 'test');"
           " INSERT INTO vitrine.catalog_models (store, version, path, sha256) VALUES ('store-0', 4, 'mug.glb', %s);"
           " SELECT pg_notify('vitrine_catalog', 'store-0')", (fake_sha, good.replace("Lille", "Lille 4"), fake_sha))
    out, err = p.communicate(timeout=300)
    check(p.returncode == 0, "publish run: %d %s" % (p.returncode, err[-400:]))
    ks = {k["name"]: k for k in report(d6)}
    for name in ("k000", "k002"):
        takes = [t["version"] for t in ks[name]["takes"]]
        check(takes == [1, 3], "%s (store-0) took versions 1 and 3, never the bad 2: %r" % (name, takes))
        first = ks[name]["takes"][0]["utc_ms"] / 1000.0 if ks[name]["takes"] else 1e18
        check(first - t_pub < 5, "%s: version 1 on its display %.2f s after publishing" % (name, first - t_pub))
        sdir = os.path.join(d6, name, "store-0")
        check(open(os.path.join(sdir, "current")).read().strip() == "3", "%s: version 3 kept as the last good" % name)
        check(os.path.exists(os.path.join(sdir, "000002", "BAD")), "%s: version 2 marked BAD on disk" % name)
        cat = json.load(open(os.path.join(sdir, "000003", "catalog.json")))
        check(cat["store"]["name"] == "Lille 3", "%s: version 3's catalog on disk" % name)
        bad4 = os.path.join(sdir, "000004", "BAD")
        check(os.path.exists(bad4) and "SHA-256" in open(bad4).read(), "%s: version 4 (a damaged model) marked BAD" % name)
        check(not os.path.exists(os.path.join(d6, name, "blobs", fake_sha)), "%s: the damaged copy not kept" % name)
    for name in ("k001", "k003"):
        check(ks[name]["takes"] == [], "%s (store-1) took nothing of store-0's" % name)
    check("refused" in err, "the refusal in the log: %s" % err[-400:])
    # Started again without the server: the last good version is what it starts from.
    pg.stop()
    rc, d6b, out, err = sim("publish", ["--kiosks", "1", "--seconds", "1", "--rate", "0", "--drain", "0"])
    check(rc == 0 and os.path.exists(os.path.join(d6, "k000", "store-0", "000003", "catalog.json")),
          "offline start: %d %s" % (rc, err[-300:]))
    pg.start()
finally:
    for p in procs:
        if p.poll() is None:
            p.kill()
finish("test_network_kiosk")
