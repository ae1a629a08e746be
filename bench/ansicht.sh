#!/usr/bin/env bash
# Looks at what amip made: builds a project (default: the example) and writes into
# target/ansicht/
#   pdf/seite-NN.png        every page of the PDF (pdftoppm, 60 dpi),
#   site/<seite>-1280.png   every page of the website at 1280 CSS pixels (whole page),
#   site/<seite>-320.png    … and at 320 CSS pixels (headless Chromium via playwright-core).
# Then open the PNGs and look. Usage: bash bench/ansicht.sh [PROJEKTORDNER]
# Needs typst 0.15, pdftoppm (poppler-utils), Chromium and `npm ci` in tests/browser.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
project="$(cd "${1:-$repo}" && pwd)"
out="$repo/target/ansicht"
export PATH="$HOME/.cargo/bin:$PATH"

cargo build --quiet --manifest-path "$repo/Cargo.toml"
"$repo/target/debug/amip" --project "$project" build -q
rm -rf "$out"
mkdir -p "$out/pdf" "$out/site"
pdf="$(find "$project/output" -maxdepth 1 -name '*.pdf' | sort | head -n 1)"
pdftoppm -r 60 -png "$pdf" "$out/pdf/seite"
if [ ! -d "$repo/tests/browser/node_modules/playwright-core" ]; then
  (cd "$repo/tests/browser" && npm ci --no-audit --no-fund)
fi
node "$repo/tests/browser/ansicht.mjs" "$project/output/html" "$out/site"
echo "Ansicht: $(find "$out/pdf" -name '*.png' | wc -l) PDF-Seiten, $(find "$out/site" -name '*.png' | wc -l) Bildschirmfotos in $out"
