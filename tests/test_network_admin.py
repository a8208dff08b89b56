#!/usr/bin/env python3
"""The shop network's PostgreSQL side (issue 20), against a real server started here
(tests/pg_server.py): `vitrine network init` (migrations recorded once, a newer schema refused,
monthly partitions), add-kiosk (two stores; a kiosk in another store refused; a new password),
publish (the bundled catalog and a catalog of an OBJ with its .mtl: rows, content addresses, paths
consistent with the stored catalog; a missing model, bad JSON or a path climbing out refused with
nothing written), what a kiosk's own role may and may not do over TCP with its password, `vitrine
stats --db` (table, JSON, CSV) from events inserted as the superuser, `network kiosks`, and
`maintain` dropping a partition older than the months kept."""
import hashlib, json, os, shutil, struct, subprocess, sys, tempfile, zlib
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import *
from pg_server import pg_or_skip

vitrine = sys.argv[1]
repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
tmp = tempfile.mkdtemp(prefix="vt_net_admin_")
os.chmod(tmp, 0o755)

BOX_OBJ = """mtllib box.mtl
o box
v -0.05 0 -0.05
v 0.05 0 -0.05
v 0.05 0.1 -0.05
v -0.05 0.1 -0.05
v -0.05 0 0.05
v 0.05 0 0.05
v 0.05 0.1 0.05
v -0.05 0.1 0.05
usemtl red
f 1 2 3 4
f 5 8 7 6
f 1 5 6 2
f 2 6 7 3
f 3 7 8 4
f 5 1 4 8
"""
BOX_MTL = "newmtl red\nKd 0.8 0.1 0.1\n"


def tri_gltf(bin_uri):
    """A one-triangle glTF whose buffer is a file of its own (bin_uri, relative to the .gltf)."""
    data = struct.pack("<9f", -0.05, 0, 0, 0.05, 0, 0, 0, 0.1, 0)
    doc = {"asset": {"version": "2.0"}, "scene": 0, "scenes": [{"nodes": [0]}], "nodes": [{"mesh": 0}],
           "meshes": [{"primitives": [{"attributes": {"POSITION": 0}}]}],
           "accessors": [{"bufferView": 0, "componentType": 5126, "count": 3, "type": "VEC3",
                          "min": [-0.05, 0, 0], "max": [0.05, 0.1, 0]}],
           "bufferViews": [{"buffer": 0, "byteLength": len(data)}],
           "buffers": [{"uri": bin_uri, "byteLength": len(data)}]}
    return json.dumps(doc), data


def png_1x1():
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xc0\x40\x40")) + chunk(b"IEND", b""))


def tri_glb(image_uri):
    """The triangle as a .glb (its buffer inside) with a texture image that is a file beside it."""
    doc, data = tri_gltf(None)
    doc = json.loads(doc)
    del doc["buffers"][0]["uri"]
    doc["images"] = [{"uri": image_uri}]
    doc["textures"] = [{"source": 0}]
    doc["materials"] = [{"pbrMetallicRoughness": {"baseColorTexture": {"index": 0}}}]
    doc["meshes"][0]["primitives"][0]["material"] = 0
    js = json.dumps(doc).encode()
    js += b" " * (-len(js) % 4)
    data += b"\0" * (-len(data) % 4)
    body = struct.pack("<I4s", len(js), b"JSON") + js + struct.pack("<I4s", len(data), b"BIN\0") + data
    return struct.pack("<4sII", b"glTF", 2, 12 + len(body)) + body


def download(pg, store, version, into):
    """What a kiosk does with a publication: catalog.json and each file at its path beside it."""
    text = pg.sql("SELECT catalog FROM vitrine.catalog_versions WHERE store = %s AND version = %s", (store, version))[0][0]
    write(os.path.join(into, "catalog.json"), text)
    for path, sha in pg.sql("SELECT path, sha256 FROM vitrine.catalog_models WHERE store = %s AND version = %s",
                            (store, version)):
        dst = os.path.join(into, path)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(dst, "wb") as f:
            f.write(bytes(pg.sql("SELECT data FROM vitrine.models WHERE sha256 = %s", (sha,))[0][0]))
    return os.path.join(into, "catalog.json")


def net(*args, stdin=None):
    return subprocess.run([vitrine, "network"] + list(args), capture_output=True, text=True, timeout=600,
                          input=stdin if stdin is not None else "")


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    return path


def catalog_json(products):
    return json.dumps({"version": 1, "store": {"name": "Test", "locale": "en_GB", "currency": "EUR"},
                       "markers": {"dictionary": "5X5_100", "length_mm": 60}, "products": products}, indent=1)


def versions(pg, store):
    return pg.sql("SELECT count(*) FROM vitrine.catalog_versions WHERE store = %s", (store,))[0][0]


pg = None
try:
    pg = pg_or_skip()
    import psycopg2
    url = pg.admin_url

    # ---- init: migrations once, a newer schema refused, partitions ----
    r = net("init", "--db", url)
    check(r.returncode == 0 and "1 migration(s) applied" in r.stdout, "init: %d %r %r" % (r.returncode, r.stdout, r.stderr))
    r = net("init", "--db", url)
    check(r.returncode == 0 and "0 migration(s) applied" in r.stdout, "init again applies nothing: %r %r" % (r.stdout, r.stderr))
    rows = pg.sql("SELECT version FROM vitrine.schema_migrations ORDER BY 1")
    check(rows == [(1,)], "schema_migrations: %r" % rows)
    parts = [p for (p,) in pg.sql("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                                  " WHERE i.inhparent = 'vitrine.events'::regclass ORDER BY 1")]
    months = pg.sql("SELECT to_char(date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => m), "
                    "'\"events_\"YYYY_MM') FROM generate_series(-1, 12) m")
    missing = [m for (m,) in months if m not in parts]
    check(not missing and "events_default" in parts, "partitions last month .. 12 ahead: missing %r of %r" % (missing, parts))
    pg.sql("INSERT INTO vitrine.schema_migrations (version, description) VALUES (99, 'from the future')")
    r = net("init", "--db", url)
    check(r.returncode == 1 and "newer" in r.stderr and len(r.stderr.strip().splitlines()) == 1,
          "a newer schema refused on one line: %d %r" % (r.returncode, r.stderr))
    pg.sql("DELETE FROM vitrine.schema_migrations WHERE version = 99")
    # Two migrators at once (the advisory lock): both succeed, the migration recorded once.
    procs = [subprocess.Popen([vitrine, "network", "init", "--db", url], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    check(all(p.returncode == 0 for p in procs), "two init at once: %r" % outs)

    # ---- kiosks ----
    pw_a, pw_b = "correct-horse-battery-a1", "Another-Long-Password-b1"
    pwfile = write(os.path.join(tmp, "pw_a"), pw_a + "\n")
    r = net("add-kiosk", "--db", url, "--store", "store-a", "--password-file", pwfile, "k-a1")
    check(r.returncode == 0 and "vitrine_kiosk_k_a1" in r.stdout, "add-kiosk a: %r %r" % (r.stdout, r.stderr))
    r = net("add-kiosk", "--db", url, "--store", "store-b", "k-b1", stdin=pw_b + "\n")
    check(r.returncode == 0, "add-kiosk b from stdin: %r" % r.stderr)
    r = net("add-kiosk", "--db", url, "--store", "store-b", "k-a1", stdin="yet-another-password\n")
    check(r.returncode != 0 and "already in store 'store-a'" in r.stderr, "a kiosk in another store refused: %r" % r.stderr)
    r = net("add-kiosk", "--db", url, "--store", "store-a", "k-short", stdin="short\n")
    check(r.returncode == 2 and "12 characters" in r.stderr, "a short password refused: %r" % r.stderr)
    r = net("add-kiosk", "--db", url, "--store", "store-a", "bad/name", stdin=pw_a + "\n")
    check(r.returncode == 2 and "bad/name" in r.stderr, "a bad kiosk name refused: %r" % r.stderr)
    check(pw_a not in r.stderr + r.stdout, "the password is never printed")
    rows = pg.sql("SELECT name, store, role FROM vitrine.kiosks ORDER BY 1")
    check(rows == [("k-a1", "store-a", "vitrine_kiosk_k_a1"), ("k-b1", "store-b", "vitrine_kiosk_k_b1")], "kiosks: %r" % rows)
    member = pg.sql("SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member JOIN pg_roles g"
                    " ON g.oid = m.roleid WHERE g.rolname = 'vitrine_kiosk' AND r.rolname LIKE 'vitrine_kiosk_k_%'")[0][0]
    check(member == 2, "both roles members of vitrine_kiosk: %r" % member)
    # The same kiosk and store again: a new password, the old one no longer works.
    pw_a2 = "a-brand-new-password-a1"
    r = net("add-kiosk", "--db", url, "--store", "store-a", "k-a1", stdin=pw_a2 + "\n")
    check(r.returncode == 0, "the password changed: %r" % r.stderr)
    try:
        psycopg2.connect(pg.tcp_url("vitrine_kiosk_k_a1", pw_a)).close()
        check(False, "the old password still works")
    except psycopg2.OperationalError:
        pass

    # ---- publish ----
    cat_a = os.path.join(repo, "models", "basic-shelf.json")
    with open(cat_a) as f:
        products_a = json.load(f)["products"]
    r = net("publish", "--db", url, "--store", "store-a", "--by", "tester", "--summary", "first", cat_a)
    check(r.returncode == 0 and "version 1" in r.stdout, "publish a: %d %r %r" % (r.returncode, r.stdout, r.stderr))
    want = {p["model"] for p in products_a if "model" in p}
    rows = pg.sql("SELECT path, sha256 FROM vitrine.catalog_models WHERE store = 'store-a' AND version = 1")
    check({p for p, _ in rows} == want, "catalog_models paths %r, want %r" % (rows, want))
    for path, sha in rows:
        with open(os.path.join(repo, "models", path), "rb") as f:
            data = f.read()
        check(sha == hashlib.sha256(data).hexdigest(), "%s: sha256" % path)
        stored = pg.sql("SELECT size, data FROM vitrine.models WHERE sha256 = %s", (sha,))
        check(stored and stored[0][0] == len(data) and bytes(stored[0][1]) == data, "%s: its bytes stored" % path)
    row = pg.sql("SELECT catalog, published_by, summary FROM vitrine.catalog_versions WHERE store = 'store-a' AND version = 1")
    check(row and row[0][1:] == ("tester", "first"), "catalog_versions row: %r" % ((row[0][1:] if row else None),))
    refs = {p["model"] for p in json.loads(row[0][0])["products"] if "model" in p} if row else set()
    check(refs == want, "the stored catalog names the paths of catalog_models: %r" % refs)
    nmodels = pg.sql("SELECT count(*) FROM vitrine.models")[0][0]
    r = net("publish", "--db", url, "--store", "store-a", cat_a)
    check(r.returncode == 0 and "version 2" in r.stdout, "publish a again: %r %r" % (r.stdout, r.stderr))
    check(pg.sql("SELECT count(*) FROM vitrine.models")[0][0] == nmodels, "models stored once by content")

    # Store B: an OBJ with its .mtl, named "./shapes/box.obj" (rewritten to the plain path).
    dir_b = os.path.join(tmp, "b")
    write(os.path.join(dir_b, "shapes", "box.obj"), BOX_OBJ)
    write(os.path.join(dir_b, "shapes", "box.mtl"), BOX_MTL)
    cat_b = write(os.path.join(dir_b, "catalog.json"), catalog_json(
        [{"id": "box", "marker": 7, "name": "Box", "price": 5, "model": "./shapes/box.obj", "dimensions_mm": [100, 100, 100]}]))
    r = net("publish", "--db", url, "--store", "store-b", cat_b)
    check(r.returncode == 0 and "version 1" in r.stdout, "publish b: %r %r" % (r.stdout, r.stderr))
    rows = dict(pg.sql("SELECT path, sha256 FROM vitrine.catalog_models WHERE store = 'store-b' AND version = 1"))
    check(set(rows) == {"shapes/box.obj", "shapes/box.mtl"}, "store b's files, the .mtl followed: %r" % rows)
    check(rows.get("shapes/box.obj") == hashlib.sha256(BOX_OBJ.encode()).hexdigest(), "box.obj's sha256")
    text = pg.sql("SELECT catalog FROM vitrine.catalog_versions WHERE store = 'store-b'")[0][0]
    check(json.loads(text)["products"][0]["model"] == "shapes/box.obj", "the model path rewritten plain: %r" % text[:200])

    # A console role (member of vitrine_console, no other right) publishes; two at once queue.
    pg.sql("CREATE ROLE shop_console LOGIN PASSWORD 'console-password-123' IN ROLE vitrine_console")
    console_url = pg.tcp_url("shop_console", "console-password-123")
    procs = [subprocess.Popen([vitrine, "network", "publish", "--db", console_url, "--store", "store-b", cat_b],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    check(all(p.returncode == 0 for p in procs), "two publications by the console role at once: %r" % outs)
    got = sorted(v for (v,) in pg.sql("SELECT version FROM vitrine.catalog_versions WHERE store = 'store-b'"))
    check(got == [1, 2, 3], "store b's versions: %r" % got)

    # A glTF whose buffer lies in another folder ("../bin/tri.bin" from "m/tri.gltf") and a .glb
    # whose texture is a file beside it: both followed.
    dir_c = os.path.join(tmp, "c")
    gltf, gbin = tri_gltf("../bin/tri.bin")
    write(os.path.join(dir_c, "m", "tri.gltf"), gltf)
    os.makedirs(os.path.join(dir_c, "bin"))
    with open(os.path.join(dir_c, "bin", "tri.bin"), "wb") as f:
        f.write(gbin)
    with open(os.path.join(dir_c, "m", "tri.glb"), "wb") as f:
        f.write(tri_glb("tex/red.png"))
    os.makedirs(os.path.join(dir_c, "m", "tex"))
    with open(os.path.join(dir_c, "m", "tex", "red.png"), "wb") as f:
        f.write(png_1x1())
    cat_c = write(os.path.join(dir_c, "catalog.json"), catalog_json(
        [{"id": "tri", "marker": 3, "name": "Tri", "price": 2, "model": "m/tri.gltf", "dimensions_mm": [100, 100, 10]},
         {"id": "trib", "marker": 4, "name": "Tri B", "price": 2, "model": "m/tri.glb", "dimensions_mm": [100, 100, 10]}]))
    r = net("publish", "--db", url, "--store", "store-c", cat_c)
    check(r.returncode == 0, "publish c (glTF + .bin): %r %r" % (r.stdout, r.stderr))
    got = {p for (p,) in pg.sql("SELECT path FROM vitrine.catalog_models WHERE store = 'store-c'")}
    check(got == {"m/tri.gltf", "bin/tri.bin", "m/tri.glb", "m/tex/red.png"}, "store c's files, the .gltf's buffer and the"
          " .glb's image followed: %r" % got)
    # What the kiosks download passes validate as it is: the stored catalog and the paths agree.
    for store, version in (("store-a", 1), ("store-b", 1), ("store-c", 1)):
        got = download(pg, store, version, os.path.join(tmp, "dl", store))
        r = run([vitrine, "validate", got])
        check(r.returncode == 0, "%s v%d as downloaded validates: %r %r" % (store, version, r.stdout[-600:], r.stderr[-300:]))

    # Refused publications: nothing written.
    before = (versions(pg, "store-a"), pg.sql("SELECT count(*) FROM vitrine.catalog_models")[0][0])
    bad_json = write(os.path.join(tmp, "bad", "catalog.json"), '{"version": 1, "products": [')
    missing = write(os.path.join(tmp, "missing", "catalog.json"), catalog_json(
        [{"id": "x", "marker": 1, "name": "X", "price": 1, "model": "nope.glb"}]))
    write(os.path.join(tmp, "up", "box.obj"), BOX_OBJ)
    write(os.path.join(tmp, "up", "box.mtl"), BOX_MTL)
    climbing = write(os.path.join(tmp, "up", "sub", "catalog.json"), catalog_json(
        [{"id": "x", "marker": 1, "name": "X", "price": 1, "model": "../box.obj"}]))
    for what, path in (("bad JSON", bad_json), ("a missing model", missing), ("a path with ..", climbing)):
        r = net("publish", "--db", url, "--store", "store-a", path)
        lines = r.stderr.strip().splitlines()
        check(r.returncode == 1 and len(lines) == 1 and path in lines[0], "%s refused on one line naming the file: %d %r"
              % (what, r.returncode, r.stderr))
    after = (versions(pg, "store-a"), pg.sql("SELECT count(*) FROM vitrine.catalog_models")[0][0])
    check(before == after, "refused publications wrote nothing: %r -> %r" % (before, after))

    # ---- a kiosk's role over TCP: its own store, nothing else ----
    ka = psycopg2.connect(pg.tcp_url("vitrine_kiosk_k_a1", pw_a2))
    ka.autocommit = True

    def kq(sql, args=None):
        with ka.cursor() as cur:
            cur.execute(sql, args)
            return cur.fetchall() if cur.description else cur.rowcount

    def refused(sql, args=None):
        try:
            kq(sql, args)
            return False
        except psycopg2.Error:
            return True

    check(kq("SELECT count(*) FROM vitrine.catalog_versions")[0][0] == 2, "kiosk a reads its store's 2 versions")
    check(kq("SELECT count(*) FROM vitrine.catalog_versions WHERE store = 'store-b'")[0][0] == 0, "kiosk a: no store b catalog")
    check(kq("SELECT count(*) FROM vitrine.catalog_models WHERE store = 'store-b'")[0][0] == 0, "kiosk a: no store b paths")
    check(kq("SELECT count(*) FROM vitrine.models WHERE sha256 = %s", (rows["shapes/box.obj"],))[0][0] == 0,
          "kiosk a: store b's model invisible")
    sha_a = pg.sql("SELECT sha256 FROM vitrine.catalog_models WHERE store = 'store-a' LIMIT 1")[0][0]
    check(kq("SELECT count(*) FROM vitrine.models WHERE sha256 = %s", (sha_a,))[0][0] == 1, "kiosk a: its own model readable")
    check(refused("SELECT count(*) FROM vitrine.events"), "kiosk a cannot read events")
    ins = ("INSERT INTO vitrine.events (origin, seq, kiosk, store, session, ts, type) VALUES "
           "('00000000-0000-0000-0000-00000000000a', %s, %s, %s, 1, now(), 'product_found')")
    check(refused(ins, (1, "k-b1", "store-b")), "kiosk a cannot insert an event as kiosk b")
    check(refused(ins, (2, "k-a1", "store-b")), "kiosk a cannot insert an event for store b")
    check(not refused(ins, (3, "k-a1", "store-a")), "kiosk a inserts its own event")
    check(kq("UPDATE vitrine.kiosks SET fps = 99 WHERE name = 'k-b1'") == 0, "kiosk a updates no row of kiosk b")
    check(pg.sql("SELECT fps FROM vitrine.kiosks WHERE name = 'k-b1'")[0][0] is None, "kiosk b's row unchanged")
    check(kq("UPDATE vitrine.kiosks SET fps = 30 WHERE name = 'k-a1'") == 1, "kiosk a updates its own row")
    check(refused("CREATE TABLE vitrine.mine (x int)"), "kiosk a cannot create tables in vitrine")
    check(refused("CREATE TABLE public.mine (x int)"), "kiosk a cannot create tables in public")
    check(refused("INSERT INTO vitrine.catalog_versions (store, version, catalog) VALUES ('store-a', 9, '{}')"),
          "kiosk a cannot publish")
    check(refused("SELECT vitrine.ensure_partition('2030-01-01')"), "kiosk a cannot make partitions")
    ka.close()

    # ---- figures: stats --db and network kiosks ----
    pg.sql("DELETE FROM vitrine.events")
    ev = []
    for kiosk, store, n in (("k-a1", "store-a", 3), ("k-b1", "store-b", 2)):
        for i in range(n):
            ev += [(kiosk, store, "product_found", "mug-bleu", "Mug Bleu", None), (kiosk, store, "product_lost", "mug-bleu",
                   "Mug Bleu", 2.5), (kiosk, store, "card_opened", "mug-bleu", "Mug Bleu", None)]
        ev.append((kiosk, store, "basket_add", "mug-bleu", "Mug Bleu", None))
    for seq, (kiosk, store, typ, pid, pname, dwell) in enumerate(ev):
        pg.sql("INSERT INTO vitrine.events (origin, seq, kiosk, store, session, ts, type, product_id, product_name,"
               " dwell_seconds) VALUES ('00000000-0000-0000-0000-000000000001', %s, %s, %s, 1, now(), %s, %s, %s, %s)",
               (seq, kiosk, store, typ, pid, pname, dwell))
    r = run([vitrine, "stats", "--db", url, "--json"])
    check(r.returncode == 0, "stats --db --json: %r" % r.stderr)
    s = json.loads(r.stdout) if r.returncode == 0 else {}
    t = s.get("totals", {})
    check(t.get("found") == 5 and t.get("card_opens") == 5 and t.get("basket_adds") == 2 and abs(t.get("dwell_seconds", 0) - 12.5) < 1e-6,
          "totals: %r" % t)
    by_store = {x["store"]: x["found"] for x in s.get("stores", [])}
    check(by_store == {"store-a": 3, "store-b": 2}, "per store: %r" % by_store)
    check({(x["kiosk"], x["store"]) for x in s.get("kiosks", [])} == {("k-a1", "store-a"), ("k-b1", "store-b")},
          "per kiosk: %r" % s.get("kiosks"))
    check(len(s.get("products", [])) == 2 and all(p["name"] == "Mug Bleu" for p in s["products"]), "per product: %r" % s.get("products"))
    r = run([vitrine, "stats", "--db", url])
    check(r.returncode == 0 and "store-a" in r.stdout and "k-b1 (store-b)" in r.stdout and "Mug Bleu" in r.stdout
          and "5 product views" in r.stdout, "stats --db table: %r %r" % (r.stdout, r.stderr))
    r = run([vitrine, "stats", url, "--csv"])
    lines = r.stdout.splitlines()
    check(r.returncode == 0 and lines and lines[0].startswith("section,store,kiosk") and "total,,,,,5,12.5,5,2,0.40" in lines,
          "stats URL --csv: %r" % lines)
    r = run([vitrine, "stats", "--db", console_url, "--json"])
    check(r.returncode == 0 and json.loads(r.stdout)["totals"]["found"] == 5, "stats --db as the console role: %r" % r.stderr)
    r = run([vitrine, "stats", "--db", url, "--json", "--from", "2099-01-01"])
    check(r.returncode == 0 and json.loads(r.stdout)["totals"]["found"] == 0, "--from in the future: %r" % r.stdout)
    r = run([vitrine, "network", "kiosks", "--db", url, "--json"])
    ks = json.loads(r.stdout) if r.returncode == 0 else []
    check([k["name"] for k in ks] == ["k-a1", "k-b1"] and ks[0]["fps"] == 30, "network kiosks --json: %r %r" % (ks, r.stderr))
    r = run([vitrine, "network", "kiosks", "--db", url])
    check(r.returncode == 0 and "k-a1" in r.stdout and "store-b" in r.stdout, "network kiosks: %r" % r.stdout)

    # ---- maintain: a partition of two years ago dropped with --keep-months 12 ----
    pg.sql("SET TIME ZONE 'UTC'; SELECT vitrine.ensure_partition((date_trunc('month', now()) - interval '24 months')::date)")
    old = pg.sql("SELECT to_char(now() AT TIME ZONE 'UTC' - interval '24 months', '\"events_\"YYYY_MM')")[0][0]
    check(pg.sql("SELECT to_regclass('vitrine.' || %s) IS NOT NULL", (old,))[0][0], "the old partition made: %s" % old)
    pg.sql("INSERT INTO vitrine.events (origin, seq, kiosk, store, session, ts, type) VALUES "
           "('00000000-0000-0000-0000-000000000002', 1, 'k-a1', 'store-a', 1, now() - interval '24 months', 'product_found')")
    r = net("maintain", "--db", url, "--keep-months", "12")
    check(r.returncode == 0 and "1 old partition(s) dropped" in r.stdout, "maintain: %r %r" % (r.stdout, r.stderr))
    check(not pg.sql("SELECT to_regclass('vitrine.' || %s) IS NOT NULL", (old,))[0][0], "the old partition is gone")
    left = pg.sql("SELECT count(*) FROM vitrine.events WHERE ts < now() - interval '13 months'")[0][0]
    check(left == 0, "its visits are gone: %r" % left)
    check(pg.sql("SELECT count(*) FROM vitrine.events")[0][0] == len(ev), "this month's visits kept")
    r = net("maintain", "--db", url, "--keep-months", "12")
    check(r.returncode == 0 and "0 old partition(s) dropped" in r.stdout, "maintain again: %r" % r.stdout)
    # ---- the deployment of docs/network.md: a migrating owner role that is not a superuser ----
    pg.sql("CREATE ROLE vitrine_admin LOGIN CREATEROLE PASSWORD 'admin-password-123'")
    pg.sql("CREATE DATABASE shop OWNER vitrine_admin")
    admin = pg.tcp_url("vitrine_admin", "admin-password-123").rsplit("/", 1)[0] + "/shop"
    # Two migrators at once on the fresh database: the lock lets one migrate, the other finds it done.
    procs = [subprocess.Popen([vitrine, "network", "init", "--db", admin], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    applied = sorted(o for o, _ in outs)
    check(all(p.returncode == 0 for p in procs) and "0 migration(s)" in applied[0] and "1 migration(s)" in applied[1],
          "two init at once as the owner role: %r" % outs)
    r = net("add-kiosk", "--db", admin, "--store", "roubaix", "rbx-1", stdin="rbx-password-12345\n")
    check(r.returncode == 0, "add-kiosk as the owner role: %r" % r.stderr)
    r = net("publish", "--db", admin, "--store", "roubaix", cat_b)
    check(r.returncode == 0 and "version 1" in r.stdout, "publish as the owner role: %r" % r.stderr)
    r = net("maintain", "--db", admin, "--keep-months", "6")
    check(r.returncode == 0, "maintain as the owner role: %r" % r.stderr)
    r = net("init", "--db", pg.tcp_url("vitrine_kiosk_rbx_1", "rbx-password-12345").rsplit("/", 1)[0] + "/shop")
    check(r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1, "a kiosk role cannot migrate: %r" % r.stderr)
finally:
    if pg:
        pg.destroy()
    shutil.rmtree(tmp, ignore_errors=True)

finish("test_network_admin")
