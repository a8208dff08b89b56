#!/usr/bin/env bash
# One command: install what is missing, build, and run the main job.
# Today's main job: `vitrine detect` over frames of the built-in demo scene (printed markers on a
# shelf, drawn by Vitrine itself, so no camera or media is needed), JSON Lines into a file.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
out=build/demo-detect.jsonl
./build/vitrine detect "demo:${VITRINE_DEMO_FRAMES:-60}" >"$out"
frames=$(wc -l <"$out")
markers=$(grep -o '"id":' "$out" | wc -l)
echo "vitrine detect: $frames demo frames, $markers markers found, poses and timings in $out"
