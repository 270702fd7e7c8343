#!/usr/bin/env bash
# Runs the 15 fresh expert-review profiles of recommendations-2026-12-03-fresh5.md
# (written before any run) and writes each answer to OUTPUT_DIR/<nn>-<slug>.txt;
# the three feuilles de route (profiles 3, 8, 11) go to OUTPUT_DIR/<nn>-<slug>-plan.md and .pdf
# (`essbot plan` takes .pdf, .html or .md; page 1 is judged on the PDF).
# usage (from the checkout's root): bash docs/reviews/recommendations-2026-12-03-fresh5.sh OUTPUT_DIR
# ESSBOT defaults to .venv/bin/essbot. stderr (other readings of a name) goes into the same file.
set -uo pipefail   # one failing profile does not stop the others
out="${1:?usage: $0 OUTPUT_DIR}"
ESSBOT="${ESSBOT:-.venv/bin/essbot}"
mkdir -p "$out"

# 1. Creuse, tapestry town in Petites villes de demain (the Orne's Aubusson is the other reading)
$ESSBOT recommend --territory "Aubusson" --type commune --themes culture-tourisme,emploi-insertion --step soutenir > "$out/01-aubusson.txt" 2>&1

# 2. Roubaix–Tourcoing area: a MEL commune with QPV and a Cité de l'emploi
$ESSBOT recommend --territory "Tourcoing" --type commune --themes emploi-insertion,economie-circulaire,numerique --step ancrer > "$out/02-tourcoing.txt" 2>&1

# 3. Mayotte, chef-lieu
$ESSBOT recommend --territory "Mamoudzou" --type commune --themes petite-enfance-jeunesse,alimentation --step identifier > "$out/03-mamoudzou.txt" 2>&1
$ESSBOT plan --territory "Mamoudzou" --type commune --themes petite-enfance-jeunesse,alimentation --step identifier --output "$out/03-mamoudzou-plan.md" > "$out/03-mamoudzou-plan.log" 2>&1
$ESSBOT plan --territory "Mamoudzou" --type commune --themes petite-enfance-jeunesse,alimentation --step identifier --output "$out/03-mamoudzou-plan.pdf" >> "$out/03-mamoudzou-plan.log" 2>&1

# 4. Commune nouvelle of the Bocage normand, Action cœur de ville
$ESSBOT recommend --territory "Vire Normandie" --type commune --themes services-proximite,petite-enfance-jeunesse --step soutenir > "$out/04-vire-normandie.txt" 2>&1

# 5. QPV of a middle town, Action cœur de ville
$ESSBOT recommend --territory "Châtellerault" --type commune --themes alimentation --step soutenir > "$out/05-chatellerault.txt" 2>&1

# 6. Saint-Pierre-et-Miquelon (collectivité d'outre-mer): the agent types the postal code with the name
$ESSBOT recommend --territory "Saint-Pierre 97500" --type commune --themes alimentation,economie-circulaire --step identifier > "$out/06-saint-pierre-spm.txt" 2>&1

# 7. Pays-scale rural CC of the Cantal: montagne given by the agent (the name alone reads the commune first)
$ESSBOT recommend --territory "Saint-Flour Communauté" --type epci --themes mobilite,services-proximite,sante-social --step identifier --context rural,montagne > "$out/07-saint-flour-communaute.txt" 2>&1

# 8. The largest communauté d'agglomération (158 communes), littoral and inland
$ESSBOT recommend --territory "Communauté d'agglomération du Pays Basque" --type epci --themes habitat --step ancrer > "$out/08-pays-basque.txt" 2>&1
$ESSBOT plan --territory "Communauté d'agglomération du Pays Basque" --type epci --themes habitat --step ancrer --output "$out/08-pays-basque-plan.md" > "$out/08-pays-basque-plan.log" 2>&1
$ESSBOT plan --territory "Communauté d'agglomération du Pays Basque" --type epci --themes habitat --step ancrer --output "$out/08-pays-basque-plan.pdf" >> "$out/08-pays-basque-plan.log" 2>&1

# 9. Métropole of the south
$ESSBOT recommend --territory "Montpellier Méditerranée Métropole" --type epci --themes alimentation,mobilite --step soutenir > "$out/09-montpellier-mediterranee-metropole.txt" 2>&1

# 10. EPT across two départements (Hauts-de-Seine and Val-d'Oise)
$ESSBOT recommend --territory "Boucle Nord de Seine" --type ept --themes habitat,emploi-insertion --step ancrer > "$out/10-boucle-nord-de-seine.txt" 2>&1

# 11. Département with a long ESS policy
$ESSBOT recommend --territory "Gironde" --type departement --themes sante-social,petite-enfance-jeunesse,emploi-insertion --step soutenir > "$out/11-gironde.txt" 2>&1
$ESSBOT plan --territory "Gironde" --type departement --themes sante-social,petite-enfance-jeunesse,emploi-insertion --step soutenir --output "$out/11-gironde-plan.md" > "$out/11-gironde-plan.log" 2>&1
$ESSBOT plan --territory "Gironde" --type departement --themes sante-social,petite-enfance-jeunesse,emploi-insertion --step soutenir --output "$out/11-gironde-plan.pdf" >> "$out/11-gironde-plan.log" 2>&1

# 12. Least populated département, mountain: montagne given by the agent
$ESSBOT recommend --territory "Lozère" --type departement --themes sante-social,services-proximite --step ancrer --context rural,montagne > "$out/12-lozere.txt" 2>&1

# 13. Rural département of the Grand Est
$ESSBOT recommend --territory "Meuse" --type departement --themes emploi-insertion,mobilite --step identifier > "$out/13-meuse.txt" 2>&1

# 14. Région
$ESSBOT recommend --territory "Normandie" --type region --themes alimentation,economie-circulaire --step identifier > "$out/14-normandie.txt" 2>&1

# 15. Région
$ESSBOT recommend --territory "Occitanie" --type region --themes transition-ecologique --step ancrer > "$out/15-occitanie.txt" 2>&1

echo "written to $out"
