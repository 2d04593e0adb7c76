#!/usr/bin/env bash
# The demo: opens the BertLens window on "the [MASK] barked at the mailman .",
# already analysed. Where there is no display (a server, a container, CI) it
# says so and, instead of failing, writes the demo figures with the window's
# batch export (bertlens --export) and prints what the command-line engine
# gives for the sentence under both mask modes and from the model's twins.
#
#   tools/demo.sh [path/to/bertlens-cli]      (the window is looked for beside it)
set -euo pipefail
cd "$(dirname "$0")/.."
cli=${1:-build/app/bertlens-cli}
window="$(dirname "$cli")/bertlens"
text=${BERTLENS_DEMO_TEXT:-"the [MASK] barked at the mailman ."}
model=${BERTLENS_DEMO_MODEL:-}
view=()
if [ -z "$model" ]; then
  if [ -f resources/models/bertlens-mini/config.json ]; then
    model=resources/models/bertlens-mini
    # The bundled model's layer 3, head 0: [MASK] looks straight at "barked"
    # (its card says which head does what).
    view=(--layer 3 --head 0)
  else
    model=tests/fixtures/models/h12-f32
    echo "note: the bundled model (resources/models/bertlens-mini) is missing: using a random-weight test checkpoint, so the guesses are noise"
  fi
fi

out=${BERTLENS_DEMO_OUT:-build/demo-figures}
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${BERTLENS_DEMO_NO_WINDOW:-}" ]; then
  echo "== opening the BertLens window (model: $model)"
  if "$window" --model "$model" --text "$text" "${view[@]}"; then exit 0; fi
  # Qt stops at once when DISPLAY names a display it cannot reach (an ssh
  # session without X forwarding, a stale variable): fall back to the figures.
  echo "== the window could not open on this display (DISPLAY=${DISPLAY:-}, WAYLAND_DISPLAY=${WAYLAND_DISPLAY:-})."
else
  echo "== no display here (DISPLAY and WAYLAND_DISPLAY are unset), so the window cannot open."
fi
echo "   Writing the demo figures with the batch export instead: $out/"
"$window" --export "$out" --model "$model" --text "$text" --view all --format png "${view[@]}"
"$window" --export "$out" --model "$model" --text "$text" --view compare --format pdf "${view[@]}"
echo "   Open them with an image viewer; on a machine with a display, tools/setup.sh opens the window."

echo "== the engine from the command line (model: $model)   text: $text"
"$cli" tokenize --model "$model" --text "$text"
for mode in bidirectional causal; do
  "$cli" analyze --model "$model" --text "$text" --mask-mode "$mode" --top-k 3 | python3 tools/show_analysis.py
done
# The twins trained one way, when the model has them: the honest
# left-to-right reader, and its mirror.
for twin in "$model-l2r" "$model-r2l"; do
  if [ -f "$twin/config.json" ]; then
    echo "== its twin $twin"
    "$cli" analyze --model "$twin" --text "$text" --top-k 3 | python3 tools/show_analysis.py
  fi
done
