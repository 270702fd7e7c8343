"""What open data suggests of a territory (contexts, programmes) and who exercises the
départemental and régional competences over it, as phrases for later messages."""

from __future__ import annotations

from typing import Any

from bot.knowledge import collectivites as special
from bot.knowledge.rsa_state import state_rsa_of
from bot.knowledge.territory_model import RURAL_LEVELS, Territory, TerritoryContext

# A grouping is read « rural » or « urbain » as most of its population lives (INSEE reads its
# bassins de vie so), and both when the other side still holds this share of it: a third of
# the people is no detail (the CA du Grand Auch: 43 % in rural communes).
MIXED_SHARE = 1 / 3
# A département or a région holds a QPV almost always (the Creuse, the Lozère: one each); it
# is read « qpv » only when most of its population lives in communes that have one (the Nord,
# the Seine-Saint-Denis), not as if one quartier described the whole. An EPCI or EPT signs the
# contrat de ville of its quartiers: any one counts.
WIDE_QPV_SHARE = 0.5


def density_contexts(share: float | None, grouping: bool) -> list[str]:
    """« rural » and/or « urbain » from the share of the population in rural communes."""
    if share is None:
        return []
    if not grouping:
        return ["rural" if share >= 0.5 else "urbain"]
    return [value for value, part in (("rural", share), ("urbain", 1 - share))
            if part >= MIXED_SHARE]


class ContextData:
    """The contexts and programmes of the file, by commune code (or SIREN for Territoires
    d'industrie), and the articles of département and région names."""

    def __init__(self, contexts: dict[str, Any], programmes: dict[str, Any]):
        self._raw = contexts  # density and massifs by commune: built on first use (load time)
        self._density: dict[str, int] | None = None
        self._massif: dict[str, str] | None = None
        self.qpv = {code: count for code, count in contexts.get("qpv", [])}
        self.littoral = frozenset(contexts.get("littoral", ()))
        self.programmes = {key: frozenset(codes) for key, codes in programmes.items()
                           if key != "territoires-industrie"}
        self.industrie = {siren: tuple(names)
                          for siren, names in programmes.get("territoires-industrie", [])}
        self.available = frozenset(contexts) | frozenset(programmes)
        self.tncc: dict[tuple[str, str], int] = {}

    @property
    def density(self) -> dict[str, int]:
        """Commune code -> level 1-7 of the grille de densité."""
        if self._density is None:
            self._density = {code: int(level)
                             for level, codes in self._raw.get("densite", {}).items()
                             for code in codes}
        return self._density

    @property
    def massif(self) -> dict[str, str]:
        """Commune code -> name of its massif."""
        if self._massif is None:
            self._massif = {code: name for name, codes in self._raw.get("massif", {}).items()
                            for code in codes}
        return self._massif

    def of(self, territory: Territory, communes: list[Territory]) -> TerritoryContext:
        found: list[str] = []
        population = rural = qpv_population = total = 0
        qpv = littoral = 0
        massifs: dict[str, int] = {}
        densities, massif_of = self.density, self.massif
        for commune in communes:
            weight = commune.population or 0
            level = densities.get(commune.code)
            if level is not None:
                population += weight
                rural += weight if level in RURAL_LEVELS else 0
            qpv += commune.code in self.qpv
            total += weight
            qpv_population += weight if commune.code in self.qpv else 0
            littoral += commune.code in self.littoral
            massif = massif_of.get(commune.code)
            if massif:
                massifs[massif] = massifs.get(massif, 0) + 1
        share = rural / population if population else None
        qpv_share = qpv_population / total if total else None
        wide = territory.kind in ("departement", "region", "com")
        if qpv and (not wide or (qpv_share or 0) >= WIDE_QPV_SHARE):
            found.append("qpv")
        found += density_contexts(share, territory.kind != "commune")
        if littoral:
            found.append("littoral")
        if territory.region_code in special.DROM_REGIONS or territory.kind == "com" or (
                territory.departement_code in special.OVERSEAS_COLLECTIVITES):
            found.append("outre-mer")
        programmes: list[str] = []
        industrie: tuple[str, ...] = ()
        held: tuple[str, ...] = ()
        grouping: str | None = None
        if territory.kind in ("commune", "epci", "ept"):
            for key, codes in sorted(self.programmes.items()):
                if any(c.code in codes for c in communes):
                    programmes.append(key)
            group = territory.code if territory.kind != "commune" else (
                territory.ept_siren or territory.epci_siren)
            holder = territory.ept_name if territory.ept_siren else territory.epci_name
            industrie = self.industrie.get(group or "", ())
            if not industrie and territory.kind == "commune" and territory.epci_siren:
                industrie = self.industrie.get(territory.epci_siren, ())
                holder = territory.epci_name
            if industrie:
                programmes.append("territoires-industrie")
                if territory.kind == "commune":  # the grouping's programme, not the commune's
                    held = ("territoires-industrie",)
                    grouping = holder
        density = densities.get(territory.code) if territory.kind == "commune" else None
        ordered = tuple(sorted(massifs, key=lambda name: (-massifs[name], name)))
        departements = {c.departement_code for c in communes if c.departement_code} or {
            territory.departement_code}
        return TerritoryContext(tuple(found), tuple(programmes), density, share, qpv, littoral,
                                ordered, industrie, qpv_share, held, grouping,
                                state_rsa_of(departements))


def departement_council(territory: Territory, name: str | None, tncc: int) -> str | None:
    """Who exercises the départemental competences over a territory, as a phrase."""
    dep = territory.departement_code
    if territory.epci_type == "MET69" or territory.status is special.LYON:
        return "la Métropole de Lyon"
    fixed = {"75": "la Ville de Paris", "2A": "la Collectivité de Corse",
             "2B": "la Collectivité de Corse", "67": "la Collectivité européenne d'Alsace",
             "68": "la Collectivité européenne d'Alsace",
             "6AE": "la Collectivité européenne d'Alsace",
             "972": "la Collectivité territoriale de Martinique",
             "973": "la Collectivité territoriale de Guyane",
             "976": "le Département de Mayotte"}
    if dep in fixed:
        return fixed[dep]
    if not name or dep in special.OVERSEAS_COLLECTIVITES or territory.kind == "region":
        return None
    return "le conseil départemental " + special.of_name(name, tncc)


def region_council(territory: Territory, name: str | None, tncc: int) -> str | None:
    """Who exercises the régional competences over a territory, as a phrase."""
    fixed = {"94": "la Collectivité de Corse", "02": "la Collectivité territoriale de Martinique",
             "03": "la Collectivité territoriale de Guyane", "06": "le Département de Mayotte"}
    if territory.region_code in fixed:
        return fixed[territory.region_code]
    if not name or territory.region_code in special.OVERSEAS_COLLECTIVITES:
        return None
    return "le conseil régional " + special.of_name(name, tncc)
