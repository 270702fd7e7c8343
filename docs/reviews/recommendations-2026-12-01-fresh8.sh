#!/usr/bin/env bash
# Runs the 15 fresh expert-review profiles of recommendations-2026-12-01-fresh8.md
# (written before any run) and writes each answer to OUTPUT_DIR/<nn>-<slug>.txt;
# the three feuilles de route (profiles 2, 5, 11) go to OUTPUT_DIR/<nn>-<slug>-plan.md and .pdf
# (`essbot plan` takes .pdf, .html or .md; page 1 is judged on the PDF).
# usage (from the checkout's root): bash docs/reviews/recommendations-2026-12-01-fresh8.sh OUTPUT_DIR
# ESSBOT defaults to .venv/bin/essbot. stderr (other readings of a name) goes into the same file.
set -uo pipefail   # one failing profile does not stop the others
out="${1:?usage: $0 OUTPUT_DIR}"
ESSBOT="${ESSBOT:-.venv/bin/essbot}"
mkdir -p "$out"

# 1. Village of the Cévennes under 500 inhabitants (Lozère): montagne given by the agent (never detected)
$ESSBOT recommend --territory "Vialas" --type commune --themes services-proximite,alimentation --step soutenir --context rural,montagne > "$out/01-vialas.txt" 2>&1

# 2. Petites villes de demain town of the Yonne (about 4,300 inhabitants)
$ESSBOT recommend --territory "Tonnerre" --type commune --themes habitat,numerique --step identifier > "$out/02-tonnerre.txt" 2>&1
$ESSBOT plan --territory "Tonnerre" --type commune --themes habitat,numerique --step identifier --output "$out/02-tonnerre-plan.md" > "$out/02-tonnerre-plan.log" 2>&1
$ESSBOT plan --territory "Tonnerre" --type commune --themes habitat,numerique --step identifier --output "$out/02-tonnerre-plan.pdf" >> "$out/02-tonnerre-plan.log" 2>&1

# 3. QPV commune of the Seine-Saint-Denis (Cité éducative, EPT Grand Paris Grand Est)
$ESSBOT recommend --territory "Clichy-sous-Bois" --type commune --themes petite-enfance-jeunesse,emploi-insertion --step soutenir > "$out/03-clichy-sous-bois.txt" 2>&1

# 4. Littoral town under housing pressure (Finistère, former sardine port)
$ESSBOT recommend --territory "Douarnenez" --type commune --themes habitat,culture-tourisme --step ancrer > "$out/04-douarnenez.txt" 2>&1

# 5. Guyane, the youngest commune of France, on the Maroni
$ESSBOT recommend --territory "Saint-Laurent-du-Maroni" --type commune --themes alimentation,petite-enfance-jeunesse --step soutenir > "$out/05-saint-laurent-du-maroni.txt" 2>&1
$ESSBOT plan --territory "Saint-Laurent-du-Maroni" --type commune --themes alimentation,petite-enfance-jeunesse --step soutenir --output "$out/05-saint-laurent-du-maroni-plan.md" > "$out/05-saint-laurent-du-maroni-plan.log" 2>&1
$ESSBOT plan --territory "Saint-Laurent-du-Maroni" --type commune --themes alimentation,petite-enfance-jeunesse --step soutenir --output "$out/05-saint-laurent-du-maroni-plan.pdf" >> "$out/05-saint-laurent-du-maroni-plan.log" 2>&1

# 6. Middle town of the Allier with an industrial past
$ESSBOT recommend --territory "Montluçon" --type commune --themes culture-tourisme,transition-ecologique --step ancrer > "$out/06-montlucon.txt" 2>&1

# 7. Rural CC of the Drôme (Biovallée): the agent types its everyday name
$ESSBOT recommend --territory "Val de Drôme" --type epci --themes transition-ecologique,alimentation --step ancrer > "$out/07-val-de-drome.txt" 2>&1

# 8. Littoral communauté d'agglomération of south Brittany (PLIE, QPV)
$ESSBOT recommend --territory "Lorient Agglomération" --type epci --themes economie-circulaire,emploi-insertion --step identifier > "$out/08-lorient-agglomeration.txt" 2>&1

# 9. Métropole of the south-west
$ESSBOT recommend --territory "Bordeaux Métropole" --type epci --themes mobilite,sante-social --step soutenir > "$out/09-bordeaux-metropole.txt" 2>&1

# 10. EPT of the Hauts-de-Seine: the agent types the name without its hyphen
$ESSBOT recommend --territory "Vallée Sud Grand Paris" --type ept --themes habitat,economie-circulaire --step ancrer > "$out/10-vallee-sud-grand-paris.txt" 2>&1

# 11. Collectivité européenne d'Alsace (département competences and more): the agent types « Alsace »
$ESSBOT recommend --territory "Alsace" --type departement --themes emploi-insertion,sante-social --step ancrer > "$out/11-alsace.txt" 2>&1
$ESSBOT plan --territory "Alsace" --type departement --themes emploi-insertion,sante-social --step ancrer --output "$out/11-alsace-plan.md" > "$out/11-alsace-plan.log" 2>&1
$ESSBOT plan --territory "Alsace" --type departement --themes emploi-insertion,sante-social --step ancrer --output "$out/11-alsace-plan.pdf" >> "$out/11-alsace-plan.log" 2>&1

# 12. Rural département of the Grand Est
$ESSBOT recommend --territory "Haute-Marne" --type departement --themes services-proximite,mobilite --step identifier > "$out/12-haute-marne.txt" 2>&1

# 13. Overseas département where the State pays the RSA (La Réunion has a département and a région)
$ESSBOT recommend --territory "La Réunion" --type departement --themes sante-social,petite-enfance-jeunesse --step soutenir > "$out/13-la-reunion.txt" 2>&1

# 14. Région of mainland France that cut its ESS budget in 2025, three themes
$ESSBOT recommend --territory "Auvergne-Rhône-Alpes" --type region --themes numerique,economie-circulaire,transition-ecologique --step identifier > "$out/14-auvergne-rhone-alpes.txt" 2>&1

# 15. Collectivité de Corse (région and département competences), no theme given
$ESSBOT recommend --territory "Corse" --type region --step identifier > "$out/15-corse.txt" 2>&1

echo "written to $out"
