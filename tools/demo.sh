#!/usr/bin/env bash
# The command-line demo: what BertLens's engine gives for one sentence under
# BERT's bidirectional mask and under a left-to-right mask. Until the bundled
# pretrained model exists it runs on a random-weight test checkpoint, so the
# guesses are noise; the point is the shape of the output.
set -euo pipefail
cd "$(dirname "$0")/.."
cli=${1:-build/app/bertlens-cli}
model=${BERTLENS_DEMO_MODEL:-tests/fixtures/models/h12-f32}
text=${BERTLENS_DEMO_TEXT:-"the [MASK] barked at the mailman ."}

echo "model: $model   text: $text"
"$cli" tokenize --model "$model" --text "$text"
for mode in bidirectional causal; do
  "$cli" analyze --model "$model" --text "$text" --mask-mode "$mode" --top-k 3 | python3 tools/show_analysis.py
done
