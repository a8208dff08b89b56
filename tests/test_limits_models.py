#!/usr/bin/env python3
"""Model-file limits (issue 22, docs/reliability.md "Limits: models"): hostile models generated
here, each through `vitrine validate` (a catalog naming it) and `vitrine view`: exit 1, one
line naming the file, within a deadline, and a bounded peak memory (the child's max RSS).
Also: a texture past the soft cap is downscaled with a warning and the model still loads."""
import concurrent.futures, json, os, resource, shutil, signal, struct, subprocess, sys, tempfile, threading, time, zlib
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import *

vitrine = os.path.abspath(sys.argv[1])
tmp = tempfile.mkdtemp(prefix="vt_mlimits_")
HANG_S = 120            # a hang guard, not a speed target (the sanitised build on a busy machine)
SANITISED = b"__asan_init" in open(vitrine, "rb").read()   # more memory for the shadow
RSS_MB = 700 if SANITISED else 300   # the unbounded cases took 3.7 GB or more


def run_measured(args, cwd=tmp):
    """(exit status, stdout and stderr, seconds, max RSS in MB) of args; killed past HANG_S."""
    t0 = time.time()
    p = subprocess.Popen(args, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True)
    timer = threading.Timer(HANG_S, lambda: os.killpg(p.pid, signal.SIGKILL))
    timer.start()
    err = p.stdout.read().decode("utf-8", "replace")
    _, status, ru = os.wait4(p.pid, 0)
    timer.cancel()
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, err, time.time() - t0, ru.ru_maxrss / 1024.0


# ---- generators ------------------------------------------------------------------------------

TRI = struct.pack("<9f", 0, 0, 0, 1, 0, 0, 0, 1, 0)


def glb(doc, binary=TRI):
    j = json.dumps(doc, separators=(",", ":")).encode()
    j += b" " * (-len(j) % 4)
    binary += b"\0" * (-len(binary) % 4)
    chunks = struct.pack("<I4s", len(j), b"JSON") + j + struct.pack("<I4s", len(binary), b"BIN\0") + binary
    return b"glTF" + struct.pack("<II", 2, 12 + len(chunks)) + chunks


def tri_doc(nodes, scene_nodes=(0,), **extra):
    doc = {"asset": {"version": "2.0"}, "scene": 0, "scenes": [{"nodes": list(scene_nodes)}], "nodes": nodes,
           "buffers": [{"byteLength": 36}], "bufferViews": [{"buffer": 0, "byteLength": 36}],
           "accessors": [{"bufferView": 0, "componentType": 5126, "count": 3, "type": "VEC3",
                          "min": [0, 0, 0], "max": [1, 1, 0]}],
           "meshes": [{"primitives": [{"attributes": {"POSITION": 0}}]}]}
    doc.update(extra)
    return doc


def chain(n):
    nodes = [{"children": [i + 1]} for i in range(n - 1)] + [{"mesh": 0}]
    return tri_doc(nodes)


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(w, h):
    """A black one-bit grey PNG of w x h (a 16384² one is 33 KB; decoded it is 1 GB of RGBA)."""
    c = zlib.compressobj(9)
    row = b"\0" * (1 + (w + 7) // 8)
    idat = b"".join(c.compress(row) for _ in range(h)) + c.flush()
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0)) +
            png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b""))


def jpeg_header(w, h):
    """A baseline JPEG cut after its frame header: enough to say it is w x h."""
    sof = struct.pack(">BBHBHHB", 0xFF, 0xC0, 11, 8, h, w, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0" + sof + b"\xff\xd9"


OBJ = "v 0 0 0\nv 1 0 0\nv 0 1 0\nvt 0 0\nvt 1 0\nvt 0 1\n"


def obj_with_texture(d, name, texture_name):
    with open(os.path.join(d, name + ".mtl"), "w") as f:
        f.write("newmtl m\nKd 1 1 1\nmap_Kd %s\n" % texture_name)
    with open(os.path.join(d, name + ".obj"), "w") as f:
        f.write("mtllib %s.mtl\n%susemtl m\nf 1/1 2/2 3/3\n" % (name, OBJ))
    return name + ".obj"


def write(name, data):
    with open(os.path.join(tmp, name), "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
    return name


def make_cases():
    """(model file in tmp, what the one line must say) for each hostile model."""
    cases = []
    cases.append((write("deep-100000.glb", glb(chain(100000))), "nodes"))
    cases.append((write("deep-5000.glb", glb(chain(5000))), "deeper than"))
    cases.append((write("node-bomb.glb", glb(tri_doc([{"mesh": 0}] * 50000, scene_nodes=range(50000)))), "nodes"))
    cycle = tri_doc([{"children": [1]}, {"children": [0], "mesh": 0}])
    cases.append((write("cycle.glb", glb(cycle)), "cycle"))
    two = tri_doc([{"children": [2]}, {"children": [2]}, {"mesh": 0}], scene_nodes=(0, 1))
    cases.append((write("two-parents.glb", glb(two)), "two parents"))
    cast = tri_doc([{"mesh": 0}])
    cast["bufferViews"][0]["buffer"] = 1e20
    cases.append((write("buffer-1e20.glb", glb(cast)), "buffer"))
    huge = tri_doc([{"mesh": 0}])
    huge["accessors"][0]["count"] = 1e9
    cases.append((write("huge-count.glb", glb(huge)), "elements"))
    # Ten meshes, each within its limit, of a million zero-filled vertices (no bufferView): a
    # tiny file that declares gigabytes.
    bomb = tri_doc([{"mesh": i} for i in range(10)], scene_nodes=range(10))
    bomb["accessors"].append({"componentType": 5126, "count": 1000000, "type": "VEC3"})
    bomb["meshes"] = [{"primitives": [{"attributes": {"POSITION": 1}}]}] * 10
    cases.append((write("bytes-bomb.glb", glb(bomb)), "MB"))
    poly = OBJ + "f " + " ".join(str(1 + i % 3) for i in range(1000)) + "\n"
    cases.append((write("polygon.obj", poly), "corners"))
    # 8,000 faces of 256 corners: 2,048,000 vertices once assimp expands them (4 MB on disk).
    face = "f " + " ".join(str(1 + i % 3) for i in range(256)) + "\n"
    cases.append((write("obj-vertices.obj", OBJ + face * 8000), "2048000 vertices"))
    os.mkfifo(os.path.join(tmp, "pipe.mtl"))
    cases.append((write("mtl-fifo.obj", "mtllib pipe.mtl\n" + OBJ + "f 1 2 3\n"), "FIFO"))
    write("early.mtl", "map_Kd t.png\nnewmtl m\n")
    cases.append((write("mtl-early.obj", "mtllib early.mtl\n" + OBJ + "f 1 2 3\n"), "before the first newmtl"))
    os.mkfifo(os.path.join(tmp, "tex-pipe.png"))
    cases.append((obj_with_texture(tmp, "tex-fifo", "tex-pipe.png"), "FIFO"))
    write("big16k.png", png(16384, 16384))
    cases.append((obj_with_texture(tmp, "tex-16k", "big16k.png"), "16384x16384"))
    write("big20k.jpg", jpeg_header(20000, 20000))
    cases.append((obj_with_texture(tmp, "tex-20k", "big20k.jpg"), "20000x20000"))
    gltf = tri_doc([{"mesh": 0}])
    gltf["buffers"][0]["uri"] = "pipe.bin"
    os.mkfifo(os.path.join(tmp, "pipe.bin"))
    cases.append((write("bin-fifo.gltf", json.dumps(gltf)), "FIFO"))
    cases.append((write("other.ply", "ply\nformat ascii 1.0\nend_header\n"), "format"))
    os.mkdir(os.path.join(tmp, "folder.glb"))
    cases.append(("folder.glb", "folder"))
    os.mkfifo(os.path.join(tmp, "fifo.glb"))
    cases.append(("fifo.glb", "FIFO"))
    return cases


def catalog_for(model):
    with open(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "models", "basic-shelf.json")) as f:
        cat = json.load(f)
    cat["products"] = cat["products"][:1]
    cat["products"][0]["model"] = model
    name = "catalog-%s.json" % model.replace(".", "-")
    write(name, json.dumps(cat))
    return name


def check_case(case):
    model, words = case
    rc, err, secs, rss = run_measured([vitrine, "view", model, "--headless", "--out", "x.png", "--size", "160x90"])
    lines = [l for l in err.splitlines() if l.strip()]
    check(rc == 1 and len(lines) == 1 and model in lines[0] and words in lines[0],
          "view %s: exit 1 and one line naming it with %r (exit %r, %r)" % (model, words, rc, err[:400]))
    check(rss < RSS_MB, "view %s: peak memory %.0f MB, under %d MB" % (model, rss, RSS_MB))
    cat = catalog_for(model)
    rc2, err2, secs2, rss2 = run_measured([vitrine, "validate", cat])
    lines2 = [l for l in err2.splitlines() if "error" in l]
    check(rc2 == 1 and len(lines2) == 1 and model in lines2[0] and words in lines2[0],
          "validate %s: exit 1 and one error naming it with %r (exit %r, %r)" % (model, words, rc2, err2[:400]))
    check(rss2 < RSS_MB, "validate %s: peak memory %.0f MB, under %d MB" % (model, rss2, RSS_MB))
    return "%-22s view %.2f s %4.0f MB, validate %.2f s %4.0f MB: %s" % (model, secs, rss, secs2, rss2, lines[0] if lines else "?")


with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
    for line in ex.map(check_case, make_cases()):
        print(line, flush=True)

# Past the soft cap (4096 a side) but within the hard limit: downscaled with one warning, drawn.
write("big4k.png", png(4200, 2100))
model = obj_with_texture(tmp, "tex-4k", "big4k.png")
rc, err, secs, rss = run_measured([vitrine, "view", model, "--headless", "--out", "x.png", "--size", "160x90"])
warn = [l for l in err.splitlines() if "downscaled" in l]
check(rc == 0 and len(warn) == 1 and model in warn[0] and "4096x2048" in warn[0],
      "view %s: exit 0 with one warning that the texture was downscaled to 4096x2048 (exit %r, %r)" % (model, rc, err[:400]))
print("%-22s view %.2f s %4.0f MB: %s" % (model, secs, rss, warn[0] if warn else "?"))

# At the limits: a chain of 128 nodes loads (129 is refused), as do 10,000 nodes.
write("chain-128.glb", glb(chain(128)))
write("chain-129.glb", glb(chain(129)))
write("nodes-10000.glb", glb(tri_doc([{"mesh": 0}] * 10000, scene_nodes=range(10000))))
for model, want in (("chain-128.glb", 0), ("chain-129.glb", 1), ("nodes-10000.glb", 0)):
    rc, err, secs, rss = run_measured([vitrine, "view", model, "--headless", "--out", "x.png", "--size", "160x90"])
    check(rc == want, "view %s: exit %d (exit %r, %r)" % (model, want, rc, err[:300]))
    print("%-22s view %.2f s %4.0f MB: exit %d" % (model, secs, rss, rc))

# In the display: the products whose model is a hostile one show their placeholder, each reported
# once, and the run goes on (the demo scene, headless).
with open(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "models", "basic-shelf.json")) as f:
    cat = json.load(f)
# Within the model limits but more than the display draws for one product (250,000 triangles):
# validate says so as an error, view warns, run shows the placeholder; 60,000 is a warning.
def grid_obj(n):
    v = "".join("v %g %g %g\n" % (i / n * 0.2, 0.01 * ((i * j) % 5), j / n * 0.2) for j in range(n) for i in range(n))
    f = "".join("f %d %d %d\nf %d %d %d\n" % (a, a + n, a + 1, a + 1, a + n, a + n + 1)
                for a in (j * n + i + 1 for j in range(n - 1) for i in range(n - 1)))
    return v + f
write("grid-260k.obj", grid_obj(362))   # 260,642 triangles
write("grid-60k.obj", grid_obj(175))    # 60,552 triangles
for model, code, words in (("grid-260k.obj", 1, "more than the display draws"), ("grid-60k.obj", 0, "without a GPU")):
    rc, err, secs, rss = run_measured([vitrine, "validate", catalog_for(model)])
    said = [l for l in err.splitlines() if words in l]
    check(rc == code and len(said) == 1 and model in said[0] and ("error" in said[0]) == (code == 1),
          "validate %s: exit %d and one line with %r (exit %r, %r)" % (model, code, words, rc, err[-400:]))
    rc, err, secs, rss = run_measured([vitrine, "view", model, "--headless", "--out", "x.png", "--size", "160x90"])
    check(rc == 0 and sum(words in l and model in l for l in err.splitlines()) == 1,
          "view %s: drawn, one warning with %r (exit %r, %r)" % (model, words, rc, err[-400:]))
    print("%-22s validate exit %d, view %.2f s: %s" % (model, code, secs, said[0].strip() if said else "?"))
hostile = ["mtl-fifo.obj", "deep-100000.glb", "tex-16k.obj", "grid-260k.obj"]
for p, m in zip(cat["products"], hostile):
    p["model"] = os.path.join(tmp, m)
for p in cat["products"][len(hostile):]:
    p["model"] = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "models", p["model"])
write("catalog-run.json", json.dumps(cat))
rc, err, secs, rss = run_measured([vitrine, "run", "--demo", "--demo-size", "320x180", "--frames", "5", "--headless",
                                   "--out", "-", "--no-analytics", "--catalog", "catalog-run.json"])
check(rc == 0, "run with hostile models goes on: exit %r, %r" % (rc, err[-400:]))
for m in hostile:
    said = [l for l in err.splitlines() if m in l]
    check(len(said) == 1 and "placeholder" in said[0], "run: %s reported once, with its placeholder: %r" % (m, said))
print("run with %d hostile models: %.1f s, %.0f MB" % (len(hostile), secs, rss))

shutil.rmtree(tmp, ignore_errors=True)
finish("test_limits_models")
