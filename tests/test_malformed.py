#!/usr/bin/env python3
"""Every intentionally malformed model in ../shared/real/models/malformed, through
`vitrine view FILE --headless --out x.png`: exit 1 with one line naming the file and the problem,
within 10 s, never a crash or a sanitizer report. Inside `vitrine run`, a product whose model is
broken shows its placeholder while the others render."""
import concurrent.futures, json, os, shutil, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import *

vitrine, shared = sys.argv[1], sys.argv[2]
root = shared_or_skip(shared, "real/models/malformed")
repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
tmp = tempfile.mkdtemp(prefix="vt_malformed_")

# Files in the suites that are in fact well-formed models (regression inputs for a reader's
# crash, not broken files): they load and show, exit 0.
VALID = {
    # a triangle whose 44-byte BIN chunk holds its indices and positions (tinygltf issue 440
    # was about zero-sized chunks; this input is its well-formed neighbour)
    "tinygltf/models/regression/zero-sized-bin-chunk-issue-440.glb",
}

files = []
for d, _, fs in os.walk(root):
    for f in fs:
        if f.lower().endswith((".gltf", ".glb", ".obj")):
            files.append(os.path.join(d, f))
files.sort()


HANG_S = 180


def one(path):
    out = os.path.join(tmp, "%d.png" % (hash(path) & 0xFFFFFF))
    t0 = time.time()
    # The deadline catches a hang, not slowness: a sanitised build on a busy machine needs far more than 10 s.
    try:
        r = run([vitrine, "view", path, "--headless", "--out", out, "--size", "160x90"], timeout=HANG_S)
        return path, r.returncode, r.stderr, time.time() - t0
    except subprocess.TimeoutExpired:
        return path, None, "no exit within %d s" % HANG_S, float(HANG_S)


bad = []
slowest = 0
with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as ex:
    for path, rc, err, secs in ex.map(one, files):
        rel = os.path.relpath(path, root)
        slowest = max(slowest, secs)
        lines = [l for l in err.splitlines() if l.strip()]
        if rel in VALID:
            ok = rc == 0 and not lines
        else:
            ok = rc == 1 and len(lines) == 1 and path in lines[0] and lines[0].startswith("vitrine: view: ")
        if not ok:
            bad.append("%s: exit %r, %r" % (rel, rc, err[:300]))
print("%d malformed models checked, slowest %.1f s" % (len(files), slowest))
for b in bad[:20]:
    print("  " + b)
check(len(files) >= 150, "the malformed suites are there (%d files)" % len(files))
check(not bad, "%d file(s) not rejected cleanly" % len(bad))

# Inside the display: the broken model's product stands as a placeholder; the run goes on.
seq = os.path.join(shared, "bench", "seq-720p")
if os.path.isdir(seq):
    T = truth(seq)
    ids = sorted({m["id"] for m in T["images"][0]["markers"]})
    broken = os.path.join(root, "glTF-SDK", "glb", "CubeInvalidAccessorByteLength.glb")
    if not os.path.exists(broken):
        broken = [f for f in files if os.path.relpath(f, root) not in VALID][0]
    cat = {"version": 1, "store": {"name": "T", "locale": "en_GB", "currency": "GBP"},
           "markers": {"dictionary": T["dict"], "length_mm": 50},
           "products": [{"id": "p%d" % i, "marker": i, "name": "P%d" % i, "price": 1,
                         "model": broken if k == 0 else os.path.join(repo, "models", "bottle.glb")} for k, i in enumerate(ids)]}
    catalog = os.path.join(tmp, "catalog.json")
    json.dump(cat, open(catalog, "w"))
    r = run([vitrine, "run", "--video", os.path.join(seq, "seq.mp4"), "--frames", "20", "--catalog", catalog, "--headless",
             "--out", os.path.join(tmp, "frames"), "--no-analytics", "--intrinsics", intrinsics_arg(T)], timeout=300)
    check(r.returncode == 0, "the run goes on with a broken model: %d %s" % (r.returncode, r.stderr[-300:]))
    check(r.stderr.count(os.path.basename(broken)) == 1 and "placeholder" in r.stderr, "reported once: %r" % r.stderr[-400:])
    check(len(os.listdir(os.path.join(tmp, "frames"))) == 20, "every frame rendered")

shutil.rmtree(tmp)
finish("test_malformed")
