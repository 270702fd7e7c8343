#!/usr/bin/env bash
# Runs the 15 fresh expert-review profiles of recommendations-2026-12-02-fresh4.md
# (written before any run) and writes each answer to OUTPUT_DIR/<nn>-<slug>.txt;
# the three feuilles de route (profiles 3, 8, 11) go to OUTPUT_DIR/<nn>-<slug>-plan.md and .pdf
# (`essbot plan` takes .pdf, .html or .md; page 1 is judged on the PDF).
# usage (from the checkout's root): bash docs/reviews/recommendations-2026-12-02-fresh4.sh OUTPUT_DIR
# ESSBOT defaults to .venv/bin/essbot. stderr (other readings of a name) goes into the same file.
set -uo pipefail   # one failing profile does not stop the others
out="${1:?usage: $0 OUTPUT_DIR}"
ESSBOT="${ESSBOT:-.venv/bin/essbot}"
mkdir -p "$out"

# 1. Mountain commune, Alpes (Ubaye): montagne given by the agent (the data cannot detect it)
$ESSBOT recommend --territory "Barcelonnette" --type commune --themes habitat,culture-tourisme --step ancrer --context rural,montagne > "$out/01-barcelonnette.txt" 2>&1

# 2. QPV of Marseille: the agent types the postcode of the 3e arrondissement
$ESSBOT recommend --territory 13003 --type commune --themes emploi-insertion,alimentation,petite-enfance-jeunesse --step soutenir > "$out/02-marseille-13003.txt" 2>&1

# 3. Guyane, space-centre town
$ESSBOT recommend --territory "Kourou" --type commune --themes petite-enfance-jeunesse --step identifier > "$out/03-kourou.txt" 2>&1
$ESSBOT plan --territory "Kourou" --type commune --themes petite-enfance-jeunesse --step identifier --output "$out/03-kourou-plan.md" > "$out/03-kourou-plan.log" 2>&1
$ESSBOT plan --territory "Kourou" --type commune --themes petite-enfance-jeunesse --step identifier --output "$out/03-kourou-plan.pdf" >> "$out/03-kourou-plan.log" 2>&1

# 4. Martinique, collectivité unique (CTM)
$ESSBOT recommend --territory "Martinique" --type region --themes alimentation,economie-circulaire --step ancrer > "$out/04-martinique-ctm.txt" 2>&1

# 5. EPT of the Grand Paris
$ESSBOT recommend --territory "Grand-Orly Seine Bièvre" --type ept --themes economie-circulaire,emploi-insertion,transition-ecologique --step soutenir > "$out/05-grand-orly-seine-bievre.txt" 2>&1

# 6. Communauté d'agglomération, Gard
$ESSBOT recommend --territory "Alès Agglomération" --type epci --themes mobilite,emploi-insertion --step identifier > "$out/06-ales-agglomeration.txt" 2>&1

# 7. Rural CC of the Massif central: montagne and fragile given by the agent
$ESSBOT recommend --territory "Ambert Livradois Forez" --type epci --themes services-proximite,sante-social,petite-enfance-jeunesse --step soutenir --context rural,montagne,fragile > "$out/07-ambert-livradois-forez.txt" 2>&1

# 8. Département of the RSA experiment: the agent types « 66 » (Pyrénées-Orientales)
$ESSBOT recommend --territory 66 --type departement --themes emploi-insertion --step ancrer > "$out/08-pyrenees-orientales.txt" 2>&1
$ESSBOT plan --territory 66 --type departement --themes emploi-insertion --step ancrer --output "$out/08-pyrenees-orientales-plan.md" > "$out/08-pyrenees-orientales-plan.log" 2>&1
$ESSBOT plan --territory 66 --type departement --themes emploi-insertion --step ancrer --output "$out/08-pyrenees-orientales-plan.pdf" >> "$out/08-pyrenees-orientales-plan.log" 2>&1

# 9. Urban département, Pays de la Loire
$ESSBOT recommend --territory "Loire-Atlantique" --type departement --themes habitat,sante-social --step soutenir > "$out/09-loire-atlantique.txt" 2>&1

# 10. Région
$ESSBOT recommend --territory "Hauts-de-France" --type region --themes economie-circulaire,numerique,emploi-insertion --step identifier > "$out/10-hauts-de-france.txt" 2>&1

# 11. Villages d'avenir village, Haute-Saône
$ESSBOT recommend --territory "Pesmes" --type commune --themes services-proximite --step soutenir > "$out/11-pesmes.txt" 2>&1
$ESSBOT plan --territory "Pesmes" --type commune --themes services-proximite --step soutenir --output "$out/11-pesmes-plan.md" > "$out/11-pesmes-plan.log" 2>&1
$ESSBOT plan --territory "Pesmes" --type commune --themes services-proximite --step soutenir --output "$out/11-pesmes-plan.pdf" >> "$out/11-pesmes-plan.log" 2>&1

# 12. Action cœur de ville town of the south-west
$ESSBOT recommend --territory "Villeneuve-sur-Lot" --type commune --themes numerique,culture-tourisme --step ancrer > "$out/12-villeneuve-sur-lot.txt" 2>&1

# 13. Mediterranean littoral commune, Aude
$ESSBOT recommend --territory "Gruissan" --type commune --themes alimentation,culture-tourisme --step identifier > "$out/13-gruissan.txt" 2>&1

# 14. Métropole
$ESSBOT recommend --territory "Eurométropole de Strasbourg" --type epci --themes habitat,transition-ecologique --step ancrer > "$out/14-eurometropole-strasbourg.txt" 2>&1

# 15. Collectivité à statut particulier (commune and département)
$ESSBOT recommend --territory "Ville de Paris" --type commune --themes sante-social --step identifier > "$out/15-ville-de-paris.txt" 2>&1

echo "written to $out"
