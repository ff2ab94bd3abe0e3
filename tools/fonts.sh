#!/usr/bin/env bash
# Rebuilds crates/render/fonts from Debian's fonts-noto-core (Noto, SIL Open Font License 1.1).
# The PDF report embeds subsets of these: Noto Sans for text, and from Noto Sans Math only the
# arrows and relations (→, ≤, ≥) that Noto Sans lacks. Needs `pip install fonttools`.
set -euo pipefail
cd "$(dirname "$0")/.."
src=/usr/share/fonts/truetype/noto
out=crates/render/fonts
cp "$src/NotoSans-Regular.ttf" "$src/NotoSans-Bold.ttf" "$out/"
pyftsubset "$src/NotoSansMath-Regular.ttf" --unicodes="U+2190-21FF,U+2200-22FF" --no-hinting \
    --output-file="$out/NotoSansMath-Symbols.ttf"
