"""Helpers for the whole-program tests: run the real vitrine binary, score against truth."""
import json, math, os, subprocess, sys

PASSED = 0
FAILED = 0


def check(cond, what):
    global PASSED, FAILED
    if cond:
        PASSED += 1
    else:
        FAILED += 1
        print("FAIL: " + what, flush=True)


def finish(name):
    print("%s: %d passed, %d failed" % (name, PASSED, FAILED))
    sys.exit(1 if FAILED else 0)


def shared_or_skip(shared, sub):
    p = os.path.join(shared, sub)
    if not os.path.exists(p):
        print("SKIP: %s is absent (the shared test material)" % p)
        sys.exit(77)
    return p


def run(args, timeout=600, **kw):
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL, **kw)


def jsonl(text):
    return [json.loads(l) for l in text.splitlines() if l.strip().startswith("{")]


def truth(bench):
    return json.load(open(os.path.join(bench, "truth.json")))


def intrinsics_arg(t):
    c = t["camera"]
    return "%r,%r,%r,%r" % (c["fx"], c["fy"], c["cx"], c["cy"])


def score(shared, bench, detections_text):
    """Runs shared/tools/score.py on detections; returns its summary dict."""
    path = os.path.join(os.environ.get("TMPDIR", "/tmp"), "vt_score_%d.jsonl" % os.getpid())
    with open(path, "w") as f:
        f.write(detections_text)
    py = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
    r = run([py, os.path.join(shared, "tools", "score.py"), os.path.join(bench, "truth.json"), path])
    os.unlink(path)
    if r.returncode != 0:
        raise RuntimeError("score.py failed: " + r.stderr)
    return json.loads(r.stdout.strip().splitlines()[-1])


def rodrigues(v):
    th = math.sqrt(sum(x * x for x in v))
    if th < 1e-12:
        return [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    k = [x / th for x in v]
    c, s, C = math.cos(th), math.sin(th), 1 - math.cos(th)
    x, y, z = k
    return [[c + x * x * C, x * y * C - z * s, x * z * C + y * s],
            [y * x * C + z * s, c + y * y * C, y * z * C - x * s],
            [z * x * C - y * s, z * y * C + x * s, c + z * z * C]]


def rot_err_deg(a, b):
    A, B = rodrigues(a), rodrigues(b)
    tr = sum(A[k][i] * B[k][i] for i in range(3) for k in range(3))
    return math.degrees(math.acos(max(-1.0, min(1.0, (tr - 1) / 2))))
