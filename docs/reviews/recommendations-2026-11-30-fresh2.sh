#!/usr/bin/env bash
# Runs the 15 fresh expert-review profiles of recommendations-2026-11-30-fresh2.md
# (written before any run) and writes each answer to OUTPUT_DIR/<nn>-<slug>.txt;
# the three feuilles de route (profiles 1, 9, 12) go to OUTPUT_DIR/<nn>-<slug>-plan.md and .pdf
# (`essbot plan` takes .pdf, .html or .md; page 1 is judged on the PDF).
# usage (from the checkout's root): bash docs/reviews/recommendations-2026-11-30-fresh2.sh OUTPUT_DIR
# ESSBOT defaults to .venv/bin/essbot. stderr (other readings of a name) goes into the same file.
set -uo pipefail   # one failing profile does not stop the others
out="${1:?usage: $0 OUTPUT_DIR}"
ESSBOT="${ESSBOT:-.venv/bin/essbot}"
mkdir -p "$out"

# 1. Creuse village, plateau de Millevaches (montagne, FRR)
$ESSBOT recommend --territory "Royère-de-Vassivière" --type commune --themes services-proximite --step identifier > "$1/01-royere-de-vassiviere.txt" 2>&1
$ESSBOT plan --territory "Royère-de-Vassivière" --type commune --themes services-proximite --step identifier --output "$1/01-royere-de-vassiviere-plan.md" > "$1/01-royere-de-vassiviere-plan.log" 2>&1
$ESSBOT plan --territory "Royère-de-Vassivière" --type commune --themes services-proximite --step identifier --output "$1/01-royere-de-vassiviere-plan.pdf" >> "$1/01-royere-de-vassiviere-plan.log" 2>&1

# 2. MEL commune with QPV
$ESSBOT recommend --territory "Wattrelos" --type commune --themes emploi-insertion,petite-enfance-jeunesse,numerique --step soutenir > "$1/02-wattrelos.txt" 2>&1

# 3. Mayotte: the agent types Koungou's INSEE code
$ESSBOT recommend --territory 97610 --type commune --themes alimentation,emploi-insertion --step identifier > "$1/03-koungou.txt" 2>&1

# 4. Village of 476 inhabitants, Bourgogne-Franche-Comté
$ESSBOT recommend --territory "Vézelay" --type commune --themes culture-tourisme,mobilite --step ancrer > "$1/04-vezelay.txt" 2>&1

# 5. Petites villes de demain, Centre-Val de Loire
$ESSBOT recommend --territory "Loches" --type commune --themes habitat,services-proximite --step soutenir > "$1/05-loches.txt" 2>&1

# 6. Métropole
$ESSBOT recommend --territory "Métropole Rouen Normandie" --type epci --themes economie-circulaire,transition-ecologique --step ancrer > "$1/06-metropole-rouen-normandie.txt" 2>&1

# 7. Communauté urbaine, Territoires d'industrie
$ESSBOT recommend --territory "Communauté urbaine de Dunkerque" --type epci --themes mobilite,emploi-insertion,transition-ecologique --step identifier > "$1/07-cu-dunkerque.txt" 2>&1

# 8. CC in the Jura mountains, Territoires d'industrie
$ESSBOT recommend --territory "CC Haut-Jura Saint-Claude" --type epci --themes emploi-insertion,culture-tourisme --step soutenir > "$1/08-cc-haut-jura-saint-claude.txt" 2>&1

# 9. Littoral town on the Channel (ACV, QPV)
$ESSBOT recommend --territory "Fécamp" --type commune --themes alimentation --step soutenir > "$1/09-fecamp.txt" 2>&1
$ESSBOT plan --territory "Fécamp" --type commune --themes alimentation --step soutenir --output "$1/09-fecamp-plan.md" > "$1/09-fecamp-plan.log" 2>&1
$ESSBOT plan --territory "Fécamp" --type commune --themes alimentation --step soutenir --output "$1/09-fecamp-plan.pdf" >> "$1/09-fecamp-plan.log" 2>&1

# 10. Guadeloupe (ACV, NPNRU)
$ESSBOT recommend --territory "Pointe-à-Pitre" --type commune --themes habitat,emploi-insertion --step ancrer > "$1/10-pointe-a-pitre.txt" 2>&1

# 11. Rural mountain département
$ESSBOT recommend --territory "Cantal" --type departement --themes sante-social,mobilite,services-proximite --step identifier > "$1/11-cantal.txt" 2>&1

# 12. Urban département of Île-de-France: the agent types « 94 » (Val-de-Marne)
$ESSBOT recommend --territory 94 --type departement --themes sante-social --step ancrer > "$1/12-val-de-marne.txt" 2>&1
$ESSBOT plan --territory 94 --type departement --themes sante-social --step ancrer --output "$1/12-val-de-marne-plan.md" > "$1/12-val-de-marne-plan.log" 2>&1
$ESSBOT plan --territory 94 --type departement --themes sante-social --step ancrer --output "$1/12-val-de-marne-plan.pdf" >> "$1/12-val-de-marne-plan.log" 2>&1

# 13. Région
$ESSBOT recommend --territory "Bretagne" --type region --themes numerique,economie-circulaire --step soutenir > "$1/13-bretagne.txt" 2>&1

# 14. CA in Territoires d'industrie: the agent types the SIREN of Pays de Montbéliard Agglomération
$ESSBOT recommend --territory 200065647 --type epci --themes emploi-insertion,mobilite,economie-circulaire --step ancrer > "$1/14-pays-de-montbeliard.txt" 2>&1

# 15. Corse (ACV, QPV, littoral)
$ESSBOT recommend --territory "Bastia" --type commune --themes petite-enfance-jeunesse,culture-tourisme --step identifier > "$1/15-bastia.txt" 2>&1

echo "written to $1"
