#!/usr/bin/env bash
# Runs the 15 fresh expert-review profiles of recommendations-2026-11-30-fresh.md
# (written before any run) and writes each answer to OUTPUT_DIR/<nn>-<slug>.txt;
# the three feuilles de route go to OUTPUT_DIR/<nn>-<slug>-plan.md and .pdf (`essbot plan`
# takes .pdf, .html or .md; page 1 is judged on the PDF).
# usage (from the checkout's root): bash docs/reviews/recommendations-2026-11-30-fresh.sh OUTPUT_DIR
# ESSBOT defaults to .venv/bin/essbot. stderr (other readings of a name) goes into the same file.
set -uo pipefail   # one failing profile does not stop the others
out="${1:?usage: $0 OUTPUT_DIR}"
ESSBOT="${ESSBOT:-.venv/bin/essbot}"
mkdir -p "$out"

# 1. Village of 510 inhabitants, Ardèche (Villages d'avenir, montagne)
$ESSBOT recommend --territory "Saint-Pierreville" --type commune --themes services-proximite,culture-tourisme --step identifier > "$1/01-saint-pierreville.txt" 2>&1
$ESSBOT plan --territory "Saint-Pierreville" --type commune --themes services-proximite,culture-tourisme --step identifier --output "$1/01-saint-pierreville-plan.md" > "$1/01-saint-pierreville-plan.log" 2>&1
$ESSBOT plan --territory "Saint-Pierreville" --type commune --themes services-proximite,culture-tourisme --step identifier --output "$1/01-saint-pierreville-plan.pdf" >> "$1/01-saint-pierreville-plan.log" 2>&1

# 2. Small town in Petites villes de demain, Nièvre
$ESSBOT recommend --territory "Clamecy" --type commune --themes habitat,services-proximite --step soutenir > "$1/02-clamecy.txt" 2>&1

# 3. QPV commune of the Lyon metropolis
$ESSBOT recommend --territory "Vaulx-en-Velin" --type commune --themes emploi-insertion,petite-enfance-jeunesse --step ancrer > "$1/03-vaulx-en-velin.txt" 2>&1

# 4. Métropole
$ESSBOT recommend --territory "Nantes Métropole" --type epci --themes habitat,transition-ecologique --step ancrer > "$1/04-nantes-metropole.txt" 2>&1

# 5. CC de montagne, Pyrénées
$ESSBOT recommend --territory "CC Pyrénées Haut Garonnaises" --type epci --themes culture-tourisme,mobilite --step ancrer > "$1/05-cc-pyrenees-haut-garonnaises.txt" 2>&1

# 6. Littoral commune, Hérault (ACV, QPV)
$ESSBOT recommend --territory "Sète" --type commune --themes alimentation,emploi-insertion --step soutenir > "$1/06-sete.txt" 2>&1

# 7. Overseas town, La Réunion: the agent types Saint-Benoît's postcode
$ESSBOT recommend --territory 97470 --type commune --themes emploi-insertion,numerique --step soutenir > "$1/07-saint-benoit-reunion.txt" 2>&1
$ESSBOT plan --territory 97470 --type commune --themes emploi-insertion,numerique --step soutenir --output "$1/07-saint-benoit-reunion-plan.md" > "$1/07-saint-benoit-reunion-plan.log" 2>&1
$ESSBOT plan --territory 97470 --type commune --themes emploi-insertion,numerique --step soutenir --output "$1/07-saint-benoit-reunion-plan.pdf" >> "$1/07-saint-benoit-reunion-plan.log" 2>&1

# 8. Rural département
$ESSBOT recommend --territory "Indre" --type departement --themes sante-social,habitat --step soutenir > "$1/08-indre.txt" 2>&1

# 9. Urban département
$ESSBOT recommend --territory "Bouches-du-Rhône" --type departement --themes emploi-insertion --step ancrer > "$1/09-bouches-du-rhone.txt" 2>&1
$ESSBOT plan --territory "Bouches-du-Rhône" --type departement --themes emploi-insertion --step ancrer --output "$1/09-bouches-du-rhone-plan.md" > "$1/09-bouches-du-rhone-plan.log" 2>&1
$ESSBOT plan --territory "Bouches-du-Rhône" --type departement --themes emploi-insertion --step ancrer --output "$1/09-bouches-du-rhone-plan.pdf" >> "$1/09-bouches-du-rhone-plan.log" 2>&1

# 10. Région
$ESSBOT recommend --territory "Nouvelle-Aquitaine" --type region --themes transition-ecologique,economie-circulaire --step identifier > "$1/10-nouvelle-aquitaine.txt" 2>&1

# 11. Communauté d'agglomération
$ESSBOT recommend --territory "CA du Beauvaisis" --type epci --themes mobilite --step identifier > "$1/11-ca-beauvaisis.txt" 2>&1

# 12. Pays-scale rural CC
$ESSBOT recommend --territory "Grand Figeac" --type epci --themes petite-enfance-jeunesse,services-proximite --step identifier > "$1/12-grand-figeac.txt" 2>&1

# 13. Commune nouvelle, Maine-et-Loire (PVD)
$ESSBOT recommend --territory "Mauges-sur-Loire" --type commune --themes transition-ecologique,mobilite --step soutenir > "$1/13-mauges-sur-loire.txt" 2>&1

# 14. Territoires d'industrie town (ACV, QPV, Vosges)
$ESSBOT recommend --territory "Saint-Dié-des-Vosges" --type commune --themes emploi-insertion,economie-circulaire --step identifier > "$1/14-saint-die-des-vosges.txt" 2>&1

# 15. EPT, Seine-Saint-Denis
$ESSBOT recommend --territory "Est Ensemble" --type ept --themes alimentation,economie-circulaire --step ancrer > "$1/15-est-ensemble.txt" 2>&1

echo "written to $1"
