#!/usr/bin/env python3
"""Scheduled promotions and inactive products on the display (issue 19), through the whole
program: `vitrine run --demo --headless --layout-log` writes, for every frame, the wall clock its
prices were taken at and each tag's price (and the regular price struck through). A promotion
whose window holds the wall clock shows its price, one not yet begun or already over shows the
regular one, promo_price still shows always; an "active": false product gets no tag at all (and
does with "active": true); a promotion starting and ending a few seconds into a run appears and
disappears on time, with no reload; `vitrine validate` accepts both keys."""
import datetime, json, os, signal, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import *
from zoneinfo import ZoneInfo

vitrine = sys.argv[1]
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
tmp = tempfile.mkdtemp(prefix="vt_promo_")
ZONE = "Europe/Paris"
NBSP = "\u00a0"


def catalog(changes):
    cat = json.load(open(os.path.join(root, "models", "basic-shelf.json")))
    cat["store"] = dict(cat["store"], locale="fr_FR", currency="EUR", timezone=ZONE, attract_after_s=600)
    for p in cat["products"]:
        p["model"] = os.path.join(root, "models", p["model"])
        p.update(changes.get(p["id"], {}))
    path = os.path.join(tmp, "catalog-%d.json" % len(os.listdir(tmp)))
    json.dump(cat, open(path, "w"), ensure_ascii=False, indent=1)
    return path


def layout(path):
    out = []
    # bytes: the display may be writing the last line, cut inside a character ("€")
    for line in open(path, "rb") if os.path.exists(path) else []:
        try:
            out.append(json.loads(line.decode("utf-8")))
        except ValueError:   # UnicodeDecodeError is one
            pass   # a line cut by the interrupt, or still being written
    return out


def tags(frames):
    """id -> set of (price, was) over the frames it had a tag in."""
    seen = {}
    for f in frames:
        for p in f["products"]:
            if p.get("tag"):
                seen.setdefault(p["id"], set()).add((p.get("price"), p.get("was")))
    return seen


def euros(s):
    return s.replace(" €", NBSP + "€")


def show(path, frames=45):
    log = os.path.join(tmp, os.path.basename(path) + ".jsonl")
    r = run([vitrine, "run", "--demo", "--catalog", path, "--headless", "--frames", str(frames), "--no-tour",
             "--no-analytics", "--layout-log", log, "--out", "-"])
    check(r.returncode == 0, "run exit %d: %s" % (r.returncode, r.stderr[-400:]))
    return layout(log)


# --- 1. a promotion on now, one to come, one over, promo_price, an inactive product ---------------
ALWAYS = {"start": "2000-01-01T00:00", "end": "2099-01-01T00:00"}
path = catalog({
    "runner-x": {"promotion": dict(ALWAYS, price=69.99)},
    "mug-bleu": {"promotion": {"price": 9.99, "start": "2098-06-01T09:00"}},
    "huile-olive": {"promotion": {"price": 5, "start": "2000-01-01T00:00", "end": "2001-01-01T00:00"}},
    "eau-de-lille": {"promo_price": 59},
    "lampe-atelier": {"active": False},
})
r = run([vitrine, "validate", path])
check(r.returncode == 0, "validate accepts promotion and active: %s" % (r.stdout + r.stderr)[-600:])
check("unknown key" not in r.stdout + r.stderr, "validate knows both keys: %s" % (r.stdout + r.stderr)[-600:])
frames = show(path)
check(len(frames) >= 30 and all("wall_ms" in f for f in frames), "the layout log has every frame and its clock")
seen = tags(frames)
print("tags: %s" % {k: sorted(map(str, v)) for k, v in seen.items()})
want = {"runner-x": (euros("69,99 €"), euros("89,99 €")), "mug-bleu": (euros("14,50 €"), None),
        "huile-olive": (euros("12,90 €"), None), "eau-de-lille": (euros("59,00 €"), euros("68,00 €"))}
for pid, tag in want.items():
    check(seen.get(pid) == {tag}, "%s's tag shows %s, struck through %s: %s" % (pid, tag[0], tag[1], seen.get(pid)))
check("lampe-atelier" not in seen, "an inactive product has no tag: %s" % seen.get("lampe-atelier"))
active = tags(show(catalog({"lampe-atelier": {"active": True}})))
check("lampe-atelier" in active, "the same product active has its tag (its marker is in the demo): %s" % sorted(active))

# --- 2. a promotion that begins and ends during the run, no reload --------------------------------
now = datetime.datetime.now(ZoneInfo(ZONE)).replace(microsecond=0)
start, end = now + datetime.timedelta(seconds=8), now + datetime.timedelta(seconds=13)
fmt = "%Y-%m-%dT%H:%M:%S"
path = catalog({"runner-x": {"promotion": {"price": 69.99, "start": start.strftime(fmt), "end": end.strftime(fmt)}}})
start_ms, end_ms = int(start.timestamp() * 1000), int(end.timestamp() * 1000)
log = os.path.join(tmp, "timed.jsonl")
proc = subprocess.Popen([vitrine, "run", "--demo", "--catalog", path, "--headless", "--frames", "1000000", "--no-tour",
                         "--no-analytics", "--layout-log", log, "--out", "-"],
                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
try:
    done = wait_until(lambda: proc.poll() is not None or any(f.get("wall_ms", 0) > end_ms + 1500 for f in layout(log)[-5:]),
                      interval=0.25)
finally:   # whatever happened above, the display does not outlive the test
    proc.send_signal(signal.SIGINT)
    try:
        err = proc.communicate(timeout=DEADLINE)[1]
    except subprocess.TimeoutExpired:
        proc.kill()
        err = proc.communicate()[1]
check(done, "the run got past the promotion's end")
check("reloaded" not in err, "no reload happened: %s" % err[-300:])
phases = {"before": set(), "during": set(), "after": set()}
for f in layout(log):
    if "wall_ms" not in f:
        continue
    phase = "before" if f["wall_ms"] < start_ms else "during" if f["wall_ms"] < end_ms else "after"
    for p in f["products"]:
        if p["id"] == "runner-x" and p.get("tag"):
            phases[phase].add((p.get("price"), p.get("was")))
print("runner-x by phase: %s" % phases)
regular, promo = (euros("89,99 €"), None), (euros("69,99 €"), euros("89,99 €"))
check(phases["before"] == {regular}, "before the start the regular price: %s" % phases["before"])
check(phases["during"] == {promo}, "between start and end the promotion's: %s" % phases["during"])
check(phases["after"] == {regular}, "after the end the regular price again: %s" % phases["after"])
finish("test_promotion_run")
