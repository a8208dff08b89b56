#!/usr/bin/env bash
# One command: install what is missing, build, and run the main job: `vitrine run`.
# With a display it opens a window (camera 0, or the built-in demo scene when there is no camera);
# without one it renders the demo headless into build/vitrine-demo.mp4.
#   VITRINE_DEMO_FRAMES  frames to render headless (default 300, 10 s)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec ./build/vitrine run
fi
out=build/vitrine-demo.mp4
./build/vitrine run --headless --frames "${VITRINE_DEMO_FRAMES:-300}" --out "$out" 2>build/vitrine-demo.log || {
  cat build/vitrine-demo.log >&2; exit 1; }
echo "vitrine run: no display, so the demo was rendered headless into $out"
tail -n 1 build/vitrine-demo.log
