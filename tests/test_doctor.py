#!/usr/bin/env python3
"""`vitrine doctor`: on this machine (no camera, Mesa's llvmpipe) the bundled catalog passes with
warnings and exit 0, a line for every check, --json the same; a catalog error is a blocker naming
FILE:LINE:COL (exit 1); a missing model and a character no font has are warnings; bad options exit 2."""
import json, os, shutil, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import *

vitrine = sys.argv[1]
repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
bundled = os.path.join(repo, "models", "catalog.json")
CHECKS = ["catalog", "cameras", "renderer", "fonts", "models", "disk", "time_zone", "network", "translations"]
tmp = tempfile.mkdtemp(prefix="vt_doctor_")
env = dict(os.environ, VITRINE_STATE_DIR=os.path.join(tmp, "state"), LANGUAGE="", LC_ALL="C.UTF-8")


def doctor(*args):
    return run([vitrine, "doctor"] + list(args), timeout=300, env=env)


def by_check(r):
    """--json's checks by id."""
    try:
        return {c["check"]: c for c in json.loads(r.stdout)["checks"]}
    except (ValueError, KeyError, TypeError) as e:
        check(False, "doctor --json is not the JSON documented: %s: %r" % (e, r.stdout[:300]))
        return {}


try:
    r = doctor("--help")
    check(r.returncode == 0 and "--catalog FILE" in r.stdout and "--json" in r.stdout and "docs/doctor.md" in r.stdout,
          "doctor --help: %r" % r.stdout[:200])
    check("doctor" in run([vitrine, "--help"]).stdout, "vitrine --help names doctor")
    for bad in (["--bogus"], ["--catalog"], ["extra"]):
        r = doctor(*bad)
        check(r.returncode == 2 and "doctor" in r.stderr, "doctor %s -> exit %d %r (want 2)" % (bad, r.returncode, r.stderr))

    # The bundled catalog: no blocker here (warnings for the camera, llvmpipe, the UTC machine).
    r = doctor("--catalog", bundled)
    check(r.returncode == 0, "bundled catalog: exit %d\n%s%s" % (r.returncode, r.stdout, r.stderr))
    lines = r.stdout.splitlines()
    for title in ("catalog:", "cameras:", "renderer:", "fonts:", "models:", "free disk:", "time zone:", "network database:",
                  "translations:"):
        hit = [l for l in lines if l.split(" ", 1)[-1].lstrip().startswith(title)]
        check(len(hit) == 1 and hit[0].split()[0] in ("ok", "warning", "blocker"), "one line for %s in %r" % (title, r.stdout))
    check(any("0 blockers" in l for l in lines), "the summary counts no blocker: %r" % lines[-1:])
    j = doctor("--catalog", bundled, "--json")
    checks = by_check(j)
    check(j.returncode == 0 and sorted(checks) == sorted(CHECKS), "--json: exit %d, checks %s" % (j.returncode, sorted(checks)))
    check(all(c["status"] in ("ok", "warning", "blocker") and isinstance(c["details"], list) for c in checks.values()),
          "--json statuses: %s" % [c.get("status") for c in checks.values()])
    if checks:
        check(checks["catalog"]["status"] == "ok" and checks["models"]["status"] == "ok", "bundled catalog and models ok: %s, %s"
              % (checks["catalog"]["message"], checks["models"]["message"]))
        check(checks["network"]["status"] == "ok" and "not configured" in checks["network"]["message"], checks["network"]["message"])
        ren = checks["renderer"]
        if "llvmpipe" in ren["message"]:
            check(ren["status"] == "warning" and "frames/s at 1080p" in ren["message"], "llvmpipe: %s" % ren["message"])
        if not [n for n in os.listdir("/dev") if n.startswith("video")]:
            check(checks["cameras"]["status"] == "warning" and "no camera" in checks["cameras"]["message"], checks["cameras"]["message"])
        check("Latn" in checks["fonts"]["message"] and checks["fonts"]["status"] == "ok", checks["fonts"]["message"])
        check(checks["translations"]["status"] in ("ok", "warning") and "fr" in checks["translations"]["message"],
              checks["translations"]["message"])
        ws = json.loads(j.stdout)
        check(ws["blockers"] == 0 and ws["ok"] + ws["warnings"] == len(CHECKS), "counts: %s" % ws)

    # A catalog error: a blocker with FILE:LINE:COL on the catalog's line; exit 1.
    bad = os.path.join(tmp, "bad.json")
    with open(bad, "w") as f:
        f.write('{"version": 1, "store": {"name": "X", "locale": "fr_FR", "currency": "EUR"},\n'
                ' "products": [{"id": "a", "marker": 1, "name": "A", "price": "oops"}]}\n')
    r = doctor("--catalog", bad)
    line = next((l for l in r.stdout.splitlines() if "catalog:" in l), "")
    check(r.returncode == 1 and line.startswith("blocker") and bad + ":2:" in line, "bad catalog: exit %d, %r" % (r.returncode, line))
    check(any("1 blocker" in l for l in r.stdout.splitlines()), "summary names the blocker: %r" % r.stdout[-200:])
    r = doctor("--catalog", os.path.join(tmp, "absent.json"), "--json")
    c = by_check(r).get("catalog", {})
    check(r.returncode == 1 and c.get("status") == "blocker", "absent catalog: exit %d %s" % (r.returncode, c))

    # A missing model: a warning (the display shows a placeholder); a character no font has
    # (U+E123, private use; and Ol Chiki, which few machines have): a warning naming it.
    with open(bundled) as f:
        cat = json.load(f)
    for p in cat["products"]:
        p["model"] = os.path.join(repo, "models", p["model"])
    cat["products"][1]["model"] = os.path.join(tmp, "missing.glb")
    cat["products"][0]["name"] = "Runner \u1c5a\u1c5b"
    cat["products"][2]["brand"] = "Moulin \ue123"
    warn = os.path.join(tmp, "warn.json")
    with open(warn, "w") as f:
        json.dump(cat, f, ensure_ascii=False)
    r = doctor("--catalog", warn, "--json")
    checks = by_check(r)
    check(r.returncode == 0, "missing model and font: no blocker, exit %d %s" % (r.returncode, r.stderr))
    if checks:
        m = checks["models"]
        check(m["status"] == "warning" and any(cat["products"][1]["id"] in d and "missing.glb" in d for d in m["details"]), "models: %s" % m)
        fo = checks["fonts"]
        check(fo["status"] == "warning" and "U+E123" in fo["message"] and any(cat["products"][2]["id"] + " brand" in d for d in fo["details"]),
              "fonts: %s" % fo)
        check(checks["catalog"]["status"] == "ok", checks["catalog"]["message"])

    # A stream as the catalog's camera: no V4L2 camera needed.
    cat = json.load(open(bundled))
    for p in cat["products"]:
        p["model"] = os.path.join(repo, "models", p["model"])
    cat["camera"] = {"source": "rtsp://192.0.2.1/stream"}
    stream = os.path.join(tmp, "stream.json")
    json.dump(cat, open(stream, "w"))
    c = by_check(doctor("--catalog", stream, "--json")).get("cameras", {})
    check(c.get("status") == "ok" and "rtsp://192.0.2.1/stream" in c.get("message", ""), "stream camera: %s" % c)
finally:
    shutil.rmtree(tmp, ignore_errors=True)

finish("test_doctor")
