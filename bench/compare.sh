#!/usr/bin/env bash
# Whole-process comparison of amip with mdBook and typst on this machine, in one go
# (see README, "Leistung und Benchmarks"):
#   1. amip's website build of the example vs. `mdbook build` of the same expanded chapters;
#   2. amip's full build (website + PDF) vs. `typst compile` alone on amip's main.typ;
#   3. the website build of a synthetic programme 50 times the example vs. the example;
#   4. pathological inputs: a 5 MB chapter, a chart with 10,000 points, a table with
#      10,000 rows; peak memory of the 50x build.
# Prints medians and ratios. Targets are reported, not asserted: the script exits non-zero
# only when a tool fails.
#
# Settings (environment): RUNS (default 30), WARMUP (default 3), FACTOR (default 50),
# KEEP=1 keeps the working folder.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

RUNS="${RUNS:-30}"
WARMUP="${WARMUP:-3}"
FACTOR="${FACTOR:-50}"
TYPST_VERSION=0.15.1

apt_install() {
  echo "Installiere $* (Debian-Pakete)"
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  fi
}

# --- tools ------------------------------------------------------------------------------------
command -v hyperfine >/dev/null 2>&1 || apt_install hyperfine
[ -x /usr/bin/time ] || apt_install time
command -v python3 >/dev/null 2>&1 || apt_install python3
if ! command -v mdbook >/dev/null 2>&1; then
  echo "Installiere mdBook (cargo install mdbook --locked, einmalig, einige Minuten)"
  cargo install mdbook --locked
fi
if ! typst --version 2>/dev/null | grep -q '^typst 0\.15\.'; then
  echo "Installiere typst-cli $TYPST_VERSION (einmalig, einige Minuten)"
  cargo install typst-cli --locked --version "$TYPST_VERSION"
fi

echo "Baue amip (release) …"
cargo build --release --quiet --bin amip --example synthetisch --example mdbook_projekt
BIN="${CARGO_TARGET_DIR:-target}/release"
AMIP="$(cd "$BIN" && pwd)/amip"
EXAMPLES="$(cd "$BIN/examples" && pwd)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/amip-vergleich.XXXXXX")"
if [ "${KEEP:-0}" = 1 ]; then
  echo "Arbeitsordner (bleibt erhalten): $WORK"
else
  trap 'rm -rf "$WORK"' EXIT
fi

# --- inputs -----------------------------------------------------------------------------------
mkdir -p "$WORK/beispiel"
cp -r content data "$WORK/beispiel/"
[ -d templates ] && cp -r templates "$WORK/beispiel/"
"$EXAMPLES/mdbook_projekt" "$WORK/beispiel" "$WORK/mdbook" >/dev/null
"$EXAMPLES/synthetisch" "$WORK/synthetisch" "$FACTOR"
"$EXAMPLES/synthetisch" --pathologisch "$WORK/pathologisch"
"$AMIP" --project "$WORK/synthetisch" check >/dev/null
for p in kapitel-5mb diagramm-10000 tabelle-10000; do
  "$AMIP" --project "$WORK/pathologisch/$p" check >/dev/null
done

# The typst floor: amip's own main.typ, compiled by typst alone with amip's arguments.
"$AMIP" --project "$WORK/beispiel" build -q
cp -r "$WORK/beispiel/output/typst" "$WORK/typst-allein"
DATUM="$(sed -n 's/^datum: *\([0-9-]*\).*/\1/p' "$WORK/beispiel/data/programm.yaml")"
STAMP="$(date -u -d "$DATUM" +%s)"
T="$WORK/typst-allein"
TYPST_ALONE="typst compile $T/main.typ $T/programm.pdf --root $T --font-path $T/schriften --ignore-system-fonts --creation-timestamp $STAMP --pdf-standard ua-1,a-2a"

# run NAME ROUNDS RUNS WARMUP (LABEL COMMAND)…: hyperfine in ROUNDS rounds with the commands in
# alternating order, so that a change in the machine's load during the measurement hits all
# commands alike; the summary merges the rounds.
run() {
  local name="$1" rounds="$2" runs="$3" warmup="$4"
  shift 4
  local pairs=("$@") round order i
  for ((round = 1; round <= rounds; round++)); do
    order=()
    if ((round % 2 == 1)); then
      for ((i = 0; i < ${#pairs[@]}; i += 2)); do order+=(-n "${pairs[i]}" "${pairs[i + 1]}"); done
    else
      for ((i = ${#pairs[@]} - 2; i >= 0; i -= 2)); do order+=(-n "${pairs[i]}" "${pairs[i + 1]}"); done
    fi
    echo
    echo "== $name (Runde $round von $rounds)"
    hyperfine -N --style basic --warmup "$warmup" --runs "$runs" \
      --export-json "$WORK/$name.$round.json" "${order[@]}"
  done
}

ROUNDS="${ROUNDS:-3}"
PER_ROUND=$(( (RUNS + ROUNDS - 1) / ROUNDS ))

# --- measurements -----------------------------------------------------------------------------
run website "$ROUNDS" "$PER_ROUND" "$WARMUP" \
  "amip build --html (Beispiel)" "$AMIP --project $WORK/beispiel build --html -q" \
  "mdbook build (Beispiel)" "mdbook build $WORK/mdbook"

run gesamt "$ROUNDS" "$PER_ROUND" "$WARMUP" \
  "amip build (Beispiel, Website und PDF)" "$AMIP --project $WORK/beispiel build -q" \
  "typst compile (main.typ allein)" "$TYPST_ALONE"

run skalierung "$ROUNDS" "$(( PER_ROUND < 4 ? PER_ROUND : 4 ))" 2 \
  "amip build --html (Beispiel)" "$AMIP --project $WORK/beispiel build --html -q" \
  "amip build --html (${FACTOR}x)" "$AMIP --project $WORK/synthetisch build --html -q"

run pathologisch 1 5 1 \
  "amip build --html (Kapitel mit 5 MB)" "$AMIP --project $WORK/pathologisch/kapitel-5mb build --html -q" \
  "amip build --html (Diagramm mit 10.000 Punkten)" "$AMIP --project $WORK/pathologisch/diagramm-10000 build --html -q" \
  "amip build --html (Tabelle mit 10.000 Zeilen)" "$AMIP --project $WORK/pathologisch/tabelle-10000 build --html -q" \
  "amip build (Diagramm mit 10.000 Punkten, mit PDF)" "$AMIP --project $WORK/pathologisch/diagramm-10000 build -q"

# For information: the PDF of the 10,000-row table, amip vs. typst alone on amip's main.typ.
P="$WORK/pathologisch/tabelle-10000"
"$AMIP" --project "$P" build -q
cp -r "$P/output/typst" "$WORK/typst-tabelle"
T="$WORK/typst-tabelle"
run pathologisch_pdf 1 2 0 \
  "amip build (Tabelle mit 10.000 Zeilen, mit PDF)" "$AMIP --project $P build -q" \
  "typst compile (deren main.typ allein)" "typst compile $T/main.typ $T/programm.pdf --root $T --font-path $T/schriften --ignore-system-fonts --creation-timestamp $STAMP --pdf-standard ua-1,a-2a"

# Peak memory (maximum resident set size) of the large build.
/usr/bin/time -f "%M" -o "$WORK/rss.txt" "$AMIP" --project "$WORK/synthetisch" build --html -q

# --- summary ----------------------------------------------------------------------------------
echo
python3 - "$WORK" "$FACTOR" "$(nproc)" <<'PY'
import glob, json, statistics, sys

work, factor, cores = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def results(name):
    """The rounds of one measurement merged: per command all times, median, CPU use."""
    merged = {}
    for path in sorted(glob.glob(f"{work}/{name}.*.json")):
        with open(path) as f:
            for r in json.load(f)["results"]:
                m = merged.setdefault(r["command"], {"command": r["command"], "times": [], "cpu": 0.0})
                m["times"] += r["times"]
                m["cpu"] += (r["user"] + r["system"]) * len(r["times"])
    out = []
    for m in merged.values():
        m["median"] = statistics.median(m["times"])
        m["mean"] = statistics.fmean(m["times"])
        m["cores"] = m["cpu"] / sum(m["times"])
        out.append(m)
    return sorted(out, key=lambda m: order(name, m["command"]))

def order(name, command):
    with open(f"{work}/{name}.1.json") as f:
        first = [r["command"] for r in json.load(f)["results"]]
    return first.index(command)

def ms(seconds):
    return f"{seconds * 1000:9.1f} ms"

def line(text, value):
    print(f"  {text:<52} {value}")

def verdict(ok):
    return "erfüllt" if ok else "NICHT erfüllt"

print("Ergebnisse (Mediane) –", cores, "Kerne")
for name in ["website", "gesamt", "skalierung", "pathologisch", "pathologisch_pdf"]:
    print(f"\n[{name}]")
    for r in results(name):
        line(r["command"], f"{ms(r['median'])}   ({len(r['times'])} Läufe, CPU {r['cores']:.2f} Kerne)")

amip_html, mdbook = (r["median"] for r in results("website"))
amip_full, typst = (r["median"] for r in results("gesamt"))
example, large = results("skalierung")
patho = results("pathologisch")
rss_mb = int(open(f"{work}/rss.txt").read().split()[-1]) / 1024

print("\nVerhältnisse und Ziele")
r1 = amip_html / mdbook
line("Website: amip / mdBook", f"{r1:6.2f}   Ziel ≤ 0,50: {verdict(r1 <= 0.5)}")
r2 = amip_full / typst
line("Gesamt: amip / typst allein", f"{r2:6.2f}   Ziel ≤ 1,15: {verdict(r2 <= 1.15)}")
r3 = large["median"] / example["median"]
line(f"Skalierung: {factor}x / Beispiel", f"{r3:6.1f}   Ziel ≤ {factor}: {verdict(r3 <= factor)}")
line(f"Skalierung: genutzte Kerne ({factor}x)", f"{large['cores']:6.2f}")
line(f"Skalierung: Spitzenspeicher ({factor}x)", f"{rss_mb:6.0f} MB   Ziel < 300 MB: {verdict(rss_mb < 300)}")
slowest = max(r["median"] for r in patho)
line("Pathologische Eingaben: langsamste", f"{slowest:6.2f} s   Ziel < 2 s: {verdict(slowest < 2)}")
table_amip, table_typst = (r["median"] for r in results("pathologisch_pdf"))
line("Tabelle mit PDF: amip / typst allein", f"{table_amip / table_typst:6.2f}   (zur Information)")
PY
