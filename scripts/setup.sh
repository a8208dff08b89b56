#!/usr/bin/env bash
# Installs every Debian package Vitrine needs that is missing, then configures and builds.
# Idempotent and quiet on success. Used by scripts/demo.sh and scripts/test.sh.
#   VITRINE_BUILD_DIR   build folder (default: build)
#   VITRINE_SANITIZE=ON build with ASan+UBSan
#   VITRINE_WERROR=ON   warnings are errors (scripts/test.sh and CI set it; a user's build does not)
set -euo pipefail
cd "$(dirname "$0")/.."

# Build tools, the libraries the design fixes, and what tests and tools run with
# (libapriltag-dev: AprilTag 3, the second reference of bench/vt_bench.c; xdotool: the window
# tests press keys in a real window under Xvfb). Languages (issue 16): gettext's tools build the
# translations, ICU writes prices and dates as CLDR does, Pango with HarfBuzz shapes text in every
# script from the Noto fonts (CJK, Arabic, Devanagari, Hebrew...), locales-all gives glibc every
# locale so a visitor's language can differ from the staff's; Tesseract with its language data
# reads the screen back in the tests, and python3-icu is the tests' independent ICU.
# The web console (issue 19): libmicrohttpd serves it (HTTPS through GnuTLS, whose certtool in
# gnutls-bin makes the tests' certificates), libsodium hashes its password (Argon2id) and makes
# its session tokens; the tests drive Debian's Chromium through puppeteer-core (npm, on nodejs)
# and read the API's OpenAPI description with python3-yaml.
# Live cameras (issue 23): GStreamer runs every live source — V4L2 cameras (v4l2src, in
# plugins-good, with the JPEG decoder for MJPEG modes), RTSP (rtspsrc, plugins-good; H.264/H.265
# decoded by gstreamer1.0-libav) and HTTP MJPEG streams (souphttpsrc); the tests serve RTSP
# themselves with GStreamer's RTSP server through python3-gi, encoding H.264 with x264enc
# (plugins-ugly), as IP cameras stream it.
# The Debian package (issue 21): scripts/package.sh takes its Depends from dpkg-shlibdeps (dpkg-dev);
# tests/test_package.py installs it into a clean Debian 12 root made by debootstrap and checks the
# unit with systemd-analyze (systemd; its verify runs man-db's man for Documentation=man:vitrine(1)).
PKGS=(
  build-essential g++ cmake make pkg-config
  libopencv-dev libopencv-contrib-dev
  libglfw3-dev libglew-dev libcglm-dev libassimp-dev libfreetype-dev libfontconfig-dev
  fonts-dejavu-core libcjson-dev libsqlite3-dev libqrencode-dev libcairo2-dev zlib1g-dev libjpeg62-turbo-dev
  libegl-dev libgl-dev libegl-mesa0 libgl1-mesa-dri
  python3 python3-numpy python3-opencv xvfb xauth
  libapriltag-dev xdotool
  gettext libicu-dev libpango1.0-dev locales-all fonts-noto-core fonts-noto-cjk
  tesseract-ocr tesseract-ocr-eng tesseract-ocr-fra tesseract-ocr-jpn tesseract-ocr-ara python3-icu
  libmicrohttpd-dev libsodium-dev libgnutls28-dev gnutls-bin chromium python3-yaml
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-libav gstreamer1.0-tools gstreamer1.0-plugins-ugly
  python3-gi gir1.2-gstreamer-1.0 gir1.2-gst-plugins-base-1.0 gir1.2-gst-rtsp-server-1.0
  dpkg-dev debootstrap systemd man-db
  libpq-dev postgresql python3-psycopg2   # the shop network (issue 20): libpq; the tests start their own server (initdb, pg_ctl) and read it back with psycopg2
  git   # test_paths checks a run writes nothing into the checkout (git status); a tarball of the source has no git
  libsystemd-dev   # sd_notify (src/app/run_service.c); systemd's systemd-analyze verify (tests/test_service.py)
  libmeshoptimizer-dev   # EXT_meshopt_compression decoding (src/assets/vt_gltf_unpack.c)
  draco gltfpack   # tests/test_compressed.py compresses models as pipelines ship them (Draco's transcoder, meshoptimizer's gltfpack)
)
# Node.js for the browser tests: Debian's, unless one is already installed (its own npm with it).
command -v node >/dev/null || PKGS+=(nodejs)
command -v npm >/dev/null || PKGS+=(npm)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: installing ${#missing[@]} package(s): ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/vitrine-apt.log 2>&1 || {
    echo "setup: apt-get install failed; see /tmp/vitrine-apt.log" >&2; tail -n 20 /tmp/vitrine-apt.log >&2; exit 1; }
fi

BUILD="${VITRINE_BUILD_DIR:-build}"
SAN="${VITRINE_SANITIZE:-OFF}"
WERROR="${VITRINE_WERROR:-OFF}"
# The logs inside the build folder: a log beside the sources would be a file a test (test_paths)
# sees the tree gain while a concurrent test (test_package) builds.
mkdir -p "$BUILD"
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVITRINE_SANITIZE="$SAN" -DVITRINE_WERROR="$WERROR" \
  >"$BUILD/vitrine-cmake.log" 2>&1 || {
  cat "$BUILD/vitrine-cmake.log" >&2; exit 1; }
cmake --build "$BUILD" -j"$(nproc)" >"$BUILD/vitrine-build.log" 2>&1 || {
  tail -n 60 "$BUILD/vitrine-build.log" >&2; exit 1; }

# The browser tests' puppeteer-core (tests/browser: its exact version locked), into BUILD/npm,
# again only when the lock changed; it drives Debian's chromium, so no browser is downloaded.
# npm's cache makes a second build folder's install (the ASan one) quick and offline.
NPM_DIR="$BUILD/npm"
# Node trusts only its own copy of the public CAs; the machine's (which may hold a proxy's) are
# added, as apt and git already trust them.
if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -r /etc/ssl/certs/ca-certificates.crt ]; then
  export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
fi
if ! cmp -s tests/browser/package-lock.json "$NPM_DIR/installed-lock.json" || [ ! -d "$NPM_DIR/node_modules/puppeteer-core" ]; then
  rm -rf "$NPM_DIR" && mkdir -p "$NPM_DIR"
  cp tests/browser/package.json tests/browser/package-lock.json "$NPM_DIR/"
  (cd "$NPM_DIR" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --ignore-scripts) >"$BUILD.npm.log" 2>&1 || {
    echo "setup: npm ci failed (puppeteer-core for the browser tests); see $BUILD.npm.log" >&2
    tail -n 20 "$BUILD.npm.log" >&2; exit 1; }
  cp tests/browser/package-lock.json "$NPM_DIR/installed-lock.json"
fi
