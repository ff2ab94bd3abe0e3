#!/usr/bin/env bash
# Renders what vjt produces to PNG in docs/images/: every map, the main charts, and the first pages of
# the demo report (PDF pages via poppler's pdftoppm, SVG figures via headless Chromium), and the web pages.
# Needs: chromium, chromedriver and poppler-utils (Debian: apt-get install chromium chromium-driver poppler-utils).
# Run from anywhere:  bash tools/pictures.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/images
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cargo build --release --quiet
vjt=target/release/vjt
"$vjt" demo --no-serve --out "$tmp/demo" > /dev/null
"$vjt" --db "$tmp/demo/vjt.db" report --out "$tmp/report.html" --pdf "$tmp/report.pdf" --figures "$tmp/fig" > /dev/null
"$vjt" --db "$tmp/demo/vjt.db" report --lang sw --out "$tmp/ripoti.html" --figures "$tmp/fig-sw" > /dev/null

shoot() { # svg file, png file
    local w h
    w=$(grep -o 'width="[0-9]*"' "$1" | head -1 | tr -dc 0-9)
    h=$(grep -o 'height="[0-9]*"' "$1" | head -1 | tr -dc 0-9)
    # Headless Chromium paints only part of very short windows: give short charts room.
    if [ "$h" -lt 300 ]; then h=300; fi
    chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync --user-data-dir="$tmp/chromium" --hide-scrollbars \
        --window-size="$w,$h" --screenshot="$2" "file://$(realpath "$1")" > /dev/null 2>&1
}
for name in map-risk map-roles map-flows map-world chart-exploitation chart-recruitment-by-exploitation chart-risk-change; do
    shoot "$tmp/fig/$name.svg" "$out/$name.png"
done
shoot "$tmp/fig-sw/map-risk.svg" "$out/map-risk-sw.png"
pdftoppm -r 60 -png -f 1 -l 5 "$tmp/report.pdf" "$out/report-page"
# The web pages, as the browser tests walk through them: on a desktop (login, route form, reports, review,
# dashboard) and on a phone (web-phone-*.png).
VJT_SCREENSHOTS="$(realpath "$out")" VJT_REQUIRE_BROWSER=1 cargo test --quiet -p vjt-web --test web -- browser_journey a_day_on_a_phone > /dev/null
echo "pictures written to $out/"
