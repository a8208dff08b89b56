#!/usr/bin/env python3
"""glTF material variants through the whole program (issue 19), on Khronos's
MaterialsVariantsShoe.glb (shared material; skipped without it).

`vitrine view MODEL --variant NAME --headless --out` renders the variant (the shoe's pixels in
"beach" and "street" differ in mean colour, and the default differs from one of them) and lists
the file's variants on stderr; an unknown variant is one warning naming the file and the
variants, the picture still written (exit 0; 1 with --strict). `vitrine validate` warns of a
product's unknown variant at the catalog's line:col, with the file's variants. `vitrine run` of the
demo with two products on the same file in two variants shows two different shoes (the same
frames as with both in one variant, but where the second shoe stands), and a product with an
unknown variant shows its default materials, said once with the product and the variants."""
import json, os, shutil, struct, sys, tempfile, zlib
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import *

vitrine, shared = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "/nonexistent"
shoe = shared_or_skip(shared, "real/models/products/MaterialsVariantsShoe.glb")
repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
tmp = tempfile.mkdtemp(prefix="vt_variant_")
VARIANTS = "midnight, beach, street"


def read_png(path):
    """(width, height, rows of RGB tuples' flat lists) of an 8-bit RGB or RGBA PNG."""
    d = open(path, "rb").read()
    assert d[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(d):
        n, kind = struct.unpack(">I4s", d[pos:pos + 8])
        body = d[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    assert depth == 8 and ctype in (2, 6), (depth, ctype)
    bpp = 3 if ctype == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(w)])
        prev = line
    return w, h, rows


def shoe_mean(path):
    """Mean RGB of the picture's saturated or dark pixels below the labels: the shoe (the backdrop
    is a grey gradient, the box lines orange, the axes short)."""
    w, h, rows = read_png(path)
    n, s = 0, [0, 0, 0]
    for y in range(int(h * 0.3), int(h * 0.8)):
        for x in range(int(w * 0.25), int(w * 0.75)):
            r, g, b = rows[y][x]
            if max(r, g, b) - min(r, g, b) < 12 and min(r, g, b) > 150: continue   # backdrop, white sole
            n += 1
            s[0] += r; s[1] += g; s[2] += b
    return n, [v / max(n, 1) for v in s]


def dist(a, b):
    return sum((x - y) ** 2 for x, y in zip(a, b)) ** 0.5


# --- vitrine view --variant ---
means = {}
for v in (None, "beach", "street"):
    out = os.path.join(tmp, "view-%s.png" % (v or "default"))
    r = run([vitrine, "view", shoe, "--headless", "--out", out, "--size", "480x360"] + (["--variant", v] if v else []))
    check(r.returncode == 0 and os.path.exists(out), "view --variant %s: %d %s" % (v, r.returncode, r.stderr))
    want = "variants: %s (showing %s)" % (VARIANTS, v or "the default")
    check(want in r.stderr, "view --variant %s lists the variants: %s" % (v, r.stderr))
    if os.path.exists(out):
        n, means[v] = shoe_mean(out)
        print("view %-8s %5d px, mean RGB %s" % (v or "default", n, " ".join("%.0f" % c for c in means[v])))
        check(n > 3000, "view --variant %s: %d shoe pixels" % (v, n))
if len(means) == 3:
    check(dist(means["beach"], means["street"]) > 30, "beach and street look alike")
    check(max(dist(means[None], means["beach"]), dist(means[None], means["street"])) > 30, "the default looks like both variants")

out = os.path.join(tmp, "view-unknown.png")
r = run([vitrine, "view", shoe, "--headless", "--out", out, "--size", "320x240", "--variant", "Beige"])
warn = [l for l in r.stderr.splitlines() if "warning" in l and "Beige" in l]
check(r.returncode == 0 and os.path.exists(out), "view --variant Beige still renders: %d %s" % (r.returncode, r.stderr))
check(len(warn) == 1 and shoe in warn[0] and VARIANTS in warn[0], "one warning naming the file and its variants: %s" % r.stderr)
r = run([vitrine, "view", shoe, "--headless", "--out", out, "--size", "320x240", "--variant", "Beige", "--strict"])
check(r.returncode == 1, "--strict with an unknown variant: exit %d" % r.returncode)
r = run([vitrine, "view", "--help"])
check("--variant NAME" in r.stdout, "view --help tells of --variant")

# --- vitrine validate ---
store = os.path.join(tmp, "store")
os.makedirs(store)
shutil.copy(shoe, os.path.join(store, "shoe.glb"))
text = ('{"version": 1,\n "store": {"name": "S", "locale": "fr_FR", "currency": "EUR"},\n'
        ' "markers": {"dictionary": "5X5_100", "length_mm": 50},\n "products": [\n'
        '  {"id": "a", "marker": 1, "name": "A", "price": 10, "model": "shoe.glb", "variant": "beach"},\n'
        '  {"id": "b", "marker": 2, "name": "B", "price": 10, "model": "shoe.glb", "variant": "Beige"}\n ]}\n')
cat = os.path.join(store, "catalog.json")
open(cat, "w").write(text)
line = text[:text.index('"Beige"')].count("\n") + 1
col = text.index('"Beige"') - text.rfind("\n", 0, text.index('"Beige"'))
r = run([vitrine, "validate", cat])
want = '%s:%d:%d: warning: products[1] (b): variant "Beige" is not in shoe.glb; its variants: %s' % (cat, line, col, VARIANTS)
check(r.returncode == 0 and want in r.stdout, "validate: %d\n%s\nwanted %s" % (r.returncode, r.stdout, want))
check('"beach"' not in r.stdout, "a variant the file has is not warned of: %s" % r.stdout)

# --- vitrine run: two variants of one file are two models ---
base = json.load(open(os.path.join(repo, "models", "basic-shelf.json")))
for p in base["products"]:
    p["model"] = os.path.join(repo, "models", p["model"])


def demo(name, variants):
    c = json.loads(json.dumps(base))
    for i, v in enumerate(variants):
        c["products"][i]["model"] = shoe
        c["products"][i]["variant"] = v
    path = os.path.join(tmp, name + ".json")
    json.dump(c, open(path, "w"))
    outdir = os.path.join(tmp, name)
    r = run([vitrine, "run", "--demo", "--demo-size", "640x360", "--headless", "--frames", "40", "--no-tour",
             "--catalog", path, "--out", outdir])
    check(r.returncode == 0, "run %s: %d %s" % (name, r.returncode, r.stderr[-2000:]))
    last = os.path.join(outdir, "frame_00039.png")
    return r.stderr, read_png(last) if os.path.exists(last) else None


err_two, two = demo("two", ["beach", "street"])
err_one, one = demo("one", ["beach", "beach"])
err_unk, unk = demo("unknown", ["beach", "Beige"])
check("is not in the file" not in err_two and "is not in the file" not in err_one, "no variant warning with known variants: %s" % err_two)
lines = [l for l in err_unk.splitlines() if "Beige" in l]
check(len(lines) == 1 and "warning" in lines[0] and "product mug-bleu" in lines[0] and VARIANTS in lines[0] and shoe in lines[0],
      "one warning for the unknown variant, with the product and the variants: %s" % err_unk[-2000:])
if two and one and unk:
    w, h, a = two
    b, u = one[2], unk[2]
    diff = [(x, y) for y in range(h) for x in range(w) if sum(abs(p - q) for p, q in zip(a[y][x], b[y][x])) > 60]
    print("run: %d pixels differ between beach+street and beach+beach" % len(diff))
    check(len(diff) > 500, "the second shoe shows its own variant (%d pixels differ)" % len(diff))
    if diff:
        lum = lambda px: sum(px)
        dark_two = sum(lum(a[y][x]) for x, y in diff) / len(diff)
        dark_one = sum(lum(b[y][x]) for x, y in diff) / len(diff)
        check(dark_two < dark_one - 60, "street (black) where beach (pink) was: %.0f vs %.0f" % (dark_two, dark_one))
        # Unknown: the default (midnight, blue) where the second shoe stands.
        blue = sum(u[y][x][2] - u[y][x][0] for x, y in diff) / len(diff)
        check(blue > 20, "the unknown variant's shoe shows its default, blue materials (%.0f)" % blue)
    xs, ys = [x for x, _ in diff], [y for _, y in diff]
    if diff:
        print("  where: x %d..%d, y %d..%d" % (min(xs), max(xs), min(ys), max(ys)))

shutil.rmtree(tmp, ignore_errors=True)
finish("test_variant_run")
