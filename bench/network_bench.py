#!/usr/bin/env python3
"""The shop network's benchmark (issue 20; figures in docs/network.md), on a real PostgreSQL
server started here (tests/pg_server.py) and the real kiosk client (vitrine-network-sim: each
kiosk its analytics outbox, its network thread, a display loop at 30 frames/s):

  clean:  KIOSKS kiosks of one store, RATE visit events/s each, for MINUTES; two publications of
          the basic shelf (models/basic-shelf.json and its models, `vitrine network publish`)
          along the way. Every event exactly once; the delay from record to PostgreSQL
          (received_at - ts) at the 50th/99th percentile and worst; how long each publication
          took to reach every kiosk's display.
  faults: the same kiosks through a TCP proxy for FAULT_MINUTES: PostgreSQL killed (immediate)
          and started 10 s later, then the network cut for 60 s (connections dropped, new ones
          refused). Lost, duplicated, and the display loop's worst frame.

    python3 bench/network_bench.py build/vitrine [--kiosks 100] [--rate 10] [--minutes 10]
                                   [--fault-minutes 4] [--only clean|faults] [--out FILE.json]
"""
import argparse, json, os, sqlite3, subprocess, sys, tempfile, threading, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))
from pg_server import pg_or_skip  # noqa: E402
from tcp_proxy import Proxy  # noqa: E402


def run_sim(sim, url, d, kiosks, rate, seconds, extra=()):
    cmd = [sim, "--url", url, "--dir", d, "--report", os.path.join(d, "report.json"), "--kiosks", str(kiosks),
           "--stores", "1", "--rate", str(rate), "--seconds", str(seconds), "--drain", "180"] + list(extra)
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def exactly_once(pg, kiosks):
    lost = dup = total = 0
    for k in kiosks:
        con = sqlite3.connect(k["outbox"])
        origin = con.execute("SELECT value FROM meta WHERE key = 'origin'").fetchone()[0]
        ids = {r[0] for r in con.execute("SELECT id FROM events")}
        con.close()
        seqs = [r[0] for r in pg.sql("SELECT seq FROM vitrine.events WHERE origin = %s", (origin,))]
        lost += len(ids - set(seqs))
        dup += len(seqs) - len(set(seqs))
        total += len(ids)
    return total, lost, dup


def delays(pg, since_ms=0):
    r = pg.sql("SELECT count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY d), percentile_cont(0.99) WITHIN GROUP (ORDER BY d),"
               " max(d) FROM (SELECT extract(epoch FROM received_at - ts)::float8 AS d FROM vitrine.events"
               " WHERE type NOT IN ('session_start', 'session_stop') AND ts >= to_timestamp(%s / 1000.0)) x", (since_ms,))
    n, p50, p99, mx = r[0]
    return {"events": n, "p50_s": p50, "p99_s": p99, "max_s": mx}


def frames(kiosks):
    return {"frame_calls_max_ms": max(k["frame_calls_max_ms"] for k in kiosks),
            "frame_calls_p99_ms_worst_kiosk": max(k["frame_calls_p99_ms"] for k in kiosks),
            "late_frames": sum(k["late_frames"] for k in kiosks), "frames": sum(k["frames"] for k in kiosks),
            "dropped_by_recorder": sum(k["dropped"] for k in kiosks)}


def publish(vitrine, pg, catalog, summary):
    t = time.time()
    r = subprocess.run([vitrine, "network", "publish", "--db", pg.admin_url, "--store", "store-0", "--summary", summary, catalog],
                       capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        sys.exit("publish failed: " + r.stderr)
    v = pg.sql("SELECT max(version) FROM vitrine.catalog_versions WHERE store = 'store-0'")[0][0]
    return t, v


def clean(a, pg, sim, root):
    d = os.path.join(root, "clean")
    p = run_sim(sim, pg.tcp_url("%k", "%p"), d, a.kiosks, a.rate, a.minutes * 60)
    catalog = os.path.join(HERE, "..", "models", "basic-shelf.json")
    pubs = []
    for frac in (1 / 3, 2 / 3):
        time.sleep(max(0, a.minutes * 60 * (frac if not pubs else frac - 1 / 3)))
        pubs.append(publish(a.vitrine, pg, catalog, "bench %d" % (len(pubs) + 1)))
    out, err = p.communicate(timeout=a.minutes * 60 + 900)
    if p.returncode != 0:
        sys.exit("clean run failed: %s" % err[-2000:])
    ks = json.load(open(os.path.join(d, "report.json")))["kiosks"]
    total, lost, dup = exactly_once(pg, ks)
    reach = []
    for t, v in pubs:
        times = [x["utc_ms"] / 1000.0 for k in ks for x in k["takes"] if x["version"] == v]
        reach.append({"version": v, "kiosks_reached": len(times), "all_within_s": (max(times) - t) if times else None,
                      "median_s": sorted(times)[len(times) // 2] - t if times else None})
    return {"kiosks": a.kiosks, "rate_per_kiosk": a.rate, "seconds": a.minutes * 60, "events": total, "lost": lost,
            "duplicated": dup, "delay": delays(pg), "publications": reach, **frames(ks)}


def faults(a, pg, sim, root):
    d = os.path.join(root, "faults")
    proxy = Proxy(("127.0.0.1", pg.port))
    url = "postgresql://%%k:%%p@127.0.0.1:%d/vitrine" % proxy.port
    t0_ms = int(time.time() * 1000)
    secs = a.fault_minutes * 60
    p = run_sim(sim, url, d, a.kiosks, a.rate, secs, ["--prefix", "f"])
    log = []
    time.sleep(30)
    log.append(("server killed", time.time()))
    pg.stop("immediate")
    time.sleep(10)
    pg.start()
    log.append(("server started", time.time()))
    time.sleep(50)
    proxy.cut("drop")
    log.append(("network cut", time.time()))
    time.sleep(60)
    proxy.restore()
    log.append(("network back", time.time()))
    out, err = p.communicate(timeout=secs + 900)
    proxy.close()
    if p.returncode != 0:
        sys.exit("faults run failed: %s" % err[-2000:])
    ks = json.load(open(os.path.join(d, "report.json")))["kiosks"]
    total, lost, dup = exactly_once(pg, ks)
    back_ms = int(log[-1][1] * 1000) + 15000   # the catch-up's 15 s after the cut, then steady again
    return {"kiosks": a.kiosks, "rate_per_kiosk": a.rate, "seconds": secs, "events": total, "lost": lost, "duplicated": dup,
            "reconnects": sum(k["reconnects"] for k in ks), "delay_after_recovery": delays(pg, back_ms),
            "faults": [(w, round(t - t0_ms / 1000.0, 1)) for w, t in log], **frames(ks)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("vitrine")
    ap.add_argument("--kiosks", type=int, default=100)
    ap.add_argument("--rate", type=float, default=10)
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--fault-minutes", type=float, default=4)
    ap.add_argument("--only", choices=("clean", "faults"))
    ap.add_argument("--out")
    a = ap.parse_args()
    a.vitrine = os.path.abspath(a.vitrine)
    sim = os.path.join(os.path.dirname(a.vitrine), "vitrine-network-sim")
    pg = pg_or_skip()
    root = tempfile.mkdtemp(prefix="vt_net_bench_")
    for prefix in ("k", "f"):
        r = subprocess.run([sim, "--setup", pg.admin_url, "--url", "x", "--dir", root, "--kiosks", str(a.kiosks),
                            "--prefix", prefix, "--seconds", "0"], capture_output=True, text=True, timeout=600)
        if r.returncode != 0:
            sys.exit("setup failed: " + r.stderr)
    res = {"machine": "%d cores" % os.cpu_count()}
    if a.only in (None, "clean"):
        res["clean"] = clean(a, pg, sim, root)
        print(json.dumps(res["clean"], indent=1), flush=True)
    if a.only in (None, "faults"):
        pg.sql("TRUNCATE vitrine.events")
        res["faults"] = faults(a, pg, sim, root)
        print(json.dumps(res["faults"], indent=1), flush=True)
    if a.out:
        with open(a.out, "w") as f:
            json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
