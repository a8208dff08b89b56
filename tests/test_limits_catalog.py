#!/usr/bin/env python3
"""Issue 22, catalogs: the limits (size, nesting, products, values, strings, prices, numbers cast
to int), data after the JSON value and duplicate keys, each through `vitrine validate` with its
exit code, one line naming the file at the place of the problem, and a bound on time. Inputs are
generated here (the over-size one is a sparse file). The speed figure is bench/catalog_bench.py's;
here the timeouts are hang guards only."""
import json, os, sys, tempfile, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import *

vitrine = sys.argv[1]
tmp = tempfile.mkdtemp(prefix="vt_limits_catalog_")
HEAD = '{"version": 1,\n "store": {"name": "S", "locale": "fr_FR", "currency": "EUR"},\n "markers": {"dictionary": "5X5_100", "length_mm": 50},\n "products": [\n'
TAIL = "\n ]}\n"


def where(text, needle, nth=0, offset=0):
    """1-based line and column (in characters) of the nth occurrence of needle, plus offset."""
    i = -1
    for _ in range(nth + 1):
        i = text.index(needle, i + 1)
    i += offset
    return text.count("\n", 0, i) + 1, i - (text.rfind("\n", 0, i) + 1) + 1


def validate(name, text, msg, anchor=None, nth=0, offset=0, code=1, timeout=60, path=None):
    """Runs validate on text (or on path); wants exit code and a line with msg, placed at anchor
    (FILE:LINE:COL) or, with anchor None, naming the file without a place."""
    if path is None:
        path = os.path.join(tmp, name + ".json")
        with open(path, "w") as f:
            f.write(text)
    t = time.monotonic()
    r = run([vitrine, "validate", path], timeout=timeout)
    dt = time.monotonic() - t
    if anchor is not None:
        l, c = where(text, anchor, nth, offset)
        want = "%s:%d:%d: error: " % (path, l, c)
    else:
        want = "%s: error: " % path
    lines = r.stdout.splitlines()
    hit = [x for x in lines if x.startswith(want) and msg in x]
    check(r.returncode == code and len(hit) == 1,
          "%s: exit %d (want %d), want one %r line at %r, got %r" % (name, r.returncode, code, msg, want,
                                                                      lines[:6] + [r.stderr[:300]]))
    check("\n" not in (hit[0] if hit else ""), "%s: one line" % name)
    return r, dt


def product(i, **kw):
    p = {"id": "p%d" % i, "marker": i, "name": "P%d" % i, "price": 1}
    p.update(kw)
    return json.dumps(p)


# --- prices and numbers the program casts or formats ---
# (name, the product's fields after its id and marker, the message, where it points)
A = '"id": "a", "marker": 1, "name": "A", '
for name, fields, msg, at in [
        ("price-1e20", A + '"price": 1e20', "over the limit of 1e+09", "1e20"),
        ("price-1e10", A + '"price": 1e10, "promo_price": 5e9', "products[0].price is 1e+10", "1e10"),
        ("promo-1e300", A + '"price": 10, "promo_price": 1e300', "promo_price must be at most", "1e300"),
        ("price-inf", A + '"price": 1e999', "price must be a number", "1e999"),
        ("price-minus-inf", A + '"price": -1e999', "price must be a number", "-1e999"),
        ("price-nan", A + '"price": NaN', "not valid JSON here", "NaN"),
        ("price-infinity", A + '"price": Infinity', "not valid JSON here", "Infinity"),
        ("marker-1e300", '"id": "a", "marker": 1e300, "price": 1', "marker 1e+300 is outside 5X5_100", "1e300"),
        ("scale-1e300", A + '"price": 1, "scale": 1e300', "scale must be at most 1e+06", "1e300"),
        ("offset-1e30", A + '"price": 1, "offset_mm": [1e30, 0, 0]', "offset_mm must be an array of 3 numbers", "[1e30")]:
    validate(name, HEAD + "  {" + fields + "}" + TAIL, msg, at)
# (name, text replaced in the header, its replacement, the message, where it points)
for name, old, new, msg, at in [
        ("lost-after-3e9", '"length_mm": 50}', '"length_mm": 50, "filter": {"lost_after_frames": 3e9}}',
         "lost_after_frames must be at most 100000", "3e9"),
        ("lost-after-minus-3e9", '"length_mm": 50}', '"length_mm": 50, "filter": {"lost_after_frames": -3e9}}',
         "lost_after_frames must be >= 1", "-3e9"),
        ("attract-1e12", '"currency": "EUR"}', '"currency": "EUR", "attract_after_s": 1e12}', "attract_after_s must be at most", "1e12")]:
    validate(name, HEAD.replace(old, new) + product(1) + TAIL, msg, at)
t = HEAD.replace('"5X5_100"', '"NO_SUCH_DICT"') + '  {"id": "a", "marker": 3e9, "name": "A", "price": 1}' + TAIL
validate("marker-3e9-no-dict", t, "marker 3000000000 is above 65535", "3e9")

# --- data after the value ---
one = HEAD + product(1) + TAIL
validate("concatenated", one + one, "more data after the catalog", "{", nth=one.count("{"))
validate("garbage", one.rstrip("\n") + " garbage\n", "more data after the catalog", "garbage")
validate("trailing-comma-value", one + ",\n", "more data after the catalog", ",\n", nth=one.count(",\n"))

# --- duplicate keys: the second one is the error, at every level ---
validate("dup-top", one.rstrip().rstrip("}") + ', "products": []}\n', 'duplicate key "products"', '"products"', nth=1)
t = HEAD.replace('"name": "S",', '"name": "S", "name": "T",') + product(1) + TAIL
validate("dup-store", t, 'duplicate key "name"', '"name"', nth=1)
t = HEAD + '  {"id": "a", "marker": 1, "name": "A", "price": 1, "price": 1000}' + TAIL
validate("dup-product", t, 'duplicate key "price"', '"price"', nth=1)
t = HEAD.replace('"length_mm": 50}', '"length_mm": 50, "filter": {"beta": 1, "beta": 2}}') + product(1) + TAIL
validate("dup-filter", t, 'duplicate key "beta"', '"beta"', nth=1)
t = '{"version": 1, "comment": {"a": {"b": [{"c": {"x": 1, "x": 2}}]}},\n "products": [%s]}\n' % product(1)
validate("dup-deep", t, 'duplicate key "x"', '"x"', nth=1)
# Equal keys in different objects are not duplicates.
t = HEAD + product(1) + ",\n  " + product(2) + TAIL
with open(os.path.join(tmp, "two.json"), "w") as f:
    f.write(t)
r = run([vitrine, "validate", os.path.join(tmp, "two.json")], timeout=60)
check(r.returncode == 0 and "duplicate" not in r.stdout, "two products with the same keys: %r" % r.stdout[:300])

# --- nesting: refused before the JSON library (which recurses) sees it ---
deep = '{"version": 1, "comment": ' + "[" * 100000 + "]" * 100000 + ', "products": []}\n'
_, dt = validate("deep-arrays", deep, "nested deeper than 64 levels", "[", nth=63, timeout=30)
check(dt < 30, "100,000 deep: refused in %.1f s" % dt)
deep = '{"a": ' * 100000 + "1" + "}" * 100000 + "\n"
validate("deep-objects", deep, "nested deeper than 64 levels", "{", nth=64, timeout=30)
# 64 levels are fine (the limit itself).
ok = '{"version": 1, "comment": ' + "[" * 63 + "]" * 63 + ', "products": [%s]}\n' % product(1)
with open(os.path.join(tmp, "deep-ok.json"), "w") as f:
    f.write(ok)
r = run([vitrine, "validate", os.path.join(tmp, "deep-ok.json")], timeout=60)
check(r.returncode == 0, "64 levels deep validates: %r" % (r.stdout[:300] + r.stderr[:300]))

# --- sizes ---
big = os.path.join(tmp, "big.json")
with open(big, "w") as f:
    f.write('{"version": 1, "products": []}')
    f.truncate(17 * 1024 * 1024)   # sparse: nothing written past the JSON
validate("over-16-MiB", None, "a catalog may have at most 16 MiB", None, path=big, timeout=30)
t = HEAD + '  {"id": "a", "marker": 1, "name": "%s", "price": 1}' % ("n" * 5000) + TAIL
validate("long-string", t, "strings (and keys) may have at most 4096", '"nnn')
t = HEAD + '  {"id": "a", "marker": 1, "name": "A", "price": 1, "%s": 1}' % ("k" * 5000) + TAIL
validate("long-key", t, "strings (and keys) may have at most 4096", '"kkk')
t = '{"version": 1, "comment": [' + ",".join(["0"] * 1000001) + '], "products": []}\n'
# Values: the root, "version", "comment", then the zeros: the 999,998th zero is one too many.
validate("million-values", t, "more than 1000000 JSON values", "0", nth=999997, timeout=60)

# --- products: 10,000 go through every check; 100,000 are refused at the 10,001st ---
# No dictionary has 10,000 markers (APRILTAG_36h10 has 2,320), so ids past 2319 are errors: the
# report keeps the first 1,000 and counts the rest. A duplicate id far from the first is found,
# naming it.
ps = [product(i) for i in range(10000)]
ps[2000] = product(0, marker=2000)
t = HEAD.replace('"5X5_100"', '"APRILTAG_36h10"') + ",\n".join(ps) + TAIL
r, dt = validate("10000-products", t, 'duplicate product id "p0" (also products[0])', '"p0"', nth=1, timeout=300)
check(any("more problems not shown" in x and x.startswith(os.path.join(tmp, "10000-products.json")) for x in r.stdout.splitlines()),
      "10,000 products: the problems past 1,000 are counted: %r" % r.stdout.splitlines()[-1:])
check(len(r.stdout.splitlines()) <= 1001, "10,000 products: at most 1,001 lines (%d)" % len(r.stdout.splitlines()))
print("10,000 products validated in %.2f s (hang guard 300 s; the figure is the bench's)" % dt)
ps = [product(i, marker=i % 2320) for i in range(2320)]
t = HEAD.replace('"5X5_100"', '"APRILTAG_36h10"') + ",\n".join(ps) + TAIL
with open(os.path.join(tmp, "2320.json"), "w") as f:
    f.write(t)
r = run([vitrine, "validate", os.path.join(tmp, "2320.json")], timeout=300)
check(r.returncode == 0 and "OK, 2320 products" in r.stderr, "2,320 products validate: %r" % (r.stdout[:300] + r.stderr[-300:]))
ps = ['{"id":"p%d","marker":%d,"price":1}' % (i, i) for i in range(100000)]
t = '{"version":1,"products":[' + ",".join(ps) + "]}\n"
_, dt = validate("100000-products", t, "more than 10000 products", '{"id":"p10000"', timeout=60)
print("100,000 products refused in %.2f s" % dt)

# --- not a regular file ---
fifo = os.path.join(tmp, "fifo.json")
os.mkfifo(fifo)
validate("fifo", None, "not a regular file", None, path=fifo, timeout=30)

finish("test_limits_catalog")
