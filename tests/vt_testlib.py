"""Helpers for the whole-program tests: run the real vitrine binary, score against truth."""
import atexit, base64, json, math, os, select, shutil, struct, subprocess, sys, tempfile, threading, time


def _private_folders():
    """Every test and the vitrine processes it starts get their own settings, state and pictures
    folders (the XDG variables, docs/install.md), so a test never writes into the user's home or
    the source tree, nor reads a staff's ~/.config/vitrine/catalog.json. Removed at exit. A test
    that wants other values passes its own env to the process."""
    home = tempfile.mkdtemp(prefix="vt_test_home_")
    atexit.register(shutil.rmtree, home, True)
    for var, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"), ("XDG_STATE_HOME", "state"),
                     ("XDG_PICTURES_DIR", "pictures")):
        os.environ[var] = os.path.join(home, sub)
    for var in ("VITRINE_STATE_DIR", "STATE_DIRECTORY", "CONFIGURATION_DIRECTORY"):
        os.environ.pop(var, None)
    # The catalog of a run given none: the basic shelf (simple shapes, three times as fast on
    # llvmpipe as the real shelf, which tests/test_real_shelf.py and those naming it exercise).
    os.environ["VITRINE_CATALOG"] = BASIC_SHELF
    return home


REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BASIC_SHELF = os.path.join(REPO, "models", "basic-shelf.json")
REAL_SHELF = os.path.join(REPO, "models", "catalog.json")
TEST_HOME = _private_folders()

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



def copy_bundled_models(dest):
    """The checkout's models/ (the bundled catalogs and their models) copied to dest, without what a
    run or console in the source tree left there (visits databases, console state); dest's
    catalog.json is returned: the basic shelf, there under that name."""
    src = os.path.join(REPO, "models")
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("*.sqlite*", ".vitrine-console", "console-models"))
    os.replace(os.path.join(dest, "basic-shelf.json"), os.path.join(dest, "catalog.json"))
    return os.path.join(dest, "catalog.json")

def run(args, timeout=600, **kw):
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL, **kw)


# Deadlines are generous on purpose: a test waits on an event (a line, a file, an exit) and the
# deadline only turns a hang into a failure. A busy or sanitised machine may be ten times slower.
DEADLINE = 600


def wait_until(cond, deadline=DEADLINE, interval=0.02):
    """Waits until cond() is true (a file appears, a count is reached); False at the deadline."""
    end = time.monotonic() + deadline
    while not cond():
        if time.monotonic() > end:
            return False
        time.sleep(interval)
    return True


class Watched:
    """A process whose stderr lines are collected as they come, so a test can wait on a line."""

    def __init__(self, args, env=None, stdout=subprocess.DEVNULL):
        self.proc = subprocess.Popen(args, stderr=subprocess.PIPE, stdout=stdout, stdin=subprocess.DEVNULL, text=True, env=env)
        self.lines, self.stamps, self.eof = [], [], False
        self.cond = threading.Condition()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in self.proc.stderr:
            with self.cond:
                self.lines.append(line)
                self.stamps.append(time.monotonic())
                self.cond.notify_all()
        with self.cond:
            self.eof = True
            self.cond.notify_all()

    def wait_for(self, pred, deadline=DEADLINE):
        """Waits until pred(lines) is true; False when the process closed stderr or at the deadline."""
        end = time.monotonic() + deadline
        with self.cond:
            while not pred(self.lines):
                left = end - time.monotonic()
                if self.eof or left <= 0:
                    return False
                self.cond.wait(left)
            return True

    def finish(self, deadline=DEADLINE):
        """Waits for the exit and the last line; returns (exit status, all of stderr)."""
        try:
            self.proc.wait(timeout=deadline)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.thread.join(60)
        return self.proc.returncode, "".join(self.lines)


class Xvfb:
    """An X server for one test, on a display number the server picks itself (-displayfd): no race
    with other suites starting servers at the same moment, which `xvfb-run -a` has (it picks a free
    number, then starts the server; two runs can pick the same one). Use as a context manager;
    .env is os.environ with DISPLAY set to it."""

    def __init__(self, screen="1280x800x24"):
        self.screen = screen

    def __enter__(self):
        rfd, wfd = os.pipe()
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([shutil.which("Xvfb") or "Xvfb", "-displayfd", str(wfd), "-screen", "0", self.screen,
                                      "-nolisten", "tcp", "-noreset"], pass_fds=(wfd,), stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=subprocess.STDOUT)
        os.close(wfd)
        got = b""
        end = time.monotonic() + DEADLINE
        # The server writes its display number once it accepts connections; EOF means it failed.
        while not got.endswith(b"\n") and time.monotonic() < end:
            if select.select([rfd], [], [], max(0.0, end - time.monotonic()))[0]:
                chunk = os.read(rfd, 64)
                if not chunk:
                    break
                got += chunk
        os.close(rfd)
        if not got.strip().isdigit():
            self.log.seek(0)
            why = self.log.read()[-500:]
            self.__exit__(None, None, None)
            raise RuntimeError("Xvfb did not start: %r" % why)
        self.display = ":" + got.strip().decode()
        self.env = dict(os.environ, DISPLAY=self.display)
        self.env.pop("WAYLAND_DISPLAY", None)
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        return False


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


def gltf_embed_images(g, images):
    """Puts images (BGR numpy arrays) into the glTF dict g as PNG data URIs, texture k on image k
    (what a material's {"index": k} names); none: g unchanged."""
    if not images:
        return
    import cv2
    g["images"] = [{"uri": "data:image/png;base64," + base64.b64encode(cv2.imencode(".png", im)[1].tobytes()).decode()}
                   for im in images]
    g["textures"] = [{"source": i} for i in range(len(images))]


def write_glb(g, out):
    """The glTF dict g (one buffer, a data: URI, as gltf_sphere makes it) written to out as a GLB:
    the buffer becomes the binary chunk and each data: URI image a bufferView in it, as exporters
    ship them. g is left as it was."""
    g = json.loads(json.dumps(g))
    bins = [base64.b64decode(g["buffers"][0]["uri"].split(",", 1)[1])]
    for im in g.get("images", []):
        if not im.get("uri", "").startswith("data:"):
            continue
        at = sum(len(x) for x in bins)
        data = base64.b64decode(im.pop("uri").split(",", 1)[1])
        bins.append(data + b"\0" * (-len(data) % 4))
        g["bufferViews"].append({"buffer": 0, "byteOffset": at, "byteLength": len(data)})
        im.update(bufferView=len(g["bufferViews"]) - 1, mimeType="image/png")
    binary = b"".join(bins)
    g["buffers"] = [{"byteLength": len(binary)}]
    js = json.dumps(g).encode()
    js += b" " * (-len(js) % 4)
    with open(out, "wb") as f:
        f.write(struct.pack("<4sII", b"glTF", 2, 28 + len(js) + len(binary)) + struct.pack("<II", len(js), 0x4E4F534A) + js +
                struct.pack("<II", len(binary), 0x004E4942) + binary)


def gltf_sphere(material, radius=0.05, uv=True, extensions=(), rings=24, segs=48):
    """A glTF (as a dict: json.dump it to a .gltf) of one sphere standing on y = 0, its buffers
    inline, with normals and, when uv, TEXCOORD_0 (u around, v down from the top); material is
    its one material, extensions the names for extensionsUsed."""
    pos, nrm, tex, idx = [], [], [], []
    for i in range(rings + 1):
        th = math.pi * i / rings
        for j in range(segs + 1):
            ph = 2 * math.pi * j / segs
            n = (math.sin(th) * math.cos(ph), math.cos(th), math.sin(th) * math.sin(ph))
            nrm.append(n)
            pos.append((radius * n[0], radius + radius * n[1], radius * n[2]))
            tex.append((j / segs, i / rings))
    for i in range(rings):
        for j in range(segs):
            a, b = i * (segs + 1) + j, (i + 1) * (segs + 1) + j
            idx += [a, b, a + 1, a + 1, b, b + 1]
    parts = [b"".join(struct.pack("<3f", *p) for p in pos), b"".join(struct.pack("<3f", *n) for n in nrm),
             struct.pack("<%dH" % len(idx), *idx)] + ([b"".join(struct.pack("<2f", *t) for t in tex)] if uv else [])
    offs, data = [], b""
    for p in parts:
        offs.append((len(data), len(p)))
        data += p + b"\0" * (-len(p) % 4)
    attrs = {"POSITION": 0, "NORMAL": 1}
    accessors = [
        {"bufferView": 0, "componentType": 5126, "count": len(pos), "type": "VEC3", "min": [-radius, 0, -radius],
         "max": [radius, 2 * radius, radius]},
        {"bufferView": 1, "componentType": 5126, "count": len(pos), "type": "VEC3"},
        {"bufferView": 2, "componentType": 5123, "count": len(idx), "type": "SCALAR"}]
    if uv:
        attrs["TEXCOORD_0"] = 3
        accessors.append({"bufferView": 3, "componentType": 5126, "count": len(pos), "type": "VEC2"})
    return {
        "asset": {"version": "2.0"}, "extensionsUsed": list(extensions),
        "scene": 0, "scenes": [{"nodes": [0]}], "nodes": [{"mesh": 0}],
        "meshes": [{"primitives": [{"attributes": attrs, "indices": 2, "material": 0}]}],
        "materials": [material],
        "buffers": [{"byteLength": len(data), "uri": "data:application/octet-stream;base64," + base64.b64encode(data).decode()}],
        "bufferViews": [{"buffer": 0, "byteOffset": o, "byteLength": n} for o, n in offs],
        "accessors": accessors,
    }
