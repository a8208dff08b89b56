#!/usr/bin/env python3
"""Where a run's files go (issue 21, docs/install.md), through the real program:
  - from the checkout over the bundled catalog, `vitrine run --demo` with a screenshot writes
    nothing into the source tree: its analytics land in XDG_DATA_HOME/vitrine, the screenshot in
    XDG_PICTURES_DIR/Vitrine, the console's state (--set-password) in XDG_DATA_HOME/vitrine/console;
    `vitrine stats` without FILE reads that database; the help texts name those folders;
  - a catalog in the shop's own writable folder keeps its analytics beside it, as always;
  - a catalog in ~/.config/vitrine is the default one and its analytics go to the state folder;
  - relocatable: `cmake --install BUILD --prefix T1`, moved to T2, runs the demo from T2 alone and
    speaks French from T2's translations (skipped, saying so, while the install rules are not in).
The private XDG folders are vt_testlib's (TEST_HOME)."""
import atexit, os, shutil, subprocess, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import *
os.environ.pop("VITRINE_CATALOG", None)   # this test checks the lookup itself

vitrine = os.path.abspath(sys.argv[1])
build = os.path.dirname(vitrine)
repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
tmp = tempfile.mkdtemp(prefix="vt_paths_py_")
atexit.register(shutil.rmtree, tmp, True)   # also when a check raises
state = os.path.join(os.environ["XDG_DATA_HOME"], "vitrine")
pictures = os.path.join(os.environ["XDG_PICTURES_DIR"], "Vitrine")
config = os.path.join(os.environ["XDG_CONFIG_HOME"], "vitrine")


def tree(root):
    """Every file and link under the checkout with its size and mtime, leaving out .git, build
    folders (build*/ at the top, and the one vitrine is in) and Python's own caches."""
    out = {}
    skip = {os.path.realpath(build)}
    for d, dirs, files in os.walk(root):
        rel = os.path.relpath(d, root)
        dirs[:] = [x for x in dirs if x not in (".git", "__pycache__") and os.path.realpath(os.path.join(d, x)) not in skip
                   and not (rel == "." and x.startswith("build"))]
        for f in files + [x for x in dirs if os.path.islink(os.path.join(d, x))]:
            p = os.path.join(d, f)
            st = os.lstat(p)
            out[os.path.relpath(p, root)] = (st.st_size, st.st_mtime_ns)
    return out


def git_untracked():
    r = run(["git", "-C", repo, "status", "--porcelain", "--ignored", "--untracked-files=all"])
    if r.returncode != 0:
        return None   # not a git checkout (a source tarball): the listing above still says it
    return sorted(l for l in r.stdout.splitlines() if l[:2] in ("??", "!!")
                  and not l[3:].startswith("build") and "__pycache__/" not in l
                  and not os.path.realpath(os.path.join(repo, l[3:])).startswith(os.path.realpath(build) + os.sep))


def demo(args, frames=10, cwd=None, env=None, exe=vitrine):
    return run([exe, "run", "--demo", "--headless", "--frames", str(frames), "--out", "-"] + args, cwd=cwd, env=env,
               timeout=DEADLINE)


# ---- a run from the checkout over the bundled catalog -----------------------------------------
src = open(os.path.join(build, "vitrine-source-dir")).read().strip() if os.path.exists(
    os.path.join(build, "vitrine-source-dir")) else None
check(src is not None and os.path.realpath(src) == os.path.realpath(repo), "the build names this checkout: %r" % src)
bundled = os.path.join(repo, "models", "catalog.json")
r = run([vitrine, "run", "--help"])
check(r.returncode == 0 and "(default: %s)" % bundled in r.stdout, "run --help: the bundled catalog the default")
check("where S saves screenshots (default: %s)" % pictures in r.stdout, "run --help: the pictures folder")
check("else in %s)" % state in r.stdout and "%s/console" % state in r.stdout, "run --help: the state folder")

before, before_git = tree(repo), git_untracked()
r = demo(["--key", "5:S"], cwd=repo)   # S: a screenshot; from the checkout's root, as a developer does
check(r.returncode == 0, "demo run from the checkout: %d %s" % (r.returncode, r.stderr[-400:]))
after, after_git = tree(repo), git_untracked()
changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
check(not changed, "the run wrote into the source tree: %r" % changed[:10])
check(before_git == after_git, "git status changed: %r" % sorted(set(after_git or []) ^ set(before_git or []))[:10])
db = os.path.join(state, "vitrine-analytics.sqlite")
check(os.path.isfile(db), "the bundled catalog's analytics in XDG_DATA_HOME/vitrine: %r" % (
    os.listdir(state) if os.path.isdir(state) else "no folder"))
check(os.path.isdir(state) and os.stat(state).st_mode & 0o777 == 0o700, "the state folder made for its owner only")
shots = sorted(os.listdir(pictures)) if os.path.isdir(pictures) else []
check(len(shots) == 1 and shots[0].startswith("vitrine-") and shots[0].endswith(".png"), "one screenshot in %s: %r" % (pictures, shots))
check(any("screenshot saved to %s/vitrine-" % pictures in l for l in r.stderr.splitlines()), "the note names it: %s" % r.stderr[-300:])
r = run([vitrine, "stats", "--json"])   # no FILE: the default catalog's database
check(r.returncode == 0 and r.stdout.lstrip().startswith("{"), "stats without FILE reads it: %d %s" % (r.returncode, r.stderr[-300:]))

# The console over the bundled catalog: its state in the state folder, not models/.vitrine-console.
before = tree(repo)
r = subprocess.run([vitrine, "console", "--catalog", bundled, "--set-password"], input="a-long-password\n",
                   capture_output=True, text=True, timeout=DEADLINE)
check(r.returncode == 0 and os.path.isfile(os.path.join(state, "console", "password")),
      "console --set-password: the password in %s/console: %d %s" % (state, r.returncode, r.stderr[-300:]))
check(tree(repo) == before, "the console's state went into the source tree")

# ---- the shop's own writable folder: beside the catalog, as always ------------------------------
shop = os.path.join(tmp, "shop")
copy_bundled_models(shop)
mtime = os.stat(db).st_mtime_ns
r = demo(["--catalog", os.path.join(shop, "catalog.json")], frames=5, cwd=tmp)
check(r.returncode == 0 and os.path.isfile(os.path.join(shop, "vitrine-analytics.sqlite")),
      "a shop's catalog: analytics beside it: %d %s" % (r.returncode, r.stderr[-300:]))
check(os.stat(db).st_mtime_ns == mtime, "the state folder's database untouched by the shop's run")
r = run([vitrine, "stats", "--catalog", os.path.join(shop, "catalog.json"), "--json"])
check(r.returncode == 0, "stats --catalog without FILE: the shop's database: %s" % r.stderr[-300:])

# ---- a catalog in ~/.config/vitrine: the default, its analytics in the state folder -------------
shutil.copytree(shop, config, ignore=shutil.ignore_patterns("*.sqlite*"))
r = run([vitrine, "run", "--help"])
check("(default: %s/catalog.json)" % config in r.stdout, "run --help: XDG_CONFIG_HOME/vitrine/catalog.json the default")
os.unlink(db)
r = demo([], frames=5, cwd=tmp)
check(r.returncode == 0 and os.path.isfile(db) and not os.path.exists(os.path.join(config, "vitrine-analytics.sqlite")),
      "a settings folder's catalog: analytics in the state folder, not beside it: %s" % r.stderr[-300:])
shutil.rmtree(config)

# ---- relocatable: installed, moved, run from the moved tree alone -------------------------------
t1, t2 = os.path.join(tmp, "T1"), os.path.join(tmp, "T2")
r = run(["cmake", "--install", build, "--prefix", t1])
if not (os.path.isfile(os.path.join(t1, "bin", "vitrine")) and os.path.isdir(os.path.join(t1, "share", "vitrine", "shaders"))):
    print("SKIP (relocation part): `cmake --install` gives no bin/vitrine with share/vitrine/shaders yet "
          "(the install rules are not in): %s" % (r.stderr.strip()[-200:] or "installed: %r" % os.listdir(t1)))
else:
    os.rename(t1, t2)
    env = {k: v for k, v in os.environ.items() if not k.startswith("VITRINE_")}
    exe = os.path.join(t2, "bin", "vitrine")
    r = run([exe, "run", "--help"], env=env, cwd=tmp)
    check("(default: %s)" % os.path.join(os.path.realpath(t2), "share", "vitrine", "models", "catalog.json") in r.stdout,
          "moved: the catalog from T2/share/vitrine: %s" % [l for l in r.stdout.splitlines() if "--catalog" in l])
    r = demo([], frames=5, cwd=tmp, env=env, exe=exe)
    check(r.returncode == 0, "moved: the demo runs from T2 alone: %d %s" % (r.returncode, r.stderr[-400:]))
    fr = {k: v for k, v in env.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES")}
    fr.update(LANGUAGE="fr", LC_ALL="C.UTF-8")
    r = run([exe, "--help"], env=fr, cwd=tmp)
    check(r.returncode == 0 and "vérifier un catalogue" in r.stdout, "moved: French from T2's translations: %r" % r.stdout[:200])

finish("test_paths_py")
