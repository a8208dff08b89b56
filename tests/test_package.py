#!/usr/bin/env python3
"""The Debian package (issue 21): scripts/package.sh builds dist/vitrine_VERSION_ARCH.deb from this
build; its files lie at the installed layout and its Depends come from the binary. Installed by apt
into a clean Debian 12 root (debootstrap minbase) with its dependencies, the installed files alone
(no checkout) run `vitrine doctor` and a 30-frame headless demo as the vitrine user; the postinst
made the user, /etc/vitrine/catalog.json and /var/lib/vitrine; systemd-analyze verifies the unit
against that root; purge removes the folders and keeps the user.
usage: test_package.py VITRINE [SHARED]"""
import os, shutil, subprocess, sys, tempfile, time, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import check, finish, run  # noqa: E402

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MIRROR = "http://deb.debian.org/debian"


def skip(why):
    print("SKIP: " + why)
    sys.exit(77)


def preconditions(vitrine):
    if b"__asan_init" in open(vitrine, "rb").read():
        skip("the package is built from a Release tree; checked in the release build")
    if os.geteuid() != 0:
        skip("installing into a Debian root needs root (debootstrap, chroot, mounts)")
    for tool in ("dpkg-deb", "dpkg-shlibdeps", "systemd-analyze"):
        if not shutil.which(tool):
            skip("%s is missing (scripts/setup.sh installs it)" % tool)
    if not shutil.which("debootstrap"):
        r = run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "debootstrap"])
        if r.returncode or not shutil.which("debootstrap"):
            skip("debootstrap is missing and could not be installed")
    try:
        urllib.request.urlopen(urllib.request.Request(MIRROR + "/dists/bookworm/Release", method="HEAD"), timeout=20)
    except Exception as e:  # noqa: BLE001 -- any failure means no mirror
        skip("the Debian mirror %s cannot be reached (%s): no clean root to install into" % (MIRROR, e))


def build_deb(build, dist):
    t = time.time()
    r = run(["bash", os.path.join(SRC, "scripts/package.sh")], timeout=3600,
            env=dict(os.environ, VITRINE_PACKAGE_BUILD=build, VITRINE_PACKAGE_DIST=dist))
    print("package.sh: %.1f s" % (time.time() - t))
    check(r.returncode == 0, "package.sh exits 0: " + r.stderr[-2000:])
    debs = [f for f in os.listdir(dist) if f.endswith(".deb")]
    check(debs == [r.stdout.strip().rsplit("/", 1)[-1]], "package.sh names the one .deb it made: %s %s" % (debs, r.stdout))
    return os.path.join(dist, debs[0]) if debs else None


def check_deb(deb, version, arch):
    check(os.path.basename(deb) == "vitrine_%s_%s.deb" % (version, arch), "named vitrine_VERSION_ARCH.deb: " + deb)
    field = lambda f: run(["dpkg-deb", "-f", deb, f]).stdout.strip()
    check(field("Package") == "vitrine" and field("Version") == version, "control: Package vitrine, Version " + version)
    deps = field("Depends")
    check("libopencv-core" in deps and "libc6" in deps, "Depends from dpkg-shlibdeps (libopencv-core, libc6): " + deps)
    check("libgl1-mesa-dri" in deps and "adduser" in deps, "Depends adds what no link shows (llvmpipe, adduser)")
    files = set(l.split()[-1].lstrip(".") for l in run(["dpkg-deb", "-c", deb]).stdout.splitlines())
    want = ["/usr/bin/vitrine", "/usr/share/vitrine/shaders/mesh.frag", "/usr/share/vitrine/models/catalog.json",
            "/usr/share/vitrine/models/mug.glb", "/usr/share/vitrine/models/basic-shelf.json",
            "/usr/share/vitrine/models/MaterialsVariantsShoe.glb", "/usr/share/vitrine/markers/markers.pdf",
            "/usr/share/locale/fr/LC_MESSAGES/vitrine.mo", "/usr/share/doc/vitrine/README.md",
            "/usr/share/doc/vitrine/catalog.md", "/usr/share/doc/vitrine/console-openapi.yaml",
            "/usr/share/doc/vitrine/copyright", "/usr/share/doc/vitrine/changelog.Debian.gz",
            "/usr/share/man/man1/vitrine.1.gz", "/usr/share/bash-completion/completions/vitrine",
            "/lib/systemd/system/vitrine.service"]
    for w in want:
        check(w in files, "the package holds " + w)
    stray = [f for f in files if f.startswith("/usr/bin/") and f not in ("/usr/bin/", "/usr/bin/vitrine")
             or f.endswith(".sqlite") or ".vitrine-console" in f]
    check(not stray, "no tests, benchmarks, run databases or console state packaged: %s" % stray)


def pristine_root(cache, root):
    """A clean bookworm minbase root: debootstrapped once, kept as a tarball in the build folder."""
    tarball = os.path.join(cache, "bookworm-minbase.tar")
    t, fresh = time.time(), not os.path.exists(tarball)
    if fresh:
        r = run(["debootstrap", "--variant=minbase", "bookworm", root, MIRROR], timeout=3600)
        check(r.returncode == 0, "debootstrap: " + r.stdout[-1500:] + r.stderr[-1500:])
        if r.returncode:
            return False
        run(["tar", "-C", root, "-cf", tarball + ".new", "."], timeout=600)
        os.rename(tarball + ".new", tarball)
    else:
        os.makedirs(root)
        run(["tar", "-C", root, "-xf", tarball], timeout=600)
    print("clean Debian 12 root: %.1f s%s" % (time.time() - t, " (debootstrap, then kept)" if fresh else " (from the kept tarball)"))
    return True


def in_root(root, cmd, timeout=1800):
    return run(["chroot", root, "sh", "-c", cmd], timeout=timeout,
               env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "DEBIAN_FRONTEND": "noninteractive", "LANG": "C.UTF-8"})


def frames_of(path):
    import cv2
    cap, n = cv2.VideoCapture(path), 0
    while cap.read()[0]:
        n += 1
    return n


def installed_checks(root, deb):
    t = time.time()
    r = in_root(root, "apt-get update -qq && apt-get install -y -qq /tmp/%s" % os.path.basename(deb))
    print("apt-get install with dependencies: %.1f s" % (time.time() - t))
    check(r.returncode == 0, "apt-get installs the package and its dependencies: " + (r.stdout + r.stderr)[-3000:])
    if r.returncode:
        return
    check(not os.path.exists(os.path.join(root, "work")), "the root holds no checkout")
    pw = in_root(root, "getent passwd vitrine").stdout.split(":")
    check(len(pw) == 7 and pw[5] == "/var/lib/vitrine" and pw[6].strip() == "/usr/sbin/nologin",
          "postinst made the vitrine system user: %s" % pw)
    check("video" in in_root(root, "id -nG vitrine").stdout.split(), "vitrine is in the video group")
    uid = int(pw[2]) if len(pw) == 7 else -1
    for d in ("etc/vitrine", "var/lib/vitrine", "etc/vitrine/catalog.json"):
        st = os.stat(os.path.join(root, d))
        check(st.st_uid == uid, "/%s is owned by vitrine" % d)
    v = in_root(root, "cd /tmp && vitrine validate /etc/vitrine/catalog.json")
    check(v.returncode == 0, "/etc/vitrine/catalog.json (models made absolute) validates: " + v.stdout + v.stderr)
    check(os.path.islink(os.path.join(root, "etc/systemd/system/graphical.target.wants/vitrine.service")),
          "the unit is enabled (started at the next boot)")
    if "doctor" in in_root(root, "vitrine --help").stdout:
        # The installed catalog, models, fonts, translations and renderer are all there: no blocker
        # (no camera and llvmpipe are warnings).
        d = in_root(root, "cd /tmp && su -s /bin/sh vitrine -c 'vitrine doctor'")
        print("vitrine doctor (rc %d):\n%s%s" % (d.returncode, d.stdout, d.stderr))
        check(d.returncode == 0 and " 0 blockers" in d.stdout and "/etc/vitrine/catalog.json" in d.stdout,
              "vitrine doctor from the installed files: no blocker, the installed catalog checked")
        check(any(l.startswith("ok") and "models" in l for l in d.stdout.splitlines()),
              "doctor: the installed catalog's models load (absolute paths into /usr/share/vitrine/models)")
        check(any(l.startswith("ok") and "translations" in l for l in d.stdout.splitlines()),
              "doctor: the installed translations found, and the visitors' locales (Recommends: locales-all)")
    else:
        print("note: this build has no `vitrine doctor` yet (vitrine --help does not list it): not run")
    r = in_root(root, "cd /tmp && su -s /bin/sh vitrine -c 'vitrine run --demo --headless --frames 30 --out /tmp/x.mp4'")
    check(r.returncode == 0, "the installed vitrine renders the demo as the vitrine user: " + r.stderr[-2000:])
    check(frames_of(os.path.join(root, "tmp/x.mp4")) == 30, "x.mp4 has 30 frames")
    unit = "/lib/systemd/system/vitrine.service"
    # verify runs the host's man for Documentation=man:vitrine(1): pointed at the root's pages.
    a = run(["systemd-analyze", "verify", "--root=" + root, unit], env=dict(os.environ, MANPATH=os.path.join(root, "usr/share/man")))
    check(a.returncode == 0, "systemd-analyze verify accepts the unit in the root: " + a.stdout + a.stderr)
    p = in_root(root, "apt-get purge -y -qq vitrine")
    check(p.returncode == 0, "apt-get purge: " + p.stderr[-1500:])
    for d in ("etc/vitrine", "var/lib/vitrine", "usr/bin/vitrine"):
        check(not os.path.exists(os.path.join(root, d)), "purge removed /" + d)
    check(in_root(root, "getent passwd vitrine").returncode == 0, "purge keeps the vitrine user (Debian keeps system users)")


def main():
    vitrine = os.path.abspath(sys.argv[1])
    preconditions(vitrine)
    build = os.path.dirname(vitrine)
    version = run([vitrine, "--version"]).stdout.split()[-1]
    arch = run(["dpkg", "--print-architecture"]).stdout.strip()
    cache = os.path.join(build, "package-test")
    archives = os.path.join(cache, "apt-archives")   # downloaded .debs kept for the next run
    os.makedirs(os.path.join(archives, "partial"), exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="vt_package_")
    root = os.path.join(tmp, "root")
    mounts = []
    try:
        deb = build_deb(build, os.path.join(tmp, "dist"))
        if not deb:
            return
        check_deb(deb, version, arch)
        if not pristine_root(cache, root):
            return
        shutil.copy(deb, os.path.join(root, "tmp"))
        shutil.copy("/etc/resolv.conf", os.path.join(root, "etc/resolv.conf"))
        for src, dst, args in (("proc", "proc", ["-t", "proc"]), (archives, "var/cache/apt/archives", ["--bind"])):
            target = os.path.join(root, dst)
            if run(["mount"] + args + [src, target]).returncode == 0:
                mounts.append(target)
        check(len(mounts) == 2, "proc and the apt cache mounted in the root")
        installed_checks(root, deb)
    finally:
        for m in reversed(mounts):
            if run(["umount", m]).returncode:
                run(["umount", "-l", m])
        if not any(os.path.ismount(m) for m in mounts):
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print("note: %s left in place: a mount in it would not come off" % tmp)
    finish("test_package")


if __name__ == "__main__":
    main()
