"""The real names around a territory, as the feuille de route writes them.

They come from the territory data (``content/territoires/``, docs/territories.md): the
commune, its intercommunalité, its département and région, and how their councils are
called (« le conseil départemental du Finistère »).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.knowledge.rsa_state import StateRsa


@dataclass(frozen=True, slots=True)
class LocalNames:
    """What the document names; every field may be missing (a profile without territory)."""

    name: str  # « Pont-Aven », « Creuse »
    label: str  # the unique label of the territory: « Pont-Aven (29, Finistère) »
    kind: str  # commune, epci, ept, departement, region, com
    population: int | None = None
    groupement: str | None = None  # the intercommunalité (or EPT) of a commune
    groupement_members: int | None = None  # how many communes it has
    departement: str | None = None  # « Finistère »
    departement_code: str | None = None  # « 29 », « 976 »
    departement_of: str | None = None  # « du Finistère »
    departement_council: str | None = None  # « le conseil départemental du Finistère »
    departement_epci_count: int | None = None
    departement_main_epci: str | None = None  # of a département: its most populated EPCI
    region: str | None = None  # « Bretagne »
    region_of: str | None = None  # « de Bretagne »
    region_council: str | None = None
    region_code: str | None = None  # « 53 »
    # of a région: the councils of its départements (when another body holds them, none), its
    # intercommunalités and the main ones (« Rennes Métropole »)
    region_departement_councils: tuple[str, ...] = ()
    region_epci_count: int | None = None
    region_main_epcis: tuple[str, ...] = ()
    member_count: int | None = None  # communes of an EPCI or EPT
    # programmes a commune is in through its groupement (« territoires-industrie »)
    grouping_programmes: tuple[str, ...] = ()
    programmes_grouping: str | None = None  # the groupement that holds them
    state_rsa: StateRsa | None = None  # the State pays the RSA there (rsa_etat.yaml)
    in_ept: bool = False  # an EPT of the Grand Paris, or one of its communes
    # the other départements of a grouping across départements: (code, « Val-d'Oise », « du
    # Val-d'Oise », their council)
    other_departements: tuple[tuple[str, ...], ...] = ()
    # a collectivité à statut particulier (the Métropole de Lyon, the CTG): what it is and the
    # competences it holds (bot/knowledge/collectivites.py), in French like the content
    status: str | None = None  # its key (« metropole-de-lyon »)
    status_note: str | None = None

    @classmethod
    def from_facts(cls, facts: Mapping[str, Any]) -> LocalNames:
        kind = str(facts.get("kind") or "")
        groupement = facts.get("groupement") if kind == "commune" else None
        return cls(
            name=str(facts.get("name") or facts.get("label") or ""),
            label=str(facts.get("label") or facts.get("name") or ""),
            kind=kind,
            population=facts.get("population"),
            groupement=groupement,
            groupement_members=facts.get("groupement_members") if groupement else None,
            departement=facts.get("departement_name"),
            departement_code=facts.get("departement"),
            departement_of=facts.get("departement_of"),
            departement_council=facts.get("departement_council"),
            departement_epci_count=facts.get("departement_epci_count"),
            departement_main_epci=facts.get("departement_main_epci"),
            region=facts.get("region_name"),
            region_of=facts.get("region_of"),
            region_council=facts.get("region_council"),
            region_code=facts.get("region"),
            region_departement_councils=tuple(facts.get("region_departement_councils") or ()),
            region_epci_count=facts.get("region_epci_count"),
            region_main_epcis=tuple(facts.get("region_main_epcis") or ()),
            member_count=facts.get("member_count"),
            grouping_programmes=tuple(facts.get("grouping_programmes") or ()),
            programmes_grouping=facts.get("programmes_grouping"),
            state_rsa=StateRsa(*facts["state_rsa"]) if facts.get("state_rsa") else None,
            in_ept=kind == "ept" or bool(facts.get("ept_name")),
            other_departements=tuple(tuple(str(part or "") for part in other)
                                     for other in facts.get("other_departements") or ()),
            status=facts.get("status"),
            status_note=facts.get("note") if facts.get("status") else None,
        )
