#!/usr/bin/env bash
# Runs the 15 fresh expert-review profiles of recommendations-2026-12-01-fresh7.md
# (written before any run) and writes each answer to OUTPUT_DIR/<nn>-<slug>.txt;
# the three feuilles de route (profiles 2, 10, 14) go to OUTPUT_DIR/<nn>-<slug>-plan.md and .pdf
# (`essbot plan` takes .pdf, .html or .md; page 1 is judged on the PDF).
# usage (from the checkout's root): bash docs/reviews/recommendations-2026-12-01-fresh7.sh OUTPUT_DIR
# ESSBOT defaults to .venv/bin/essbot. stderr (other readings of a name) goes into the same file.
set -uo pipefail   # one failing profile does not stop the others
out="${1:?usage: $0 OUTPUT_DIR}"
ESSBOT="${ESSBOT:-.venv/bin/essbot}"
mkdir -p "$out"

# 1. Mountain village of under 300 inhabitants, Queyras (Hautes-Alpes): montagne given by the agent (never detected)
$ESSBOT recommend --territory "Saint-Véran" --type commune --themes culture-tourisme,services-proximite --step soutenir --context rural,montagne > "$out/01-saint-veran.txt" 2>&1

# 2. Petites villes de demain town of the Hérault (about 7,000 inhabitants, old centre in a QPV)
$ESSBOT recommend --territory "Lodève" --type commune --themes habitat,sante-social --step identifier > "$out/02-lodeve.txt" 2>&1
$ESSBOT plan --territory "Lodève" --type commune --themes habitat,sante-social --step identifier --output "$out/02-lodeve-plan.md" > "$out/02-lodeve-plan.log" 2>&1
$ESSBOT plan --territory "Lodève" --type commune --themes habitat,sante-social --step identifier --output "$out/02-lodeve-plan.pdf" >> "$out/02-lodeve-plan.log" 2>&1

# 3. QPV commune of the Lyon area (Les Minguettes), in the Métropole de Lyon
$ESSBOT recommend --territory "Vénissieux" --type commune --themes emploi-insertion,petite-enfance-jeunesse --step soutenir > "$out/03-venissieux.txt" 2>&1

# 4. Commune of a Territoire d'industrie (Plastics Vallée, Haut-Bugey Agglomération), three themes
$ESSBOT recommend --territory "Oyonnax" --type commune --themes economie-circulaire,emploi-insertion,mobilite --step identifier > "$out/04-oyonnax.txt" 2>&1

# 5. Island littoral commune with no intercommunalité: the agent types the everyday name
$ESSBOT recommend --territory "Île d'Yeu" --type commune --themes habitat,services-proximite --step soutenir > "$out/05-ile-d-yeu.txt" 2>&1

# 6. Martinique, commune of the north Caribbean coast (erosion, relocation of the bourg)
$ESSBOT recommend --territory "Le Prêcheur" --type commune --themes transition-ecologique,culture-tourisme --step identifier > "$out/06-le-precheur.txt" 2>&1

# 7. Ville de Paris (commune and département): the agent types « Paris »
$ESSBOT recommend --territory "Paris" --type commune --themes habitat,culture-tourisme --step ancrer > "$out/07-paris.txt" 2>&1

# 8. Rural CC of the Pas-de-Calais (103 communes), no theme given
$ESSBOT recommend --territory "CC du Ternois" --type epci --step ancrer > "$out/08-cc-du-ternois.txt" 2>&1

# 9. Communauté d'agglomération of the mutualist insurers, with a PTCE: the agent types its everyday name
$ESSBOT recommend --territory "Niort Agglo" --type epci --themes numerique,sante-social --step ancrer > "$out/09-niort-agglo.txt" 2>&1

# 10. Communauté urbaine of 143 communes, urban and rural
$ESSBOT recommend --territory "Grand Reims" --type epci --themes alimentation,transition-ecologique --step ancrer > "$out/10-grand-reims.txt" 2>&1
$ESSBOT plan --territory "Grand Reims" --type epci --themes alimentation,transition-ecologique --step ancrer --output "$out/10-grand-reims-plan.md" > "$out/10-grand-reims-plan.log" 2>&1
$ESSBOT plan --territory "Grand Reims" --type epci --themes alimentation,transition-ecologique --step ancrer --output "$out/10-grand-reims-plan.pdf" >> "$out/10-grand-reims-plan.log" 2>&1

# 11. EPT of the Val-de-Marne (waste is an EPT competence)
$ESSBOT recommend --territory "Grand Paris Sud Est Avenir" --type ept --themes economie-circulaire,emploi-insertion --step identifier > "$out/11-grand-paris-sud-est-avenir.txt" 2>&1

# 12. Rural département of the Nouvelle-Aquitaine
$ESSBOT recommend --territory "Corrèze" --type departement --themes sante-social,mobilite --step soutenir > "$out/12-correze.txt" 2>&1

# 13. Overseas département that still pays the RSA itself (Guadeloupe has a département and a région)
$ESSBOT recommend --territory "Guadeloupe" --type departement --themes alimentation,emploi-insertion --step soutenir > "$out/13-guadeloupe.txt" 2>&1

# 14. Département de Mayotte (département and région competences), after cyclone Chido
$ESSBOT recommend --territory "Mayotte" --type departement --themes petite-enfance-jeunesse,habitat --step identifier > "$out/14-mayotte.txt" 2>&1
$ESSBOT plan --territory "Mayotte" --type departement --themes petite-enfance-jeunesse,habitat --step identifier --output "$out/14-mayotte-plan.md" > "$out/14-mayotte-plan.log" 2>&1
$ESSBOT plan --territory "Mayotte" --type departement --themes petite-enfance-jeunesse,habitat --step identifier --output "$out/14-mayotte-plan.pdf" >> "$out/14-mayotte-plan.log" 2>&1

# 15. Région of mainland France
$ESSBOT recommend --territory "Bourgogne-Franche-Comté" --type region --themes numerique,transition-ecologique --step ancrer > "$out/15-bourgogne-franche-comte.txt" 2>&1

echo "written to $out"
