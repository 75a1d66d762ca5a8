"""Preset scenarios: ready-made zones for Snarøya and Fornebu.

A preset is a scenario file ``<name>.json`` in ``data/shapes/presets`` written by
:func:`planning.scenario.scenario_to_json`, listed with its titles in
``presets/index.yaml``. Preset areas also feed the ``zone_touches_preset`` rule
condition (see :func:`touched_presets`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import shapely
from shapely.geometry.base import BaseGeometry

from geo.errors import RegistryError, ScenarioError
from geo.registry import PRESETS_SUBDIR, read_yaml
from geo.settings import SHAPES_DIR
from planning.scenario import Scenario, scenario_from_dict, scenario_from_json
from planning.zones import zone_geometry

#: Folder holding the preset files and their index.
PRESETS_DIR: Final = SHAPES_DIR / PRESETS_SUBDIR
INDEX_FILE: Final = "index.yaml"
_INDEX_FIELDS: Final = ("title_nb", "title_en", "description_nb", "description_en")


@dataclass(frozen=True)
class PresetInfo:
    """A preset as listed in the menu.

    Attributes
    ----------
    name
        File stem and value of ``Scenario.preset``.
    title_nb, title_en
        Menu titles.
    description
        What the preset shows (English).
    description_nb
        The same in bokmål.
    """

    name: str
    title_nb: str
    title_en: str
    description: str
    description_nb: str


def list_presets(directory: Path | str | None = None) -> list[PresetInfo]:
    """List the presets in index order.

    Parameters
    ----------
    directory
        Preset folder; defaults to :data:`PRESETS_DIR`.

    Raises
    ------
    RegistryError
        If the index is malformed or does not match the ``*.json`` files.
    """
    folder = Path(directory) if directory is not None else PRESETS_DIR
    where = f"{PRESETS_SUBDIR}/{INDEX_FILE}"
    data = read_yaml(folder / INDEX_FILE)
    entries = data.get("presets") if isinstance(data, Mapping) else None
    if not isinstance(entries, Mapping) or not entries:
        raise RegistryError(f"{where}: expected a top-level 'presets' mapping of name -> titles.")
    files = {p.stem for p in folder.glob("*.json")}
    unlisted = files - set(entries)
    if unlisted:
        msg = f"{where}: preset file(s) {', '.join(sorted(unlisted))} missing from the index."
        raise RegistryError(msg + " Add an entry with titles for each.")
    infos = []
    for name, fields in entries.items():
        if name not in files:
            msg = f"{where}: preset {name!r} has no file {name}.json; add it or drop the entry."
            raise RegistryError(msg)
        missing = [k for k in _INDEX_FIELDS if not isinstance(fields, Mapping) or not fields.get(k)]
        if missing:
            msg = f"{where}: preset {name!r}: field(s) {', '.join(missing)} missing; add them."
            raise RegistryError(msg)
        infos.append(
            PresetInfo(
                name=name,
                title_nb=str(fields["title_nb"]).strip(),
                title_en=str(fields["title_en"]).strip(),
                description=str(fields["description_en"]).strip(),
                description_nb=str(fields["description_nb"]).strip(),
            )
        )
    return infos


def load_preset(name: str, directory: Path | str | None = None) -> Scenario:
    """Load preset ``name`` as a validated :class:`Scenario`.

    Raises
    ------
    ScenarioError
        If ``name`` is not a known preset (the message lists the known names).
    RegistryError
        If the preset file is malformed.
    """
    folder = Path(directory) if directory is not None else PRESETS_DIR
    known = [p.name for p in list_presets(folder)]
    if name not in known:
        raise ScenarioError(f"Unknown preset {name!r}; choose one of {', '.join(known)}.")
    where = f"{PRESETS_SUBDIR}/{name}.json"
    try:
        scenario = scenario_from_json((folder / f"{name}.json").read_text(encoding="utf-8"))
        scenario.validate()
    except ScenarioError as exc:
        raise RegistryError(f"{where}: {exc}") from None
    if scenario.preset != name:
        msg = f"{where}: field 'preset' is {scenario.preset!r}; set it to {name!r}."
        raise RegistryError(msg)
    return scenario


def preset_zone(name: str, directory: Path | str | None = None) -> BaseGeometry:
    """Union of the preset's zones (polygons, circles, plumes) in EPSG:25832.

    Raises
    ------
    ScenarioError
        If ``name`` is not a known preset.
    ZoneError
        If a zone of the preset is unusable.
    """
    return shapely.union_all([zone_geometry(z) for z in load_preset(name, directory).zones])


def preset_areas(documents: Mapping[str, object]) -> dict[str, BaseGeometry]:
    """Union of each preset's zones (EPSG:25832), from the parsed preset files.

    Parameters
    ----------
    documents
        Preset name -> parsed JSON document (:attr:`geo.registry.Registry.presets`).

    Raises
    ------
    RegistryError
        If a preset document is malformed.
    """
    areas = {}
    for name, doc in documents.items():
        try:
            scenario = scenario_from_dict(doc)  # type: ignore[arg-type]
        except ScenarioError as exc:
            raise RegistryError(f"{PRESETS_SUBDIR}/{name}.json: {exc}") from None
        areas[name] = shapely.union_all([zone_geometry(z) for z in scenario.zones])
    return areas


def touched_presets(
    zone: BaseGeometry, areas: Mapping[str, BaseGeometry] | None = None
) -> set[str]:
    """Names of the presets whose zones ``zone`` (EPSG:25832) reaches into.

    A zone that only shares a boundary line with a preset does not count, so the
    Fornebu preset does not touch Snarøya along their common neck line.

    Parameters
    ----------
    areas
        Preset name -> area (:func:`preset_areas`); default: read the preset files.
    """
    if areas is None:
        areas = {info.name: preset_zone(info.name) for info in list_presets()}
    return {
        name for name, area in areas.items() if area.intersects(zone) and not area.touches(zone)
    }
