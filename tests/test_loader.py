#!/usr/bin/env python3
"""Models and catalogs load off the frame loop (issue 22; whole program, no shared material needed).

One headless `vitrine run` of the demo (--report-every 0.25) is fed hostile files through hot
reload, each generated here: a product pointed at an OBJ of 1.8 million faces (within the model
limits, over the run's memory or time or drawing budget), at an OBJ whose .mtl is a FIFO (refused
at once), at a loader stuck in a loop (the VT_FAULT_LOAD_SPIN hook: given up after 3 s), at a
malformed OBJ, then a 2,000-product catalog. For
each: one line naming the file ("... shows a placeholder"), the rest of the scene reloaded, the
display drawing on. Frame rate: frames delivered per wall second between two report lines (the
test's own clock at each line), the median while the new scene loads (from the save to its
"reloaded" line: the same scene on show as before) compared with the median over the 2 s before
(3 s after the last swap, once the products have faded in);
the margin is generous (0.3 of the rate before: on a shared machine other jobs move the rate
more than a load does; docs/reliability.md has the figures), and no two report lines may be more
than 2 s apart (the frozen display of the issue gave none for 49 s). Fixing the
product brings its model back (a reload without a placeholder line). Then a symlink-swap deploy
(`current -> rel1` renamed over by a link to rel2) is picked up, and a camera's display starts
before a model that never loads gives up (placeholders first, then "the models are ready").

Limits for the run: VITRINE_LOAD_SECONDS=3, VITRINE_LOAD_MB=128."""
import json, os, re, shutil, signal, statistics, struct, sys, tempfile, time, zlib
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import *

vitrine = sys.argv[1]
repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
tmp = tempfile.mkdtemp(prefix="vt_loader_")
REPORT = re.compile(r"report: t \d+ s, (\d+) frames")

base = json.load(open(os.path.join(repo, "models", "basic-shelf.json")))
for prod in base["products"]:
    prod["model"] = os.path.join(repo, "models", prod["model"])
good_model = base["products"][1]["model"]
live = os.path.join(tmp, "live.json")


def save(path, cat):   # as editors do: a new file renamed over the old one
    json.dump(cat, open(path + ".tmp", "w"))
    os.replace(path + ".tmp", path)


def with_model(model):
    cat = json.loads(json.dumps(base))
    cat["products"][1]["model"] = model
    return cat


# --- hostile files, small to write ---
# Within the model limits (three objects of 600,000 faces, 14 MB) but hundreds of MB and seconds to
# load: over the run's 128 MB here, or (no address-space limit under ASan) over 3 s, or, loaded,
# over what the display draws for one product. Each way the product shows its placeholder.
huge = os.path.join(tmp, "huge.obj")
with open(huge, "wb") as f:
    f.write(b"v 0 0 0\nv 1 0 0\nv 0 1 0\n" + b"".join(b"o part%d\n" % g + b"f 1 2 3\n" * 600000 for g in range(3)))
# A loader stuck in a loop (the VT_FAULT_LOAD_SPIN hook in the loader child): never answers.
spin = os.path.join(tmp, "spin-forever.obj")
open(spin, "w").write("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n")
slow = os.path.join(tmp, "slow.obj")
open(slow, "w").write("mtllib slow.mtl\nv 0 0 0\nv 1 0 0\nv 0 1 0\nusemtl a\nf 1 2 3\n")
os.mkfifo(os.path.join(tmp, "slow.mtl"))   # nobody ever writes it: opening it blocks
bad = os.path.join(tmp, "bad.obj")
open(bad, "w").write("v 1 2\nf 1 2 3 4\nxx garbage\n")
# The hostile models of tests/test_limits_models.py, through hot reload: a 100,000-node chain, a
# texture PNG of 16384 x 16384 (34 KB), a model path that is a FIFO.
chain = os.path.join(tmp, "chain.gltf")
json.dump({"asset": {"version": "2.0"}, "scene": 0, "scenes": [{"nodes": [0]}],
           "nodes": [{"children": [i + 1]} for i in range(99999)] + [{}]}, open(chain, "w"))
def png(w, h):
    raw = zlib.compress(b"".join(b"\0" + bytes((w + 7) // 8) for _ in range(h)), 9)
    chunk = lambda k, d: struct.pack(">I", len(d)) + k + d + struct.pack(">I", zlib.crc32(k + d) & 0xffffffff)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0)) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
open(os.path.join(tmp, "bomb.png"), "wb").write(png(16384, 16384))
open(os.path.join(tmp, "bomb.mtl"), "w").write("newmtl a\nmap_Kd bomb.png\n")
bomb = os.path.join(tmp, "bomb.obj")
open(bomb, "w").write("mtllib bomb.mtl\nv 0 0 0\nv 1 0 0\nv 0 1 0\nvt 0 0\nusemtl a\nf 1/1 2/1 3/1\n")
pipe = os.path.join(tmp, "pipe.glb")
os.mkfifo(pipe)
many = json.loads(json.dumps(base))
many["markers"]["dictionary"] = "APRILTAG_36h10"   # 2320 ids
many["products"] = [dict(base["products"][i % 6], id="p%04d" % i, marker=i) for i in range(2000)]

save(live, base)
env = dict(os.environ, VITRINE_LOG="info", VITRINE_LOAD_SECONDS="3", VITRINE_LOAD_MB="128",
           VT_FAULT_LOAD_SPIN="spin-forever")
p = Watched([vitrine, "run", "--demo", "--demo-size", "480x270", "--headless", "--out", "-", "--catalog", live, "--no-tour",
             "--no-analytics", "--report-every", "0.25"], env=env)


def reports(t0, t1):
    """(stamp, frames) of the report lines that arrived between t0 and t1."""
    with p.cond:
        return [(s, int(REPORT.search(l).group(1))) for l, s in zip(p.lines, p.stamps) if REPORT.search(l) and t0 <= s <= t1]


def rates(rs):
    return [(f1 - f0) / (s1 - s0) for (s0, f0), (s1, f1) in zip(rs, rs[1:]) if s1 > s0]


def count(needle):
    with p.cond:
        return sum(needle in l for l in p.lines)


def phase(name, cat, done):
    """Saves cat, waits for done(lines since the save); the frame rate while the new scene loads
    (from the save to its "reloaded" line: the scene on show is the same as before) against the
    2 s before; no gap between reports from the save to 1 s after the swap."""
    n0 = len(p.lines)
    t_save = time.monotonic()
    save(live, cat)
    ok = p.wait_for(lambda ls: done(ls[n0:]))
    check(ok, "%s: the expected lines: %r" % (name, p.lines[n0:][-5:]))
    with p.cond:
        t_swap = next((s for l, s in zip(p.lines[n0:], p.stamps[n0:]) if "reloaded" in l), time.monotonic())
    # Settled before the next phase: products fade in after a swap, which moves the rate.
    p.wait_for(lambda ls: len(reports(t_swap + 3, 1e18)) >= 1)
    before, during = rates(reports(t_save - 2, t_save)), rates(reports(t_save, t_swap))
    rs = reports(t_save - 0.5, t_swap + 1)
    gaps = [s1 - s0 for (s0, _), (s1, _) in zip(rs, rs[1:])]
    mb, md = statistics.median(before or [0]), statistics.median(during or [0])
    print("%s: loaded in %.1f s; %.1f frames/s before, %.1f while loading (median of %d and %d windows of 0.25 s), longest gap %.2f s"
          % (name, t_swap - t_save, mb, md, len(before), len(during), max(gaps or [0])), flush=True)
    if len(during) >= 4:   # a load long enough to measure (a good model's takes a fraction of a second)
        check(len(before) >= 3 and md >= 0.3 * mb, "%s: the display keeps its frame rate (%.1f -> %.1f)" % (name, mb, md))
    check(gaps and max(gaps) < 2.0, "%s: no freeze (longest gap between reports %.2f s)" % (name, max(gaps or [99])))
    return p.lines[n0:]


def placeholder_for(path, pid="mug-bleu"):
    return lambda ls: any(path in l and "product %s shows a placeholder" % pid in l for l in ls) and any("reloaded" in l for l in ls)


check(p.wait_for(lambda ls: sum("report:" in l for l in ls) >= 14), "the run goes on before the edits: %r" % p.lines[-3:])
lines = phase("huge OBJ (1.8 million faces)", with_model(huge), placeholder_for(huge))
said = [l for l in lines if huge in l]
check(len(said) == 1, "one line for the huge OBJ: %r" % said)
print("  " + said[0].strip() if said else "")
restored = lambda ls: any("reloaded" in l for l in ls) and not any("placeholder" in l for l in ls)
phase("fixed again", with_model(good_model), restored)
lines = phase("mtllib names a FIFO (refused at once)", with_model(slow), placeholder_for(slow))
print("  " + "".join(l for l in lines if slow in l).strip())
lines = phase("a loader stuck in a loop (gives up at 3 s)", with_model(spin), placeholder_for(spin))
print("  " + "".join(l for l in lines if spin in l).strip())
phase("malformed OBJ", with_model(bad), placeholder_for(bad))
for name, hostile in (("100,000-node chain", chain), ("16384 x 16384 texture", bomb), ("model path is a FIFO", pipe)):
    lines = phase(name, with_model(hostile), placeholder_for(hostile))
    print("  " + "".join(l for l in lines if hostile in l).strip())
phase("fixed again", with_model(good_model), restored)
lines = phase("2,000 products", many, lambda ls: any("reloaded %s: 2000 products" % live in l for l in ls))
check(not any("placeholder" in l for l in lines), "2,000 products share their six models: %r" % [l for l in lines if "placeholder" in l][:2])
phase("back to 6 products", base, lambda ls: any("reloaded %s: 6 products" % live in l for l in ls))
p.proc.send_signal(signal.SIGTERM)
rc, err = p.finish()
check(rc == 0, "the run ends cleanly: %d %s" % (rc, err[-300:]))

# --- a symlink-swap deploy: current -> rel1, then a link to rel2 renamed over it ---
for rel, n in (("rel1", 6), ("rel2", 4)):
    os.mkdir(os.path.join(tmp, rel))
    cat = json.loads(json.dumps(base))
    cat["products"] = cat["products"][:n]
    save(os.path.join(tmp, rel, "catalog.json"), cat)
current = os.path.join(tmp, "current")
os.symlink("rel1", current)
deployed = os.path.join(current, "catalog.json")
p = Watched([vitrine, "run", "--demo", "--demo-size", "480x270", "--headless", "--out", "-", "--catalog", deployed, "--no-tour",
             "--no-analytics", "--report-every", "0.25"], env=env)
check(p.wait_for(lambda ls: sum("report:" in l for l in ls) >= 2), "the deployed run goes on: %r" % p.lines[-3:])
os.symlink("rel2", current + ".tmp")
os.replace(current + ".tmp", current)   # the atomic switch (ln -sfn rel2 current.tmp && mv -T current.tmp current)
check(p.wait_for(lambda ls: any("reloaded %s: 4 products" % deployed in l for l in ls), deadline=60),
      "the switch to rel2 is picked up: %r" % p.lines[-3:])
p.proc.send_signal(signal.SIGTERM)
rc, err = p.finish()
check(rc == 0, "the deployed run ends cleanly: %d %s" % (rc, err[-300:]))

# --- a live source starts at once: placeholders while a model takes long, then the models ---
save(live, with_model(spin))
p = Watched([vitrine, "run", "--demo", "--demo-size", "480x270", "--headless", "--out", "-", "--catalog", live, "--no-tour",
             "--no-analytics", "--report-every", "0.25", "--simulate-disconnect", "1000000:1"], env=env)   # a "camera"
check(p.wait_for(lambda ls: any("the models are ready (6 products)" in l for l in ls)), "the models arrive: %r" % p.lines[-3:])
p.proc.send_signal(signal.SIGTERM)
rc, err = p.finish()
lines = err.splitlines()
first = next((k for k, l in enumerate(lines) if "report:" in l), None)
late = next((k for k, l in enumerate(lines) if spin in l and "took longer than 3 s" in l), None)
check(rc == 0 and first is not None and late is not None and first < late,
      "a camera's frames are on screen before the slow model gives up (%r, %r): %s" % (first, late, err[-400:]))

shutil.rmtree(tmp)
finish("test_loader")
