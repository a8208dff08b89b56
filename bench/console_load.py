#!/usr/bin/env python3
"""bench/console_load.py [VITRINE] [FRAMES] [REPEATS] — the display's frame rate with the web
console serving nothing, and with 500 slow connections held open against it (each trickling a
header byte every half second, as a slowloris client does): headless over the built-in demo at
1280x720, the console on 127.0.0.1:0, in turns, best of REPEATS (default 5) runs each, since the
machine is shared. Prints both rates and their ratio (docs/performance.md, issue 19). Run it on an
idle machine: the figures are what the CPU gives when nothing else runs."""
import os, re, resource, socket, subprocess, sys, threading, time

here = os.path.dirname(os.path.abspath(__file__))
vitrine = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "build", "vitrine")
frames = sys.argv[2] if len(sys.argv) > 2 else "300"
repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 5
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))


def one(slow):
    p = subprocess.Popen([vitrine, "run", "--demo", "--headless", "--frames", frames, "--out", "-", "--no-analytics",
                          "--console", "127.0.0.1:0"], stderr=subprocess.PIPE, text=True)
    port, socks, stop, lines = None, [], threading.Event(), []
    for line in p.stderr:
        lines.append(line)
        m = re.search(r"console: serving https?://[^:]+:(\d+)/", line)
        if m:
            port = int(m.group(1))
            break
    for _ in range(slow if port else 0):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"GET /api/v1/status HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        socks.append(s)

    def trickle():
        while not stop.wait(0.5):
            for s in socks:
                try:
                    s.send(b"a")
                except OSError:
                    pass
    threading.Thread(target=trickle, daemon=True).start()
    lines += p.stderr.readlines()
    p.wait()
    stop.set()
    for s in socks:
        s.close()
    m = [re.search(r"([\d.]+) frames/s", l) for l in lines if "frames/s" in l and "report" not in l]
    m = [x for x in m if x]
    return float(m[-1].group(1)) if m else 0.0


base, slow = [], []
for i in range(repeats):
    base.append(one(0))
    slow.append(one(500))
b, s = max(base), max(slow)
print("frames/s, best of %d: console idle %.1f, 500 slow connections %.1f, ratio %.3f" % (repeats, b, s, s / b if b else 0))
print("all runs: idle %s; slow %s" % (base, slow))
