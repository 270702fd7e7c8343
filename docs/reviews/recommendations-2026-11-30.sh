#!/usr/bin/env bash
# Re-run the 15 profiles of recommendations-2026-11-30.md (from the repository root).
# Usage: bash docs/reviews/recommendations-2026-11-30.sh [OUTDIR]   (default /tmp/rate14)
set -u
ESSBOT=${ESSBOT:-.venv/bin/essbot}
OUT=${1:-/tmp/rate14}
mkdir -p "$OUT"
run() {  # run NAME TERRITORY THEMES STEP
    # there is no `essbot territory` command: the JSON profile shows how the territory is read
    "$ESSBOT" recommend --territory "$2" --themes "$3" --step "$4" --json > "$OUT/$1.json" 2>&1
    "$ESSBOT" recommend --territory "$2" --themes "$3" --step "$4" > "$OUT/$1.txt" 2>&1
}
run p01 "Gentioux-Pigerolles" services-proximite,alimentation identifier
run p02 "Lodève" culture-tourisme,habitat soutenir
run p03 "Roubaix" emploi-insertion,economie-circulaire ancrer
run p04 "Clichy-sous-Bois" petite-enfance-jeunesse,sante-social identifier
run p05 "Bordeaux Métropole" economie-circulaire,mobilite ancrer
run p06 "CC de la Vallée de Chamonix-Mont-Blanc" habitat,mobilite soutenir
run p07 "Douarnenez" alimentation,economie-circulaire identifier
run p08 "Mamoudzou" emploi-insertion,services-proximite soutenir
run p09 "Saint-Laurent-du-Maroni" alimentation,transition-ecologique ancrer
run p10 "Lozère" sante-social,habitat soutenir
run p11 "Nord" emploi-insertion ancrer
run p12 "Auvergne-Rhône-Alpes" transition-ecologique,numerique identifier
run p13 "Plaine Commune" economie-circulaire,emploi-insertion soutenir
run p14 "Grand Auch Cœur de Gascogne" alimentation identifier
run p15 "Corte" culture-tourisme,numerique identifier
echo "outputs in $OUT"
