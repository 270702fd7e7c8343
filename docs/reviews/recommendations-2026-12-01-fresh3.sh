#!/usr/bin/env bash
# Runs the 15 fresh expert-review profiles of recommendations-2026-12-01-fresh3.md
# (written before any run) and writes each answer to OUTPUT_DIR/<nn>-<slug>.txt;
# the three feuilles de route (profiles 1, 6, 10) go to OUTPUT_DIR/<nn>-<slug>-plan.md and .pdf
# (`essbot plan` takes .pdf, .html or .md; page 1 is judged on the PDF).
# usage (from the checkout's root): bash docs/reviews/recommendations-2026-12-01-fresh3.sh OUTPUT_DIR
# ESSBOT defaults to .venv/bin/essbot. stderr (other readings of a name) goes into the same file.
# --context is given only where the agent adds a context the data cannot suggest (montagne,
# fragile); it replaces the suggested contexts, so it lists every context the agent keeps.
set -uo pipefail   # one failing profile does not stop the others
out="${1:?usage: $0 OUTPUT_DIR}"
ESSBOT="${ESSBOT:-.venv/bin/essbot}"
mkdir -p "$out"

# 1. Mountain commune, Massif central (PVD; the agent adds montagne)
$ESSBOT recommend --territory "Le Chambon-sur-Lignon" --type commune --context rural,montagne --themes culture-tourisme,habitat --step identifier > "$out/01-le-chambon-sur-lignon.txt" 2>&1
$ESSBOT plan --territory "Le Chambon-sur-Lignon" --type commune --context rural,montagne --themes culture-tourisme,habitat --step identifier --output "$out/01-le-chambon-sur-lignon-plan.md" > "$out/01-le-chambon-sur-lignon-plan.log" 2>&1
$ESSBOT plan --territory "Le Chambon-sur-Lignon" --type commune --context rural,montagne --themes culture-tourisme,habitat --step identifier --output "$out/01-le-chambon-sur-lignon-plan.pdf" >> "$out/01-le-chambon-sur-lignon-plan.log" 2>&1

# 2. QPV commune of the Toulon métropole (Cités de l'emploi, littoral)
$ESSBOT recommend --territory "La Seyne-sur-Mer" --type commune --themes emploi-insertion,petite-enfance-jeunesse --step soutenir > "$out/02-la-seyne-sur-mer.txt" 2>&1

# 3. La Réunion: the agent types Le Port's INSEE code (ACV, QPV, littoral)
$ESSBOT recommend --territory 97407 --type commune --themes economie-circulaire,emploi-insertion --step ancrer > "$out/03-le-port.txt" 2>&1

# 4. Martinique, rural north Atlantic coast
$ESSBOT recommend --territory "Le Lorrain" --type commune --themes alimentation --step identifier > "$out/04-le-lorrain.txt" 2>&1

# 5. EPT of the Grand Paris
$ESSBOT recommend --territory "Paris Terres d'Envol" --type ept --themes emploi-insertion,mobilite,numerique --step identifier > "$out/05-paris-terres-d-envol.txt" 2>&1

# 6. Communauté d'agglomération, Occitanie (ACV, QPV)
$ESSBOT recommend --territory "Carcassonne Agglo" --type epci --themes economie-circulaire --step soutenir > "$out/06-carcassonne-agglo.txt" 2>&1
$ESSBOT plan --territory "Carcassonne Agglo" --type epci --themes economie-circulaire --step soutenir --output "$out/06-carcassonne-agglo-plan.md" > "$out/06-carcassonne-agglo-plan.log" 2>&1
$ESSBOT plan --territory "Carcassonne Agglo" --type epci --themes economie-circulaire --step soutenir --output "$out/06-carcassonne-agglo-plan.pdf" >> "$out/06-carcassonne-agglo-plan.log" 2>&1

# 7. Rural CC of the Hauts-de-France (the agent adds fragile)
$ESSBOT recommend --territory "CC de la Thiérache du Centre" --type epci --context rural,fragile --themes mobilite,services-proximite,sante-social --step ancrer > "$out/07-cc-thierache-du-centre.txt" 2>&1

# 8. Rural mountain département of the south-west (the agent adds montagne)
$ESSBOT recommend --territory "Ariège" --type departement --context rural,montagne --themes emploi-insertion --step soutenir > "$out/08-ariege.txt" 2>&1

# 9. Urban département outside Île-de-France: the agent types « 31 » (Haute-Garonne)
$ESSBOT recommend --territory 31 --type departement --themes habitat,sante-social --step ancrer > "$out/09-haute-garonne.txt" 2>&1

# 10. Région
$ESSBOT recommend --territory "Grand Est" --type region --themes emploi-insertion,economie-circulaire,transition-ecologique --step ancrer > "$out/10-grand-est.txt" 2>&1
$ESSBOT plan --territory "Grand Est" --type region --themes emploi-insertion,economie-circulaire,transition-ecologique --step ancrer --output "$out/10-grand-est-plan.md" > "$out/10-grand-est-plan.log" 2>&1
$ESSBOT plan --territory "Grand Est" --type region --themes emploi-insertion,economie-circulaire,transition-ecologique --step ancrer --output "$out/10-grand-est-plan.pdf" >> "$out/10-grand-est-plan.log" 2>&1

# 11. Villages d'avenir village, Cher
$ESSBOT recommend --territory "Le Châtelet" --type commune --themes services-proximite --step soutenir > "$out/11-le-chatelet.txt" 2>&1

# 12. Action cœur de ville town in the east (QPV)
$ESSBOT recommend --territory "Lunéville" --type commune --themes culture-tourisme,habitat --step ancrer > "$out/12-luneville.txt" 2>&1

# 13. Mediterranean littoral commune (PVD, fishing port)
$ESSBOT recommend --territory "Port-Vendres" --type commune --themes alimentation,transition-ecologique --step soutenir > "$out/13-port-vendres.txt" 2>&1

# 14. Métropole
$ESSBOT recommend --territory "Grenoble-Alpes Métropole" --type epci --themes mobilite,habitat --step identifier > "$out/14-grenoble-alpes-metropole.txt" 2>&1

# 15. Rural agri-food CC of inland Brittany
$ESSBOT recommend --territory "Loudéac Communauté Bretagne Centre" --type epci --themes alimentation,emploi-insertion --step identifier > "$out/15-loudeac-communaute.txt" 2>&1

echo "written to $out"
