"""What a question asks *about* its subject: who, how much, which law, how long...

« qui délivre l'agrément ESUS » and « l'agrément ESUS dure combien de temps » share their
subject and differ by their *aspect*. Aspect words are not topic words (they are stop
words for the ranking); they choose the direct answer (:mod:`bot.qa.answers`) and say
when a question asks for a fact the base may not hold (:mod:`bot.qa.search`).

The patterns are data: tried on the folded words of the question (accents, case and
elided words removed — « c'est quoi » is « est quoi » —, abbreviations of
``synonymes.yaml`` already rewritten), each a phrase that must appear as whole words.
"""

from __future__ import annotations

import re
from itertools import pairwise

from bot.qa.normalize import STOP_WORDS

ASPECTS: dict[str, tuple[str, ...]] = {
    "who": ("qui", "ki", "who", "whom", "competent", "competente", "competents",
            "competentes", "quel organisme", "quelle autorite", "quel service",
            "quel acteur", "quels acteurs", "quelle structure", "quel interlocuteur",
            # « l'interlocuteur régional ? »: whom to turn to, who it is
            "interlocuteur", "interlocuteurs", "interlocutrice",
            "autorite de gestion", "which body", "which authority", "quelle administration",
            "quel ministere", "quelle institution", "quel operateur", "quelle instance",
            "quel partenaire", "quels partenaires", "qui pilote", "pilote par", "avec qui",
            "aupres de qui", "a qui", "which administration", "who runs", "who signs",
            # the verb of « qui décide » says who, not which item
            "qui decide", "qui peut decider", "qui delivre", "qui peut delivrer",
            "qui attribue", "qui peut attribuer", "qui accorde", "qui peut accorder",
            "qui instruit", "qui valide", "qui signe", "signataires", "signataire",
            "which office", "which agency", "signs off"),
    "howmuch": ("combien", "cb", "montant", "montants", "taux", "tx", "pourcentage", "plafond",
                "seuil", "how much", "how many", "nombre", "prix", "cout",
                "coute", "coutent", "proportion", "maximum", "max", "minimum", "budget",
                "above which", "a partir de quel", "a partir de quelle", "jusqu ou",
                "enveloppe", "percentage", "rate", "amount", "what share", "quelle part",
                "quelle somme", "jusqu a combien", "minimal", "minimale", "maximal",
                "quelle portion", "quelle proportion", "quelle quotite", "quotite",
                "maximale", "plafonne", "plafonnee", "fourchette", "ordre de grandeur",
                "a hauteur de", "a quelle hauteur", "quota", "quotas", "cap on", "ceiling"),
    "free": ("gratuit", "gratuite", "gratuits", "gratuites", "gratuitement", "payant",
             "payante", "payants", "payantes", "sans frais", "payer", "free of charge",
             "paying", "cost"),
    "legal": ("base legale", "base juridique", "fondement juridique", "fondement", "loi",
              "decret", "decrets", "article", "articles", "texte", "textes", "lois",
              "cadre juridique", "cadre legal", "legal",
              "legalement", "law", "code", "reglement", "juridique", "juridiquement",
              "le droit", "a le droit", "droit de", "legal basis", "reglementation",
              "reglementaire", "regle", "regles", "legislation", "autorise", "autorisee",
              "interdit", "interdite", "legal rule", "reference legale",
              "references legales", "reference juridique", "references juridiques",
              "reference reglementaire", "legal reference",
              # « est-ce possible et sur quelle base ? »: which text allows it
              "sur quelle base", "sur quelles bases"),
    "howlong": ("combien de temps", "duree", "dure", "durent", "jusqu a quand",
                "depuis quand", "tous les combien", "how long", "until when",
                "tps", "delai", "delais", "periode", "echeance", "a partir de quand",
                "en quelle annee", "depuis combien", "valable", "valables", "validite",
                "expire", "expiration", "quand", "quelle date", "a quelle date", "date de",
                "quel mois", "quelle annee", "when", "combien annees", "combien ans",
                "combien de mois", "combien de semaines", "combien de jours", "date de fin",
                "date limite", "how many years", "frequence", "quelle frequence",
                "how often",
                # whether a call or a scheme is still open (« la procédure est-elle toujours
                # ouverte ? »): until when
                "toujours ouvert", "toujours ouverte", "toujours ouverts", "toujours ouvertes",
                "encore ouvert", "encore ouverte", "encore ouverts", "encore ouvertes",
                "still open"),
    "howto": ("comment", "cmt", "demarche", "demarches", "etapes", "candidater",
              "candidature", "postuler", "how to", "how do", "how can", "procedure",
              "y prendre", "y prend", "y prenons", "y prennent", "monter",
              "faire pour", "par quoi je commence",
              "apply", "marche a suivre", "pieces a fournir", "pieces fournir",
              "pieces justificatives", "mettre en place", "mettre en oeuvre",
              "formalite", "formalites"),
    "compatible": ("cumuler", "cumul", "cumulable", "cumulables", "compatible",
                   "compatibles", "a la fois", "en meme temps", "combine", "combiner",
                   # two aids on one operation (« DETR et DSIL sur le même projet »)
                   "sur le meme projet", "sur un meme projet", "sur la meme operation",
                   "sur une meme operation", "sur la meme depense", "sur une meme depense"),
    # How two things differ (« ressourcerie vs recyclerie »): the answer written for that,
    # not the summary of one of them.
    "difference": ("difference", "differences", "nuance", "nuances", "vs", "versus",
                   "distinguer", "distingue", "distinguent", "difference between",
                   # « une SCOP c'est pareil qu'une SCIC ? » (the elided « qu' » is dropped)
                   "pareil que", "pareil un", "pareil une", "meme chose que",
                   "meme chose un", "meme chose une"),
    "eligibility": ("qui peut", "ki peut", "pour qui", "a qui", "beneficier", "eligible",
                    "eligibles", "eligibilite", "concerne", "concernes", "concernees",
                    "pour quels", "pour quelles", "quelles communes", "quels territoires",
                    "droit a", "who can", "reserve a", "reserves a", "ouvert a",
                    "quelles conditions", "quelle condition", "conditions pour",
                    "conditions acces", "conditions eligibilite", "critere", "criteres",
                    "criteria",
                    # spoken: « la DSIL marche pour une asso ? » (« ça marche » is rewritten « ça
                    # fonctionne »), « la DSIL marche aussi ? »,
                    # « valable pour les EPCI ? », « ça s'applique aux SCIC ? »
                    "marche pour", "marche aussi", "marchent pour", "valable pour",
                    "valables pour", "applique a", "applique aux", "appliquent a",
                    "appliquent aux"),
    "obligation": ("obligatoire", "obligatoires", "obligation", "obligations", "oblige",
                   "obligee", "doit on", "faut il", "mandatory", "required", "impose",
                   # an inverted « devoir » asks whether it is required (« le département
                   # doit-il financer… ? »)
                   "doit il", "doit elle", "doivent ils", "doivent elles",
                   # ... in every person (« dois-je sortir de la salle ? »)
                   "dois je", "devons nous", "devez vous",
                   # what the rule requires beyond a step (« une délibération suffit ? »,
                   # « quelles formalités ? »)
                   "suffit", "suffit il", "suffisent", "formalite", "formalites"),
    "definition": ("definition", "definir", "signifie", "veut dire",
                   "sigle", "est quoi", "est ce un", "est ce une", "est ce le", "est ce la",
                   "est ce les", "est ce des", "est ce que est",
                   "what is", "what s", "kesako", "explication", "de quoi parle t on",
                   "appelle t on",
                   # what a kind covers (« une SIAE, ça regroupe quoi ? »)
                   "regroupe quoi", "regroupent quoi", "que regroupe", "que regroupent",
                   "recouvre quoi", "que recouvre", "englobe quoi"),
    # Who carries it inside the collectivité (which service, which élu): not who runs,
    # funds or signs it outside.
    "inhouse": ("quel service", "quels services", "quelle direction", "quel elu",
                "quels elus", "quel adjoint", "en interne", "dans nos services",
                "dans la collectivite", "dans la mairie", "which department"),
    # What something is for, what an organisation does: its written answer, not the entry.
    "role": ("que fait", "a quoi sert", "a quoi servent", "sert a quoi", "role", "roles",
             "que finance", "que financent", "finance quoi", "financent quoi",
             "que peut faire", "que peuvent faire", "what does", "fait quoi", "font quoi"),
    "contact": ("contact", "contacter", "joindre", "coordonnees", "telephone", "mail",
                "adresse", "interlocuteur", "adresser", "site", "site internet", "site web",
                "url", "website", "web", "ou trouver", "ou se trouve", "where do i find",
                "where can i find", "where is"),
    # Facts of one organisation or one person, which the base does not hold: asked without
    # a direct answer that holds them, the question is not answered.
    "specific": ("budget", "salaire", "salaires", "remuneration", "telephone de",
                 "telephone du", "numero de", "numero du", "tel de", "tel du", "horaires",
                 "horaire", "nom du", "nom de la",
                 "president", "presidente", "gerant", "gerante",
                 # who the adjoint is (« qui est l'adjointe à l'ESS de Lille ? »), not what
                 # an adjoint does or whether to have one (« faut-il un adjoint à l'ESS ? »)
                 "qui est adjoint", "qui est adjointe", "qui sont adjoints",
                 "qui sont les adjoints", "nom de adjoint", "nom de adjointe",
                 "adjoint de", "adjointe de", "adjoint du", "adjointe du", "adjoints de",
                 "adjoints du", "adjoint au maire de", "adjointe au maire de",
                 "son telephone", "son numero", "son portable",
                 # who holds an office in one body (« qui est l'élu référent ESS au
                 # département ? »), not what the office is
                 "qui est elu referent", "qui est elue referente", "qui est elu charge",
                 "qui est elue chargee", "qui est elu en charge", "qui est elue en charge",
                 "qui sont elus referents", "qui sont les elus referents",
                 "directeur", "directrice", "chiffre affaires", "bilan comptable",
                 "montant exact", "numero personnel", "telephone personnel", "portable de",
                 "portable du",
                 # when one place is open, whether places are left
                 "ouvert le", "ouverte le", "ouverts le", "ouvertes le", "ferme le",
                 "fermee le", "jours ouverture", "heures ouverture", "heure ouverture",
                 "reste t il des places", "places disponibles", "place disponible",
                 "encore des places", "opening hours", "a quelle heure", "quelle heure",
                 "quelles heures", "encore de la place", "encore une place",
                 "reste de la place", "ouvert entre", "ouverte entre", "ouverts entre",
                 "ouvertes entre", "ferme entre", "fermee entre", "ouvert pendant",
                 "ouverte pendant", "ferme pendant", "fermee pendant", "ouvert durant",
                 "ouverte durant", "ouvert les", "ouverte les",
                 # how many people one organisation employs now
                 "effectif de", "effectif du", "effectifs de", "effectifs du",
                 "effectif actuel",
                 # which provider to hire: the base recommends none
                 "conseillez vous", "recommandez vous", "nous conseillez", "nous recommandez",
                 "quel cabinet", "quels cabinets", "quel bureau etudes", "quel prestataire",
                 "quels prestataires",
                 # what one body decided, what a call will select: the base cannot know
                 "a t il adopte", "a t elle adopte", "ont ils adopte", "ont elles adopte",
                 "a t il vote", "a t elle vote", "ont ils vote", "a t il delibere",
                 "a t elle delibere", "a t il signe", "a t elle signe", "a t il valide",
                 "a t elle valide", "a t il decide", "a t elle decide", "a t il obtenu",
                 "a t elle obtenu", "a t il recu", "a t elle recu", "a t il retenu",
                 # what one body received (« le montant obtenu par la commune de X »)
                 "obtenu par", "obtenue par", "obtenus par", "obtenues par", "recu par",
                 "recue par", "recus par", "recues par", "percu par", "percue par",
                 "percus par", "percues par",
                 # ... in other words (« combien a touché le tiers-lieu », « combien la
                 # région a-t-elle donné à… »), and where one file stands (« notre demande,
                 # elle en est où ? »)
                 "a touche", "ont touche", "a t il touche", "a t elle touche",
                 "a t il donne", "a t elle donne", "a t il verse", "a t elle verse",
                 "a t il attribue", "a t elle attribue", "ou en est", "en est ou",
                 "ou en sont", "en sont ou",
                 "a t elle retenu", "seront les laureats", "sera laureat", "seront laureats",
                 "sera retenu", "sera retenue", "seront retenus", "sera selectionne",
                 "seront selectionnes", "qui va gagner", "qui gagnera", "who will win",
                 "sont connus", "sont connues", "sont ils connus", "sont elles connues",
                 "liste des laureats", "qui sont les laureats", "resultats de l appel",
                 "resultats de appel", "resultats du appel", "resultat de appel",
                 "est retenu", "est retenue", "est retenus", "sommes retenus",
                 "ete retenu", "ete retenue", "ete retenus", "ete retenues",
                 # what one person or body thinks of a project
                 "soutient il", "soutient elle", "soutiennent ils", "pense t il",
                 "pense t elle", "est il favorable", "est elle favorable",
                 "est il pour", "est elle pour",
                 # whether a body did it yet (« … ou pas encore ? »), what it will select
                 "sera acceptee", "sera accepte", "seront retenues", "seront acceptes",
                 "seront acceptees", "ou pas encore",
                 # a future event or office holder of one body (« le prochain comité »,
                 # « qui sera l'élu ESS de Roubaix »): no base holds it yet
                 "prochain", "prochaine", "prochains", "prochaines", "qui sera", "qui seront",
                 "aura lieu", "auront lieu", "se tiendra", "se tiendront", "se reunira",
                 "se reuniront",
                 # what one body is preparing (« un fonds est-il dans les tuyaux ? »)
                 "dans les tuyaux", "dans le pipe",
                 # who heads one body (« qui préside l'association X »)
                 "qui preside", "qui presidait", "qui dirige", "qui dirigeait", "a la tete de",
                 "a la tete du"),
    # Where to write to one organisation: answered by how to reach a contact the question
    # names (« adresse de la CRESS Bretagne »), not by any item near the subject.
    "address": ("adresse de", "adresse du", "adresse de la", "mail du", "mail de",
                "email de", "email du", "courriel de", "courriel du"),
}
# Factual aspects: a question asking one of these wants a fact; without a direct answer
# holding it, an item is shown only if it matches the subject very well.
FACTUAL = frozenset({"who", "howmuch", "howlong", "legal"})
# Words that ask for money: « quelles aides pour... » shows funding tools first.
FUNDING_WORDS = ("aide", "aides", "financement", "financements", "financer", "finance",
                 "subvention", "subventions", "subventionner", "garant", "garantie",
                 "pret", "prets", "funding", "fund", "grant", "grants", "cofinancer",
                 "cofinancement", "argent", "fonds", "financeur", "financeurs", "financent",
                 "finances", "financee", "funds", "money", "subsidy", "subsidies")

_PATTERNS = {aspect: re.compile(r"\b(?:" + "|".join(re.escape(p) for p in
                                                     sorted(phrases, key=len, reverse=True))
                                + r")\b")
             for aspect, phrases in ASPECTS.items()}
_DURATION = re.compile(r"\b(?:combien de temps|tous les combien|combien annees|combien ans|"
                       r"combien de (?:mois|semaines|jours)|how many years|"
                       r"(?:dure|durent|valable|valables) combien)\b")
# « c'est quoi le taux », « c'est quoi leur site »: what follows says what is asked.
_WHAT_IS = re.compile(r"\b(?:est quoi|what is|what s)\s+(?:(?:le|la|les|leur|leurs|son|sa|ses|"
                      r"the|its|their)\s+)?(.*)")
# The asker's own budget, spent on what is asked (not the budget of an organisation).
_OWN_BUDGET = re.compile(r"\b(?:notre|nos|sur le|sur notre|au|du|sur son|sur leur|avec son|"
                         r"avec leur|avec notre|avec le|avec un|propre) budget\b|"
                         r"\bbudget (?:communal|municipal|intercommunal|communautaire|"
                         r"departemental|regional|general|principal|annexe|propre)\b")
# « qui finance le salaire d'un animateur », « qui paye les salaires », « compléter le
# salaire par une subvention » ask who funds a post or whether one may, not the pay of one
# person.
_FUNDED_PAY = re.compile(r"\b(?:financ\w*|cofinanc\w*|pai\w*|pay\w*|subventionn\w*|"
                         r"complet\w*|completer|abond\w*|"
                         r"prend en charge|prendre en charge|prise en charge|aide|aides|"
                         r"financement|financements) (?:(?:le|les|la|un|une|des|du|de|au|aux|"
                         r"son|sa|ses|leur|leurs|notre|nos) )?(?:salaires?|remunerations?)\b")
# « coût horaire », « taux horaire »: a figure per hour, not opening hours; nor are
# « horaires atypiques », a kind of service (a crèche open early and late).
# Who asks, by their office (« je suis adjointe au maire de Vannes », « en tant que
# président du syndicat »): no name asked
_ASKER = re.compile(r"\b(?:je suis|en tant que) (?:le |la |l |un |une )?(?:maire )?"
                    r"(?:adjoint|adjointe|president|presidente|directeur|directrice|gerant|"
                    r"gerante)(?: au maire)?(?: de| du)?\b")
# « au nom de la collectivité »: on behalf of, no name asked
_ON_BEHALF = re.compile(r"\bau nom (?:de la|de|du|des)\b")
_PER_HOUR = re.compile(r"\b(?:cout|prix|taux|tarif|volume|forfait|montant|remuneration|"
                       r"salaire) horaires?\b|"
                       r"\bhoraires? (?:atypiques?|decales?|elargis?|etendus?|adaptes?|"
                       r"de nuit|flexibles?)\b")
# A head who asks, not whose name is asked: « le président veut savoir… », « notre
# directrice souhaite… ».
_ROLE_ASKING = re.compile(r"\b(?:president|presidente|adjoint|adjointe|directeur|directrice|"
                          r"gerant|gerante) (?:veut|voudrait|souhaite|souhaiterait|aimerait|"
                          r"demande|nous demande|se demande|cherche|envisage|propose|pense|"
                          r"estime|hesite|s interroge|a demande|m a demande|nous a demande)\b"
                          # « le maire peut-il être président de l'asso ? »: whether one may
                          # hold the office, not who holds it
                          r"|\b(?:etre|devenir|rester|reste|devient) (?:le |la )?"
                          r"(?:president|presidente|directeur|directrice|gerant|gerante)\b")
# « l'an prochain », « dans les prochains mois », « les prochaines étapes »: when or what the
# asker plans, not an event of one body.
_PERIODS = r"(?:an|annee|mois|semaine|trimestre|semestre|exercice|rentree|etape|fois)s?"
_NEXT_PERIOD = re.compile(rf"\b{_PERIODS} prochaine?s?\b|\bprochaine?s? {_PERIODS}\b")
_FUNDING = re.compile(r"\b(?:" + "|".join(FUNDING_WORDS) + r")\b")


# « a-t-on le droit de… », « avons-nous le droit d'… »: whether one may, not which law.
_PERMISSION = re.compile(r"\b(?:a|as|avons|avez|ont|avoir|aurait|aurions|auraient) (?:t )?"
                         r"(?:(?:il|elle|on|ils|elles|nous|vous) )?le droit\b")


# « réparation automobile à prix social », « louer à petit prix », « où les gens paient une
# petite partie du prix »: how it is sold, not a price asked.
_AT_A_PRICE = re.compile(r"\ba (?:(?:petit|bas|moindre|tout petit) )?prix(?: (?:social|sociaux|"
                         r"solidaire|solidaires|reduit|reduits|modere|moderes|modique|coutant|"
                         r"abordable|abordables|bas|casse|accessible|accessibles))?\b|"
                         r"\b(?:petite |faible |seule )?(?:partie|part|fraction) du prix\b")


# A participatory budget is a lever (« un budget citoyen »), not a figure asked.
_PARTICIPATORY = re.compile(r"\bbudgets? (?:participatifs?|citoyens?)\b")
# « qui les pilote », « qui la délivre », « qui nous accompagne »: an object pronoun between
# « qui » and its verb; the verb still says who, as in « qui pilote ».
_WHO_OBJECT = re.compile(r"\b(qui|ki) (?:le|la|les|l|lui|leur|nous|vous|en|y) (?=[a-z])")


def _who_object_dropped(text: str) -> str:
    return _WHO_OBJECT.sub(r"\1 ", text)


# An inverted subject pronoun (« sera-t-elle retenue », « ont-ils été acceptés »): the
# phrase is also read without it (« sera retenue »).
_INVERSION = re.compile(r"\b(sera|seront|est|sont|a|ont|va|vont|aura|auront) (?:t )?"
                        r"(?:il|elle|ils|elles|on)\b")
# « la commune ou l'interco ? », « l'État ou le conseil régional ? », « c'est l'État ou le
# département qui paie ? » (a cleft sentence): which of two actors, who — when they end the
# clause, not as its subject (« la région ou le département peuvent-ils… ») or a detail
# (« aide de la région ou de la commune sur le même projet, c'est possible ? »).
_ACTOR = (r"(?:communes?|mairies?|interco|intercommunalites?|epci|comcom|etat|regions?|"
          r"conseil regional|departements?|conseil departemental|prefet|prefecture|"
          r"metropoles?|agglo|agglomeration)")
_EITHER_ACTOR = re.compile(rf"\b{_ACTOR} (?:ou|or) (?:a |au |aux |de |du |des )?"
                           rf"(?:le |la |les )?{_ACTOR}(?: qui \w+)?$"
                           # « c'est le conseil régional ou la préfecture qui accorde ce
                           # label ? »: a cleft sentence, whatever follows its verb
                           rf"|\best (?:le |la |les |l )?{_ACTOR} (?:ou|or) "
                           rf"(?:le |la |les |l )?{_ACTOR} qui \w+"
                           # « la préfecture de Bordeaux ou celle de la Dordogne ? »: one
                           # actor, of which of two places
                           rf"|\b{_ACTOR} (?:de|du|des|d) (?:\w+ ){{1,3}}(?:ou|or) "
                           rf"(?:celle|celui) (?:de|du|des|d) (?:\w+ ){{0,2}}\w+$")


_ONE_ACTOR = re.compile(_ACTOR)


def is_actor(phrase: str) -> bool:
    """Whether folded words name one of the actors a « which of the two » question
    chooses between (« conseil regional », « prefecture »)."""
    return bool(_ONE_ACTOR.fullmatch(phrase))


def names_two_actors(folded_words: list[str]) -> bool:
    """« la commune ou l'interco ? »: who, between two actors a clause ends with (an answer
    is one of them, not a guess: no higher threshold than any question)."""
    return bool(_EITHER_ACTOR.search(" ".join(folded_words)))


# What became of one file (« notre demande de dotation a été acceptée ? », « le dossier
# a-t-il été retenu ? »); not under « une fois que », « quand », « si » (« une fois que notre
# dossier a été accepté, combien de temps… » asks how long).
_FILE_OUTCOME = re.compile(r"\b(?:(?:notre|nos|mon|ma|mes|leur|leurs) (?:\w+ ){0,10}?"
                           r"(?:a|ont) ete|(?:a|ont) t (?:il|elle|ils|elles) ete) "
                           r"(?:accepte|refuse|retenu|valide|selectionne|accorde)e?s?\b")
_SUBORDINATE = re.compile(r"\b(?:fois que|quand|qd|lorsque|lorsqu|des que|apres que|si|une fois)"
                          r"\b")


# ... in other words: one's own file and a fate, whatever the verb (« notre dossier déposé
# en janvier, il est accepté ou pas ? », « notre demande sera retenue ? »); not the
# conditions to be selected (« notre projet peut-il être retenu si… »).
_OWN_FILE_FATE = re.compile(r"\b(?:notre|nos|mon|ma|mes|leur|leurs) (?:dossier|demande|"
                            r"candidature|projet|subvention|requete)s? (?:\w+ ){0,10}?"
                            r"(?<!etre )(?:accepte|refuse|retenu|valide|selectionne|accorde|"
                            r"rejete|recale)e?s?\b")


# ... or the mark it got (« quelle note notre dossier a-t-il obtenue ? », « quel rang pour
# notre candidature ? »): one jury's view of one file
_OWN_FILE = r"(?:notre|nos|mon|ma|mes|leur|leurs) (?:dossier|demande|candidature|projet)s?"
_OWN_FILE_MARK = re.compile(r"\bquel(?:le)?s? (?:note|score|classement|rang)\b(?: \w+){0,6}? "
                            + _OWN_FILE + r"\b")


def _file_outcome(text: str) -> bool:
    return any(not _SUBORDINATE.search(text[:m.start()])
               for pattern in (_FILE_OUTCOME, _OWN_FILE_FATE, _OWN_FILE_MARK)
               for m in pattern.finditer(text))


# A figure of last year (« le total versé l'an dernier », « combien a-t-on dépensé l'année
# passée »), or the grant one body gave last year (« la subvention accordée par la Région à
# la recyclerie l'an dernier ? »): one body's accounts, which the base does not hold.
_DATED_FIGURE = re.compile(r"\b(?:total|combien|montant|nombre|somme|(?:subvention|aide|dotation)s?"
                           r" (?:accorde|verse|attribue|alloue|octroye|obtenu|recu|touche)e?s?)\b"
                           r".*\b(?:an dernier|annee derniere|an passe|annee passee)\b")


# Whether one place is open on a given day (« dimanche : quelle officine est ouverte ? »,
# « la mairie est ouverte samedi ? »): its opening hours, which the base does not hold.
_DAYS = r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|jour ferie|ce soir|cette nuit)s?"
_OPEN_ON_A_DAY = re.compile(rf"\b{_DAYS}\b.*\bouverte?s?\b|\bouverte?s?\b.*\b{_DAYS}\b")
_OPEN_WORD = re.compile(rf"ouverte?s?|{_DAYS}")


def opening_words(folded_words: list[str]) -> frozenset[str]:
    """When a question asks whether a place is open on a day, across its clauses (the day
    may be said before a colon: « Pointe-à-Pitre dimanche : quelle officine est ouverte ? »),
    the words that say it (« ouverte », « dimanche »): the fact of one place asked."""
    if not _OPEN_ON_A_DAY.search(" ".join(folded_words)):
        return frozenset()
    return frozenset(w for w in folded_words if _OPEN_WORD.fullmatch(w))


# The calendar of one edition of a call (« date limite de l'appel à projets FDVA 2027 »,
# « AAP 2026 de la région : clôture quand ? », « quand la préfecture lance-t-elle l'appel
# 2027 ? », « calendrier 2027 des séances du comité »): set by its organiser each year,
# which the base does not hold (a written answer that does is asked for it).
_EDITION_DATE = re.compile(r"^(?=.*\b(?:date limite|date de cloture|cloture|deadline|"
                           r"date de depot|dates? des? depots?|calendrier|dates|"
                           r"lance t (?:il|elle|on)|lanceront|lancera|lancement|"
                           r"ouvrira|ouvriront)\b)"
                           r"(?=.*\b(?:appel|appels|aap|ami|campagne|session|sessions|"
                           r"seance|seances|comite|comites|jury|jurys)\b)"
                           r"(?=.*\b20\d\d\b)")


def edition_date(folded_words: list[str]) -> bool:
    """Whether a question asks the calendar of one edition of a call, across its clauses
    (the call may be named before a colon: « AAP ESS 2026 : clôture quand ? »)."""
    return bool(_EDITION_DATE.search(" ".join(folded_words)))


# « les lauréats…, c'est qui ? »: who one call selected.
_WHO_WON = re.compile(r"\blaureat\w*\b.*\b(?:est|sont|seront) (?:qui|ki)\b|"
                      r"\b(?:qui|ki) (?:sont|seront|ont ete|etaient|sera) (?:les )?laureat|"
                      # « le nom des cinq lauréats de cette année »
                      r"\bnoms? (?:des|de ces|de nos) (?:\w+ )?laureat")
# How many people work for one organisation (« combien de salariés travaillent à la CRESS
# de Corse ? »): its own figure, not the jobs of the ESS (« … dans l'ESS »)
_STAFF_OF = re.compile(r"\bcombien (?:de |d )?(?:salaries|employes|agents|permanents|"
                       r"benevoles|personnes) (?:travaillent|bossent|sont employes|"
                       r"sont salaries) (?:a la|au|aux|chez|pour la|pour le)\b(?! sein)")


# The one-word phrases of the aspects, to read a word typed without its final mute « e »
# (« obligatoir », « juridiqu »).
_ASPECT_WORDS = frozenset(p for phrases in ASPECTS.values() for p in phrases if " " not in p)
MUTE_E_MIN = 5  # shorter words are too often another word once an « e » is added


def _mute_e_restored(folded_words: list[str]) -> list[str]:
    """The aspect words typed without their final mute « e » (« obligatoir ») or with a
    consonant doubled (« horraires », « combbien »), as meant."""
    return [w + "e" if (len(w) >= MUTE_E_MIN and w not in _ASPECT_WORDS
                        and w + "e" in _ASPECT_WORDS) else _undoubled(w) for w in folded_words]


def _undoubled(word: str) -> str:
    if len(word) < MUTE_E_MIN or word in _ASPECT_WORDS:
        return word
    meant = {word[:at] + word[at + 1:] for at in range(1, len(word) - 1)
             if word[at] == word[at + 1] and word[at].isalpha() and word[at] not in "aeiou"}
    return next(iter(sorted(meant & _ASPECT_WORDS)), word)


# A question that asks nothing else and names a sum by its kind asks how much: « la CAF
# ajoute quel bonus par place ? », « réduction d'impôt pour une entreprise qui donne ? ».
# (A regular expression, not aspect phrases: these words stay the question's subject.)
_SUM_KIND = re.compile(r"\bquel(?:le)?s? (?:bonus|primes?)\b|\breductions? (?:d )?impots?\b")


def sum_implied(text: str, found: set[str]) -> bool:
    """Whether a question with no aspect of its own asks a sum by naming its kind."""
    return not found and bool(_SUM_KIND.search(text))


def refers_back(folded_words: list[str]) -> bool:
    """Whether a sentence that asks says nothing but common words (« Vous les avez ? »):
    it asks what the sentences before it tell (« … demande le nom des lauréats »)."""
    return all(word in STOP_WORDS for word in folded_words)


def aspects_of(folded_words: list[str]) -> frozenset[str]:
    """The aspects a question asks (see ASPECTS); « combien de temps » is how long, not
    how much."""
    folded_words = _mute_e_restored(folded_words)
    text = _who_object_dropped(_PARTICIPATORY.sub(" ", " ".join(folded_words)))
    uninverted = _INVERSION.sub(r"\1", text)
    if uninverted != text:
        text = f"{text} . {uninverted}"
    found = {aspect for aspect, pattern in _PATTERNS.items() if pattern.search(text)}
    if "howlong" in found and _DURATION.search(text):
        found.discard("howmuch")
    if "specific" in found and not _PATTERNS["specific"].search(
            _NEXT_PERIOD.sub(" ", _ROLE_ASKING.sub(" ", _OWN_BUDGET.sub(
                " ", _PER_HOUR.sub(" ", _FUNDED_PAY.sub(
                    " ", _ON_BEHALF.sub(" ", _ASKER.sub(" ", text)))))))):
        found.discard("specific")  # « payer sur le budget communal »: ours, a means;
                                   # « qui finance le salaire… »: who funds a post;
                                   # « le président veut savoir… »: who asks
    if "legal" in found and not _PATTERNS["legal"].search(_PERMISSION.sub(" ", text)):
        found.discard("legal")  # « a-t-il le droit de prendre des parts ? »: whether it may,
                                # answered « oui, jusqu'à… », not which text says so
    if "howmuch" in found and not _PATTERNS["howmuch"].search(
            _AT_A_PRICE.sub(" ", _OWN_BUDGET.sub(" ", text))):
        found.discard("howmuch")  # « abonder un fonds avec son budget »: a means, no figure
    if (_WHO_WON.search(text) or _file_outcome(text) or _DATED_FIGURE.search(text)
            or _STAFF_OF.search(text)
            or _EDITION_DATE.search(text)):
        found.add("specific")  # « les lauréats…, c'est qui ? », « notre demande a été
                               # acceptée ? »
    if "definition" in found:
        asked = _WHAT_IS.search(text)
        if asked and any(_PATTERNS[a].match(asked.group(1)) for a in found - {"definition"}):
            found.discard("definition")  # « c'est quoi le taux... »: the rate, not the entry
    if "howlong" in found and not _PATTERNS["howlong"].search(_LASTING.sub(
            " ", _conditional_quand_dropped(folded_words))):
        found.discard("howlong")  # « quand on est une mairie »: « if », not « when »
    if "who" in found and not _PATTERNS["who"].search(_relative_qui_dropped(folded_words)):
        found.discard("who")  # « une coopérative qui rachète... »: a relative, not « who »
    if "eligibility" in found:
        rest = re.sub(r"\b(?:qui peut|ki peut|pour qui)\b", " ", text)
        if not re.search(r"\b(?:qui|ki)\b", rest):
            found.discard("who")  # « qui peut en bénéficier » asks for whom, not who acts
    if sum_implied(text, found):
        found.add("howmuch")
    if _EITHER_ACTOR.search(text):
        found.add("who")  # « le pilotage revient à la commune ou à l'intercommunalité ? »
    return frozenset(found)


_EXISTS = re.compile(r"\b(?:existe t il|existe il|il existe|y a t il|y a il|connaissez vous|"
                     r"cherche|cherchons)\b")


def _sought_thing(folded_words: list[str], at: int) -> bool:
    """Whether the « qui » at ``at`` follows a thing whose existence is asked (« existe-t-il
    une formule qui leur laisse du temps ? »): a relative, even before « leur » or « lui »
    (not « il existe un fonds, qui le gère ? »)."""
    after = folded_words[at + 1] if at + 1 < len(folded_words) else ""
    return (at >= 2 and folded_words[at - 2] in ("un", "une", "des") and after in ("leur", "lui")
            and bool(_EXISTS.search(" ".join(folded_words[:at - 2]))))


def _relative_qui_dropped(folded_words: list[str]) -> str:
    """The question without the « qui » that follow a noun (« une coopérative qui
    rachète »): a relative pronoun, not the question « who »."""
    def relative(i: int) -> bool:
        before = folded_words[i - 1] if i else ""
        after = folded_words[i + 1] if i + 1 < len(folded_words) else ""
        then = folded_words[i + 2:i + 2 + CLAUSE_WINDOW]
        coordinated = any(a == "et" and b in _INTERROGATIVES
                          for a, b in pairwise(then))
        return (before.isalpha() and before not in STOP_WORDS
                and (after not in _OBJECT_PRONOUNS  # « le DLA, qui le finance ? » asks
                     or _sought_thing(folded_words, i))
                and not coordinated)  # « le contrat, qui rembourse et quand ? » asks

    return " ".join(w for i, w in enumerate(folded_words)
                    if not (w in ("qui", "ki") and relative(i)))


# « chômage de longue durée », « contrat à durée indéterminée »: a kind, not « how long ».
_LASTING = re.compile(r"\b(?:longue|courte|moyenne) duree\b|\bduree (?:determinee|"
                      r"indeterminee)\b")
# Words that open a clause after « quand »: « quand on est une mairie », « qd une asso
# demande... » set a condition (« if »); they ask « when » only with an inversion
# (« quand une commune doit-elle... »).
_CLAUSE_OPENERS = frozenset({"on", "nous", "vous", "je", "j", "tu", "un", "une", "des", "mon",
                             "ma", "mes", "notre", "nos", "votre", "vos", "son", "sa", "ses",
                             "leur", "leurs", "ce", "cette", "ces", "il", "ils", "elle", "elles",
                             "le", "la", "les", "l", "y"})
_INVERTED = frozenset({"il", "elle", "ils", "elles", "on", "t"})
_SINCE_UNTIL = frozenset({"depuis", "a", "de", "jusqu"})  # « depuis quand », « à partir de
                                                          # quand », « jusqu'à quand »
CLAUSE_WINDOW = 4  # an inversion this close after « quand » makes it a question


def _conditional_quand_dropped(folded_words: list[str]) -> str:
    """The question without the « quand » that open a condition (« quand on est une
    mairie »), which do not ask « when »."""
    def conditional(i: int) -> bool:
        if i and folded_words[i - 1] in _SINCE_UNTIL:
            return False  # « depuis quand les associations doivent… »: asks when
        after = folded_words[i + 1:i + 1 + CLAUSE_WINDOW]
        if not after or after[0] not in _CLAUSE_OPENERS:
            return False  # « quand commence... », « c'est quand »
        if after[:3] == ["il", "y", "a"]:
            return False  # « quand il y a l'appel à projets ? »: asks when, spoken
        return not any(w in _INVERTED for w in after[2:])  # « quand une commune doit-elle »

    return " ".join(w for i, w in enumerate(folded_words)
                    if not (w in ("quand", "qd") and conditional(i)))


_INTERROGATIVES = frozenset({"quand", "qd", "comment", "cmt", "combien", "cb", "ou",
                             "pourquoi"})
_OBJECT_PRONOUNS = frozenset({"le", "la", "les", "l", "lui", "leur", "en", "y"})


# Nouns that only say that something is asked for (« des solutions de mobilité », « quelles
# pistes pour… », « un dispositif pour… »): like aspect words, they say no subject.
_FRAME_NOUNS = frozenset({"solution", "solutions", "piste", "pistes", "moyen", "moyens",
                          "possibilite", "possibilites", "option", "options", "idee", "idees",
                          "dispositif", "dispositifs", "outil", "outils"})


# Aspects whose words are also what the question is about (« salaire », « horaires »).
_SUBJECT_ASPECTS = frozenset({"specific", "address"})


def aspect_words(folded_words: list[str]) -> frozenset[str]:
    """The words of a question that only say what it asks (« pourcentage », « article »,
    « quelle administration »): they choose the answer, they do not say which item."""
    text = _who_object_dropped(_PARTICIPATORY.sub(" ", " ".join(folded_words)))
    found: set[str] = set()
    for aspect, pattern in _PATTERNS.items():
        if aspect in _SUBJECT_ASPECTS:
            continue
        for match in pattern.finditer(text):
            found.update(match.group(0).split())
    return frozenset(found | _FRAME_NOUNS.intersection(folded_words))


# Words of « specific » phrases that do not say which fact is asked (« a-t-il », « seront »).
_SPECIFIC_FILLERS = frozenset({"a", "t", "il", "elle", "ils", "elles", "ont", "sera", "seront",
                               "va", "reste", "encore", "nous", "vous", "de", "du", "la", "le",
                               "les", "des", "quel", "quels", "qui", "quelle", "quelles",
                               "une", "est", "pour"})


def specific_words(folded_words: list[str]) -> frozenset[str]:
    """The words that say which fact of one organisation a question asks (« budget »,
    « cabinet », « adopté », « lauréats »): an answer holds that fact only if it says them."""
    text = " ".join(folded_words)
    return frozenset(w for match in _SPECIFIC_AT.finditer(text)
                     for w in match.group(1).split() if w not in _SPECIFIC_FILLERS)


# Every phrase of « specific », overlapping ones too (« qui seront les lauréats »: both
# « qui seront » and « seront les lauréats »).
_SPECIFIC_AT = re.compile(r"(?=\b(" + "|".join(
    re.escape(p) for p in sorted(ASPECTS["specific"], key=len, reverse=True)) + r")\b)")


# « un programme aide-t-il à relancer… », « qui aide les… »: the verb, not money; nor « aide
# de la commune », the help the commune itself may give (« habitat participatif : aide de la
# commune ? » asks what the commune can do, not for the département's AVP).
_HELPS = re.compile(r"\baide t (?:il|elle|on)\b|\baident ils\b|\b(?:qui|ca|cela) aide\b"
                    r"|\baides? (?:de|du) (?:la |l )?(?:commune|comune|mairie|ville|interco)\b")


def asks_for_funding(folded_words: list[str]) -> bool:
    return bool(_FUNDING.search(_HELPS.sub(" ", " ".join(folded_words))))


# Phrases that only say what is asked (« combien de temps »): not topic words.
_ASPECT_PHRASES = (("combien", "de", "temps"), ("tous", "les", "combien"),
                   ("jusqu", "a", "quand"), ("depuis", "quand"), ("how", "long"),
                   # fillers of spoken French
                   ("en", "train", "de"), ("au", "juste"), ("en", "gros"), ("du", "coup"),
                   ("a", "priori"), ("par", "rapport", "a"), ("en", "fait"),
                   ("a", "ce", "jour"), ("a", "l", "heure", "actuelle"), ("pour", "l", "instant"),
                   ("au", "niveau"), ("au", "bout", "de"), ("au", "bout"),
                   ("quel", "genre", "de"), ("quels", "genres", "de"), ("quel", "type", "de"),
                   ("quels", "types", "de"), ("quelle", "sorte", "de"),
                   ("quelles", "sortes", "de"))
# (« en attendant », « entre-temps » are not fillers: synonymes.yaml reads them as
# « provisoire »)

# As the words reach them: elisions are gone (« à l'heure actuelle » -> « a heure
# actuelle », « quel genre d'initiatives » -> « quel genre initiatives »); longest first.
_DROPPED = tuple(sorted(
    {tuple(w for w in phrase if w != "l") for phrase in _ASPECT_PHRASES}
    | {tuple(w for w in phrase[:-1] if w != "l") for phrase in _ASPECT_PHRASES
       if phrase[-1] == "de" and phrase[0].startswith("quel")},  # not « en train »
    key=len, reverse=True))


def drop_aspect_phrases(folded_words: list[str]) -> list[str]:
    """The words without the phrases that only say what is asked (« combien de temps »)."""
    out: list[str] = []
    i = 0
    while i < len(folded_words):
        for phrase in _DROPPED:
            if tuple(folded_words[i:i + len(phrase)]) == phrase:
                i += len(phrase)
                break
        else:
            out.append(folded_words[i])
            i += 1
    return out
