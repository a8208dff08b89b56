#!/usr/bin/env python3
"""Times `vitrine validate` on generated catalogs of N products (issue 22: the checks are linear).

usage: /usr/bin/python3 bench/catalog_bench.py [VITRINE] [N ...]
  VITRINE   the program (default build/vitrine); N: product counts (default 1000 5000 10000)
Each catalog is written to a temporary folder: every product with an id, marker, name, price,
promo price, dimensions, offset, rotation, url, description and the same model (models/fox...
is not needed: the model is a tiny generated OBJ, loaded once however many products share it).
Prints one line per N: products, file size, best of 3 wall and CPU (user + system) times, peak
memory of the child. The catalogs use APRILTAG_36h10, the largest dictionary (2,320 ids): up to
2,320 products they are valid (exit 0); past that the markers above 2319 are errors (exit 1),
which every check still goes through (and the 1,000-line cap on the report).
"""
import json, os, subprocess, sys, tempfile, time


def catalog(n, folder):
    with open(os.path.join(folder, "box.obj"), "w") as f:
        f.write("v 0 0 0\nv 0.1 0 0\nv 0 0.1 0\nv 0 0 0.1\nf 1 2 3\nf 1 2 4\nf 1 3 4\nf 2 3 4\n")
    products = [{"id": "product-%05d" % i, "marker": i, "name": "Product %d" % i, "brand": "Brand",
                 "category": "Shoes", "price": 10 + i % 500 + 0.99, "promo_price": 9.5,
                 "dimensions_mm": [100, 100, 100], "model": "box.obj", "scale": 1.0,
                 "offset_mm": [0, 0, 0], "rotation_deg": [0, 90, 0], "url": "https://example.com/p/%d" % i,
                 "description": "A product of the generated catalog, number %d." % i} for i in range(n)]
    doc = {"version": 1, "store": {"name": "Bench", "locale": "fr_FR", "currency": "EUR"},
           "markers": {"dictionary": "APRILTAG_36h10", "length_mm": 50}, "products": products}
    path = os.path.join(folder, "catalog-%d.json" % n)
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
    return path


def main():
    args = sys.argv[1:]
    vitrine = args.pop(0) if args and not args[0].isdigit() else "build/vitrine"
    counts = [int(a) for a in args] or [1000, 2320, 5000, 10000, 100000]
    with tempfile.TemporaryDirectory(prefix="vt_catbench_") as d:
        for n in counts:
            path = catalog(n, d)
            best = cpu = None
            for _ in range(3):
                t = time.perf_counter()
                p = subprocess.Popen([vitrine, "validate", path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                _, status, ru = os.wait4(p.pid, 0)
                dt, c = time.perf_counter() - t, ru.ru_utime + ru.ru_stime
                best = dt if best is None else min(best, dt)
                cpu = c if cpu is None else min(cpu, c)
                rss = ru.ru_maxrss / 1024
            print("%6d products  %6.2f MB  validate: wall %.3f s, CPU %.3f s (best of 3), exit %d, peak RSS %.0f MB"
                  % (n, os.path.getsize(path) / 1e6, best, cpu, os.waitstatus_to_exitcode(status), rss), flush=True)


if __name__ == "__main__":
    main()
