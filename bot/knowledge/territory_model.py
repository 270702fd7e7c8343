"""What a territory is (:class:`Territory`), what open data suggests of it
(:class:`TerritoryContext`), and what a text designates (:class:`Resolution`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.knowledge.collectivites import Status
from bot.knowledge.rsa_state import StateRsa

SMALL_MAX, MEDIUM_MAX = 3_499, 49_999  # the size classes of content/scoring.yaml (sizes:)
Kind = Literal["commune", "epci", "ept", "departement", "region", "com"]


KINDS: tuple[Kind, ...] = ("commune", "epci", "ept", "departement", "region", "com")


# Short type names in labels: « Rennes Métropole (métropole, 35) », « Plaine Commune (EPT, 93) ».
TYPE_LABELS = {"CC": "CC", "CA": "CA", "CU": "CU", "METRO": "métropole", "MET69": "métropole",
               "EPT": "EPT"}


# Rural communes: levels 5-7 of INSEE's grille communale de densité (1-4 are urban).
RURAL_LEVELS = frozenset({5, 6, 7})


DENSITY_LABELS = {1: "grand centre urbain", 2: "centre urbain intermédiaire",
                  3: "ceinture urbaine", 4: "petite ville", 5: "bourg rural",
                  6: "rural à habitat dispersé", 7: "rural à habitat très dispersé"}


@dataclass(frozen=True, slots=True)
class Territory:
    """A commune, an EPCI à fiscalité propre, an EPT of the Métropole du Grand Paris, a
    département, a région, or a collectivité d'outre-mer (``com``, with the Nouvelle-Calédonie
    and the territories without a collectivité).

    ``epci_*`` of a commune are those of its EPCI; an EPCI has its own type in ``epci_type``;
    an EPT has ``epci_type`` "EPT" and, in ``epci_siren``/``epci_name``, the Métropole du
    Grand Paris it lies in. ``ept_*`` are set for the communes of an EPT. The département (and
    region) of an EPCI or EPT is the one where most of its inhabitants live. ``status`` names a
    special status (``bot/knowledge/collectivites.py``) and ``note`` says, in French, what it
    means; a former région's name gives today's région with a note.
    """

    kind: Kind
    code: str  # INSEE code of a commune, département or région; SIREN of an EPCI or EPT
    name: str
    label: str  # French display label, unique across the data set
    population: int | None  # population municipale (INSEE; DGCL for EPCI and EPT)
    departement_code: str
    departement_name: str
    region_code: str  # INSEE region code: the key of the CRESS in content/contacts.yaml
    region_name: str
    epci_siren: str | None = None
    epci_name: str | None = None
    epci_type: str | None = None  # CC, CA, CU, METRO, MET69 (Lyon), EPT
    ept_siren: str | None = None
    ept_name: str | None = None
    postal_codes: tuple[str, ...] = ()
    member_count: int | None = None  # communes of an EPCI, EPT, département or région
    status: Status | None = None
    note: str | None = None
    epci_count: int | None = None  # EPCI and EPT of a département or région (main département)
    siren: str | None = None  # of a commune (an EPCI's or EPT's is its code)

    @property
    def collectivite_type(self) -> str | None:
        """The ``collectivites`` value of content/taxonomy.yaml (None for the collectivités
        d'outre-mer, which have their own statuses)."""
        return None if self.kind == "com" else self.kind

    @property
    def competences(self) -> tuple[str, ...]:
        """The levels of collectivité whose competences it exercises."""
        if self.status is not None:
            return self.status.competences
        return () if self.kind == "com" else (self.kind,)

    @property
    def size_class(self) -> str | None:
        """``petite`` (< 3,500 inhabitants), ``moyenne`` (up to 49,999) or ``grande``; None
        for départements, régions and collectivités d'outre-mer, and without a population."""
        if self.population is None or self.kind not in ("commune", "epci", "ept"):
            return None
        if self.population <= SMALL_MAX:
            return "petite"
        return "moyenne" if self.population <= MEDIUM_MAX else "grande"


@dataclass(frozen=True, slots=True)
class TerritoryContext:
    """What the open data suggests of a territory: suggestions the agent confirms.

    ``contexts`` are values of the taxonomy's ``contexts`` (qpv, rural, urbain, littoral,
    outre-mer), ``programmes`` of its ``programmes`` (pvd, acv, villages-avenir, cites-emploi,
    territoires-industrie). For an EPCI, a département or a région they are aggregated over
    its communes: littoral if any commune is; QPV if any commune is (EPCI, EPT) or if most
    of the population lives in communes with one (département, région); rural or urbain as
    the majority of the population lives, both when the other side holds a third of it
    (``territory_context.MIXED_SHARE``); programmes only for communes and groupings (a
    département holds communes of every programme).
    """

    contexts: tuple[str, ...] = ()
    programmes: tuple[str, ...] = ()
    density: int | None = None  # level 1-7 of the grille de densité (communes)
    rural_share: float | None = None  # share of the population in rural communes
    qpv_communes: int = 0  # communes with at least one QPV
    littoral_communes: int = 0
    massifs: tuple[str, ...] = ()  # massif perimeters (loi Montagne), not the zone de montagne
    industrie: tuple[str, ...] = ()  # names of the Territoires d'industrie
    qpv_population_share: float | None = None  # of the population, in communes with a QPV
    # programmes a commune is in as a member of its intercommunalité or EPT, which holds them
    # (Territoires d'industrie is listed by grouping), and that grouping's name
    grouping_programmes: tuple[str, ...] = ()
    grouping: str | None = None
    # the State pays the RSA in all of it (content/territoires/rsa_etat.yaml)
    state_rsa: StateRsa | None = None


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a text designates: ``best`` are the readings that fit equally well (one: take it;
    several: ask), ``others`` weaker readings (prefixes, near spellings, another kind)."""

    best: list[Territory]
    others: list[Territory]

    @property
    def all(self) -> list[Territory]:
        return [*self.best, *self.others]
