#!/usr/bin/env bash
# Runs the 15 fresh expert-review profiles of recommendations-2026-12-01-fresh6.md
# (written before any run) and writes each answer to OUTPUT_DIR/<nn>-<slug>.txt;
# the three feuilles de route (profiles 2, 10, 15) go to OUTPUT_DIR/<nn>-<slug>-plan.md and .pdf
# (`essbot plan` takes .pdf, .html or .md; page 1 is judged on the PDF).
# usage (from the checkout's root): bash docs/reviews/recommendations-2026-12-01-fresh6.sh OUTPUT_DIR
# ESSBOT defaults to .venv/bin/essbot. stderr (other readings of a name) goes into the same file.
set -uo pipefail   # one failing profile does not stop the others
out="${1:?usage: $0 OUTPUT_DIR}"
ESSBOT="${ESSBOT:-.venv/bin/essbot}"
mkdir -p "$out"

# 1. Village of about 200 inhabitants, Centre Bretagne (CC du Kreiz-Breizh)
$ESSBOT recommend --territory "Trémargat" --type commune --themes services-proximite,alimentation --step soutenir > "$out/01-tremargat.txt" 2>&1

# 2. Bourg-centre of the Gers in Petites villes de demain and FRR (FRR is never detected: the agent adds it)
$ESSBOT recommend --territory "Condom" --type commune --themes sante-social,mobilite --step identifier --programmes pvd,frr > "$out/02-condom.txt" 2>&1
$ESSBOT plan --territory "Condom" --type commune --themes sante-social,mobilite --step identifier --programmes pvd,frr --output "$out/02-condom-plan.md" > "$out/02-condom-plan.log" 2>&1
$ESSBOT plan --territory "Condom" --type commune --themes sante-social,mobilite --step identifier --programmes pvd,frr --output "$out/02-condom-plan.pdf" >> "$out/02-condom-plan.log" 2>&1

# 3. QPV town of the Nord, Action cœur de ville
$ESSBOT recommend --territory "Denain" --type commune --themes emploi-insertion,numerique --step soutenir > "$out/03-denain.txt" 2>&1

# 4. Action cœur de ville town of the Centre-Val de Loire
$ESSBOT recommend --territory "Vierzon" --type commune --themes services-proximite,economie-circulaire --step soutenir > "$out/04-vierzon.txt" 2>&1

# 5. La Réunion, cirque of the Hauts: montagne given by the agent (never detected)
$ESSBOT recommend --territory "Salazie" --type commune --themes alimentation,culture-tourisme --step identifier --context outre-mer,rural,montagne > "$out/05-salazie.txt" 2>&1

# 6. Littoral commune wholly in the Parc naturel régional de Camargue
$ESSBOT recommend --territory "Saintes-Maries-de-la-Mer" --type commune --themes habitat,transition-ecologique --step identifier > "$out/06-saintes-maries-de-la-mer.txt" 2>&1

# 7. Saint-Martin (collectivité d'outre-mer, outermost region of the EU): the agent types the postal code with the name
$ESSBOT recommend --territory "Saint-Martin 97150" --type commune --themes economie-circulaire --step identifier > "$out/07-saint-martin.txt" 2>&1

# 8. Rural CC of the Saône-et-Loire, no theme given
$ESSBOT recommend --territory "Communauté de communes du Clunisois" --type epci --step identifier > "$out/08-cc-du-clunisois.txt" 2>&1

# 9. Communauté d'agglomération with a labelled PTCE (Pôle Sud, Romans-sur-Isère)
$ESSBOT recommend --territory "Valence Romans Agglo" --type epci --themes emploi-insertion,economie-circulaire --step ancrer > "$out/09-valence-romans-agglo.txt" 2>&1

# 10. Métropole de Lyon (collectivité à statut particulier: EPCI and département competences)
$ESSBOT recommend --territory "Métropole de Lyon" --type epci --themes habitat,sante-social --step ancrer > "$out/10-metropole-de-lyon.txt" 2>&1
$ESSBOT plan --territory "Métropole de Lyon" --type epci --themes habitat,sante-social --step ancrer --output "$out/10-metropole-de-lyon-plan.md" > "$out/10-metropole-de-lyon-plan.log" 2>&1
$ESSBOT plan --territory "Métropole de Lyon" --type epci --themes habitat,sante-social --step ancrer --output "$out/10-metropole-de-lyon-plan.pdf" >> "$out/10-metropole-de-lyon-plan.log" 2>&1

# 11. EPT of the Seine-Saint-Denis with a long ESS policy
$ESSBOT recommend --territory "Plaine Commune" --type ept --themes economie-circulaire,culture-tourisme --step ancrer > "$out/11-plaine-commune.txt" 2>&1

# 12. Rural département of the Massif central
$ESSBOT recommend --territory "Aveyron" --type departement --themes petite-enfance-jeunesse,mobilite,sante-social --step soutenir > "$out/12-aveyron.txt" 2>&1

# 13. Urban département where the State pays the RSA (experiment since 2022)
$ESSBOT recommend --territory "Seine-Saint-Denis" --type departement --themes emploi-insertion,alimentation --step ancrer > "$out/13-seine-saint-denis.txt" 2>&1

# 14. Région
$ESSBOT recommend --territory "Pays de la Loire" --type region --themes numerique,transition-ecologique --step ancrer > "$out/14-pays-de-la-loire.txt" 2>&1

# 15. Collectivité territoriale de Guyane (région and département competences)
$ESSBOT recommend --territory "Guyane" --type region --themes petite-enfance-jeunesse,transition-ecologique --step soutenir > "$out/15-guyane.txt" 2>&1
$ESSBOT plan --territory "Guyane" --type region --themes petite-enfance-jeunesse,transition-ecologique --step soutenir --output "$out/15-guyane-plan.md" > "$out/15-guyane-plan.log" 2>&1
$ESSBOT plan --territory "Guyane" --type region --themes petite-enfance-jeunesse,transition-ecologique --step soutenir --output "$out/15-guyane-plan.pdf" >> "$out/15-guyane-plan.log" 2>&1

echo "written to $out"
