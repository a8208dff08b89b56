#!/usr/bin/env python3
"""Bash completion (scripts/package/vitrine.bash-completion): bash sources it and the completion
function, given COMP_WORDS/COMP_CWORD, offers the commands, a command's options, files of the
right kind, cameras and streams, dictionary names and product ids. Its option table is each
command's --help: every option a --help lists is in it, and nothing else."""
import os, re, shutil, subprocess, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import *

vitrine = sys.argv[1]
repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
script = os.path.join(repo, "scripts", "package", "vitrine.bash-completion")
bash = shutil.which("bash")
if not bash:
    print("SKIP: no bash on this machine")
    sys.exit(77)
tmp = tempfile.mkdtemp(prefix="vt_completion_")
env = dict(os.environ, PATH=os.path.dirname(os.path.abspath(vitrine)) + ":" + os.environ.get("PATH", ""))


def shq(s):
    return "'" + s.replace("'", "'\\''") + "'"


def complete(words, cwd=tmp):
    """What _vitrine offers for the command line words (the last one being typed)."""
    prog = "source %s; COMP_WORDS=(%s); COMP_CWORD=%d; _vitrine 2>/dev/null; printf '%%s\\n' \"${COMPREPLY[@]}\"" % (
        shq(script), " ".join(shq(w) for w in words), len(words) - 1)
    r = subprocess.run([bash, "--norc", "-c", prog], capture_output=True, text=True, cwd=cwd, env=env, timeout=60)
    check(r.returncode == 0, "bash on %s: %r" % (words, r.stderr))
    return [l for l in r.stdout.splitlines() if l]


def bash_out(code):
    r = subprocess.run([bash, "--norc", "-c", "source %s; %s" % (shq(script), code)], capture_output=True, text=True, env=env,
                       timeout=60)
    return r.stdout


def help_options(cmd):
    """{option: takes a value} as `vitrine CMD --help` lists them: its usage lines and the option
    lines (an indented line starting with options, each maybe followed by its VALUE)."""
    h = run([vitrine, cmd, "--help"]).stdout
    lines = h.split("\n")
    out = {}
    usage = lines[:lines.index("")] if "" in lines else lines[:1]
    for l in usage:
        toks = l.split()
        for i, t in enumerate(toks):
            for name in re.findall(r"^[\[(|]*(--[a-z][a-z0-9-]*)(\]?)", t):
                nxt = toks[i + 1] if i + 1 < len(toks) else ""
                out[name[0]] = out.get(name[0], False) or (not name[1] and bool(nxt) and not nxt.startswith(("-", "|", "[")))
    for l in lines:
        if not re.match(r"^\s+(-[a-zA-Z], )?--[a-z]", l):
            continue
        toks, i = l.split(), 0
        while i < len(toks):
            t = toks[i].rstrip(",")
            if re.match(r"^-[a-zA-Z]$", t) or t == "|":
                i += 1
                continue
            names = re.findall(r"--[a-z][a-z0-9-]*", t) if t.startswith("--") else []
            if not names:
                break
            nxt = toks[i + 1].rstrip(",") if i + 1 < len(toks) else ""
            value = bool(nxt) and nxt != "|" and not nxt.startswith("-") and (nxt[0].isupper() or "|" in nxt)
            for n in names:
                out[n] = out.get(n, False) or value
            i += 2 if value else 1
    out.pop("--help", None)
    return out


try:
    commands = bash_out("echo $_vitrine_commands").split()
    top = run([vitrine, "--help"]).stdout
    listed = re.findall(r"^  ([a-z]+) ", top.split("commands:", 1)[1].split("\n\n", 1)[0], re.M)
    check(sorted(commands) == sorted(listed), "commands in the script %s, in vitrine --help %s" % (commands, listed))
    got = complete(["vitrine", ""])
    check(all(c in got for c in listed) and "--help" in got, "vitrine <TAB>: %s" % got)
    check(complete(["vitrine", "do"]) == ["doctor"], "vitrine do<TAB>: %s" % complete(["vitrine", "do"]))

    value_opts = set(bash_out("echo $_vitrine_value_options").split())
    for cmd in listed:
        want = help_options(cmd)
        have = set(bash_out("_vitrine_options %s" % cmd).split())
        check(have == set(want), "%s: options in --help but not the script %s; in the script but not --help %s"
              % (cmd, sorted(set(want) - have), sorted(have - set(want))))
        wrong = sorted(o for o, v in want.items() if v != (o in value_opts))
        check(not wrong, "%s: whether these take a value differs between --help and the script: %s" % (cmd, wrong))

    got = complete(["vitrine", "run", "--cam"])
    check("--camera" in got and "--camera-size" in got and all(g.startswith("--cam") for g in got), "run --cam<TAB>: %s" % got)
    check("--json" in complete(["vitrine", "doctor", "--"]), "doctor --<TAB>")

    # Files: --catalog offers .json (and folders), --calib .yml/.yaml/.xml.
    for name in ("a.json", "b.json", "calib.yml", "notes.txt", "clip.mp4"):
        open(os.path.join(tmp, name), "w").close()
    os.mkdir(os.path.join(tmp, "sub"))
    got = sorted(complete(["vitrine", "run", "--catalog", ""]))
    check(got == ["a.json", "b.json", "sub"], "run --catalog <TAB>: %s" % got)
    got = sorted(complete(["vitrine", "run", "--calib", ""]))
    check(got == ["calib.yml", "sub"], "run --calib <TAB>: %s" % got)
    got = sorted(complete(["vitrine", "run", "--video", ""]))
    check(got == ["clip.mp4", "sub"], "run --video <TAB>: %s" % got)
    check("notes.txt" in complete(["vitrine", "run", "--out", ""]), "run --out <TAB> offers any file")
    check(sorted(complete(["vitrine", "validate", ""])) == ["a.json", "b.json", "sub"], "validate <TAB>")

    got = complete(["vitrine", "run", "--camera", ""])
    check("rtsp://" in got and all(g.startswith(("/dev/video", "rtsp", "http", "gst:")) for g in got), "--camera <TAB>: %s" % got)
    got = complete(["vitrine", "detect", "--dict", "APRIL"])
    check("APRILTAG_36h11" in got and all(g.startswith("APRIL") for g in got), "--dict APRIL<TAB>: %s" % got)
    got = complete(["vitrine", "run", "--catalog", os.path.join(repo, "models", "basic-shelf.json"), "--card", "mu"])
    check(got == ["mug-bleu"], "--card mu<TAB> from the catalog: %s" % got)
    check(complete(["vitrine", "run", "--frames", ""]) == [], "--frames <TAB>: a number, nothing offered")
finally:
    shutil.rmtree(tmp, ignore_errors=True)

finish("test_completion")
