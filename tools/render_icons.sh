#!/bin/sh
# Renders resources/icons/bertlens.svg into the hicolor PNGs that are committed
# beside it (48, 128 and 256 px). Needs rsvg-convert (Debian: librsvg2-bin).
set -eu
cd "$(dirname "$0")/../resources/icons"
for size in 48 128 256; do
  mkdir -p "hicolor/${size}x${size}/apps"
  rsvg-convert -w "$size" -h "$size" bertlens.svg -o "hicolor/${size}x${size}/apps/io.github.bertlens.BertLens.png"
done
