"""User-interface strings (bokmål first, English available).

Extends the shared table in :mod:`planning.i18n` with what only the UI and the
interactive map show; :func:`t` looks here first and falls back to the shared
table, so a label used by exports too is defined once, there.

Examples
--------
>>> t("layer.sites", "en")
'Reception sites'
>>> t("legend.title", "en")
'Legend'
"""

from __future__ import annotations

from typing import Any, Final

from planning import i18n

STRINGS: Final[dict[str, dict[str, str]]] = {
    # Layer names in the map's layer control
    "layer.basemap": {"nb": "Vektorkart (offline)", "en": "Vector map (offline)"},
    "layer.osm": {
        "nb": "OpenStreetMap (krever internett)",
        "en": "OpenStreetMap (needs internet)",
    },
    "layer.boundaries": {"nb": "Kommunegrenser", "en": "Municipal boundaries"},
    "layer.roads": {"nb": "Veinett (bil)", "en": "Road network (car)"},
    "layer.population": {
        "nb": "Befolkning per 250 m-rute (SSB {vintage})",
        "en": "Population per 250 m cell (SSB {vintage})",
    },
    "layer.sites": {"nb": "Mottakssteder", "en": "Reception sites"},
    "layer.fire_stations": {"nb": "Brannstasjoner", "en": "Fire stations"},
    "layer.hospitals": {"nb": "Sykehus", "en": "Hospitals"},
    "layer.shelters": {"nb": "Offentlige tilfluktsrom", "en": "Public shelters"},
    "layer.actors": {"nb": "Ansvar: {kind}", "en": "Responsibility: {kind}"},
    "layer.zone": {"nb": "Berørt sone", "en": "Affected zone"},
    "layer.catchments": {"nb": "Nedslagsfelt", "en": "Catchments"},
    "layer.routes": {"nb": "Evakueringsruter", "en": "Evacuation routes"},
    "layer.bottlenecks": {"nb": "Flaskehalser", "en": "Bottlenecks"},
    "layer.evacuees": {"nb": "Evakuerte (utgangspunkt)", "en": "Evacuees (origins)"},
    # Actor kinds (keys match geo.registry.ACTOR_KINDS)
    "actor_kind.police": {"nb": "politi", "en": "police"},
    "actor_kind.fire": {"nb": "brann og redning", "en": "fire and rescue"},
    "actor_kind.health": {"nb": "helse", "en": "health"},
    "actor_kind.county_governor": {"nb": "statsforvalter", "en": "county governor"},
    "actor_kind.municipality": {"nb": "kommune", "en": "municipality"},
    "actor_kind.volunteer": {"nb": "frivillige", "en": "volunteers"},
    "actor_kind.utility": {"nb": "infrastruktur", "en": "utilities"},
    "actor_kind.site": {"nb": "mottakssted", "en": "reception site"},
    "actor_kind.rescue_centre": {"nb": "redningssentral", "en": "rescue centre"},
    # Popups and tooltips
    "popup.address": {"nb": "Adresse", "en": "Address"},
    "popup.capacity": {"nb": "Kapasitet", "en": "Capacity"},
    "popup.capacity_assumed": {"nb": "{capacity} (antatt)", "en": "{capacity} (assumed)"},
    "popup.agreement": {"nb": "Avtale", "en": "Agreement"},
    "popup.no_agreement": {"nb": "ingen avtale registrert", "en": "no agreement on file"},
    "popup.assigned": {"nb": "Tildelt", "en": "Assigned"},
    "popup.status": {"nb": "Status", "en": "Status"},
    "popup.people": {"nb": "Personer", "en": "People"},
    "popup.vehicles": {"nb": "Kjøretøy", "en": "Vehicles"},
    "popup.capacity_vph": {"nb": "Kapasitet (kjt./t)", "en": "Capacity (veh./h)"},
    "popup.load": {"nb": "Belastning", "en": "Load"},
    "popup.split": {
        "nb": "Kapasitet delte en befolkningsrute",
        "en": "Capacity split a population cell",
    },
    "popup.places": {"nb": "Plasser", "en": "Places"},
    "popup.service": {"nb": "Brannvesen", "en": "Fire service"},
    "popup.responsible_here": {"nb": "Ansvarlige her", "en": "Responsible here"},
    "popup.travel": {"nb": "Reisetid", "en": "Travel time"},
    "popup.unnamed_road": {"nb": "vei uten navn", "en": "unnamed road"},
    "popup.evacuee_status.assigned": {"nb": "tildelt", "en": "assigned"},
    "popup.evacuee_status.unassigned": {"nb": "uten plass", "en": "no place"},
    "popup.evacuee_status.unreachable": {"nb": "ikke nåbar", "en": "unreachable"},
    # Legend rows that only the interactive map has
    "legend.boundary_home": {"nb": "Bærum kommune", "en": "Bærum municipality"},
    "legend.boundary_other": {"nb": "Nabokommune", "en": "Neighbouring municipality"},
    "legend.population": {
        "nb": "Bosatte per 250 m-rute, SSB {vintage}",
        "en": "Residents per 250 m cell, SSB {vintage}",
    },
    "legend.unreachable_origin": {
        "nb": "Evakuerte uten vei til et mottakssted",
        "en": "Evacuees with no road to a reception site",
    },
    "legend.unassigned_origin": {
        "nb": "Evakuerte uten plass",
        "en": "Evacuees without a place",
    },
    "legend.fire_station": {"nb": "Brannstasjon", "en": "Fire station"},
    "legend.hospital": {"nb": "Sykehus", "en": "Hospital"},
    "legend.shelter": {"nb": "Offentlig tilfluktsrom", "en": "Public shelter"},
    "legend.actors": {"nb": "Ansvarsområde (klikk for aktører)", "en": "Area (click: actors)"},
    "legend.draw": {
        "nb": "Tegn sone med verktøyene til venstre",
        "en": "Draw a zone with the tools on the left",
    },
    # --- atlas ---
    "atlas.title": {"nb": "Evakueringsatlas", "en": "Evacuation atlas"},
    "atlas.subtitle": {
        "nb": "{zones} soner · {residents} bosatte (SSB {vintage}) · laget {when}",
        "en": "{zones} zones · {residents} residents (SSB {vintage}) · created {when}",
    },
    "atlas.legend_p90": {
        "nb": "Rømningstid p90 (min til 90 % er fremme)",
        "en": "Clearance p90 (min until 90 % have arrived)",
    },
    "atlas.no_time": {"nb": "Ingen tid (ingen reiser)", "en": "No time (nobody travels)"},
    "atlas.failed": {"nb": "Ikke planlagt (feil)", "en": "Not planned (error)"},
    "atlas.zones": {"nb": "Soner", "en": "Zones"},
    "atlas.more": {
        "nb": "… og {n} til (se atlas.json / atlas.gpkg)",
        "en": "… and {n} more (see atlas.json / atlas.gpkg)",
    },
    "atlas.zone_page": {"nb": "Sone {name}", "en": "Zone {name}"},
    "atlas.zone_id": {"nb": "Sone-id {id} · {cells} ruter", "en": "Zone id {id} · {cells} cells"},
    "atlas.figures": {"nb": "Nøkkeltall", "en": "Key figures"},
    "atlas.residents": {"nb": "Bosatte (SSB {vintage})", "en": "Residents (SSB {vintage})"},
    "atlas.kindergartens": {"nb": "Barnehager", "en": "Kindergartens"},
    "atlas.leave": {"nb": "Ute av sonen p50 / p90", "en": "Out of the zone p50 / p90"},
    "atlas.arrive": {"nb": "Fremme p50 / p90", "en": "Arrived p50 / p90"},
    "atlas.range": {"nb": "p90 med kapasitetsspenn", "en": "p90 over the capacity range"},
    "atlas.unreachable": {"nb": "Uten vei ut", "en": "No way out"},
    "atlas.exits": {"nb": "Utganger", "en": "Exits"},
    "atlas.reception": {"nb": "Mottakssted", "en": "Reception"},
    "atlas.bottleneck": {"nb": "Flaskehals", "en": "Bottleneck"},
    "atlas.corridor": {"nb": "Hovedvei ut", "en": "Main road out"},
    "atlas.action_card": {"nb": "Tiltakskort", "en": "Action card"},
    "atlas.rules": {"nb": "Regler som slo til", "en": "Rules that fired"},
    "atlas.error": {"nb": "Planen kunne ikke lages: {error}", "en": "No plan: {error}"},
    "atlas.minutes": {"nb": "{a} / {b} min", "en": "{a} / {b} min"},
    "atlas.range_value": {"nb": "{fast}–{slow} min", "en": "{fast}–{slow} min"},
    "atlas.none": {"nb": "–", "en": "–"},
    "crit.title": {"nb": "Kritiske veilenker", "en": "Critical road links"},
    "crit.subtitle": {
        "nb": "Scenario {name}: hver lenke stengt for seg · p90 før: {p90} min",
        "en": "Scenario {name}: each link closed in turn · p90 before: {p90} min",
    },
    "crit.cut_off": {"nb": "Stenger ute {people} personer", "en": "Cuts off {people} people"},
    "crit.rise": {"nb": "p90 +{minutes} min", "en": "p90 +{minutes} min"},
    "crit.legend_cut": {"nb": "Stenging stenger folk ute", "en": "Closure cuts people off"},
    "crit.legend_rise": {"nb": "Stenging øker p90", "en": "Closure raises p90"},
    "crit.legend_other": {"nb": "Liten virkning", "en": "Little effect"},
    "crit.ranking": {"nb": "Rangering", "en": "Ranking"},
    # --- ui-carto ---
    "closure.default_label": {"nb": "Stengt vei {n}", "en": "Closed road {n}"},
    "layer.closures": {"nb": "Stengte veier", "en": "Closed roads"},
    "legend.closure": {"nb": "Stengt vei", "en": "Closed road"},
    "legend.closure_pending": {
        "nb": "Stengt vei (ikke beregnet)",
        "en": "Closed road (not yet computed)",
    },
    "popup.roads_cut": {"nb": "Stengte veier", "en": "Roads closed"},
    "popup.length": {"nb": "Lengde", "en": "Length"},
    "popup.pending": {
        "nb": "Ikke beregnet: kjør planen på nytt",
        "en": "Not computed yet: run the plan again",
    },
    "layer.plan_sites": {"nb": "Mottakssteder i planen", "en": "Reception sites in the plan"},
    "layer.pending": {"nb": "Ikke beregnet", "en": "Not computed"},
    "legend.pending": {"nb": "ikke beregnet", "en": "not computed"},
    "legend.zone_pending": {"nb": "Ny sone (ikke beregnet)", "en": "New zone (not computed)"},
    "layer.exits": {"nb": "Trygge utganger", "en": "Safe exits"},
    "legend.exit": {"nb": "Trygg utgang (egne ordninger)", "en": "Safe exit (own arrangements)"},
    "layer.kindergartens": {"nb": "Barnehager", "en": "Kindergartens"},
    "legend.kindergarten": {"nb": "Barnehage", "en": "Kindergarten"},
    "layer.single_points": {"nb": "Sårbare veipunkter", "en": "Single points of failure"},
    "legend.single_point": {
        "nb": "Sårbart punkt (eneste vei ut)",
        "en": "Single point of failure (only way out)",
    },
    "legend.direction": {"nb": "Kjøreretning", "en": "Direction of travel"},
    "layer.coverage": {"nb": "Veidataenes dekning", "en": "Road data coverage"},
    "legend.coverage": {"nb": "Veidata dekker dette området", "en": "Road data covers this area"},
    "layer.place_names": {"nb": "Stedsnavn", "en": "Place names"},
    "mapfig.leave_p90": {"nb": "Ute av sonen, 90 %", "en": "Out of the zone, 90 %"},
    "mapfig.leave_p100": {"nb": "Ute av sonen, alle", "en": "Out of the zone, all"},
    "mapfig.arrive_p90": {"nb": "Fremme, 90 %", "en": "Arrived, 90 %"},
    "mapfig.arrive_p100": {"nb": "Fremme, alle", "en": "Arrived, all"},
    "mapfig.range_note": {
        "nb": "I parentes: spenn for lav–høy veikapasitet",
        "en": "In brackets: range for low–high road capacity",
    },
    "mapfig.own_arrangements": {
        "nb": "Egne ordninger (trygg utgang)",
        "en": "Own arrangements (safe exit)",
    },
    "mapfig.closures": {"nb": "Stengte veier:", "en": "Closed roads:"},
    "actions.title": {"nb": "Tiltakskort", "en": "Action card"},
    "actions.heading": {
        "nb": "Tiltak: hvem gjør hva, etter hvilken avtale",
        "en": "Actions: who does what, under which agreement",
    },
    "actions.agreement": {"nb": "Avtale", "en": "Agreement"},
    "actions.none": {
        "nb": "Ingen tiltak utløst av reglene.",
        "en": "No actions triggered by the rules.",
    },
    "actions.all_actors": {"nb": "Alle ansvarlige aktører", "en": "All responsible actors"},
    "actions.page": {"nb": "Side {n} av {total}", "en": "Page {n} of {total}"},
    "popup.evacuee_status.own_arrangements": {"nb": "egne ordninger", "en": "own arrangements"},
    "legend.own_arrangements_origin": {
        "nb": "Evakuerte med egne ordninger",
        "en": "Evacuees with own arrangements",
    },
    "popup.capacity_places": {"nb": "Plasser", "en": "Places"},
    "mapfig.actors_on_card": {
        "nb": "Ansvarlige aktører ({n}): se tiltakskortet",
        "en": "Responsible actors ({n}): see the action card",
    },
    "mapfig.more_on_card": {
        "nb": "+ {n} til (se tiltakskortet)",
        "en": "+ {n} more (see the action card)",
    },
}

#: Bokmål for Leaflet.draw's toolbar and drawing hints (merged into ``L.drawLocal``;
#: English is Leaflet.draw's own default). Same nesting as Leaflet.draw's ``L.drawLocal``.
DRAW_LOCAL_NB: Final[dict[str, Any]] = {
    "draw": {
        "toolbar": {
            "actions": {"title": "Avbryt tegningen", "text": "Avbryt"},
            "finish": {"title": "Fullfør tegningen", "text": "Fullfør"},
            "undo": {"title": "Slett siste punkt", "text": "Slett siste punkt"},
            "buttons": {
                "polyline": "Tegn en stengt vei (linje)",
                "polygon": "Tegn en sone (mangekant)",
                "rectangle": "Tegn en sone (rektangel)",
                "circle": "Tegn en sone (sirkel)",
            },
        },
        "handlers": {
            "circle": {
                "tooltip": {"start": "Klikk og dra for å tegne en sirkel."},
                "radius": "Radius",
            },
            "polygon": {
                "tooltip": {
                    "start": "Klikk for å begynne på sonen.",
                    "cont": "Klikk for å fortsette.",
                    "end": "Klikk på første punkt for å lukke sonen.",
                }
            },
            "polyline": {
                "error": "<strong>Feil:</strong> kantene kan ikke krysse hverandre!",
                "tooltip": {
                    "start": "Klikk for å begynne på linjen.",
                    "cont": "Klikk for å fortsette linjen.",
                    "end": "Klikk på siste punkt for å avslutte linjen.",
                },
            },
            "rectangle": {"tooltip": {"start": "Klikk og dra for å tegne et rektangel."}},
            "simpleshape": {"tooltip": {"end": "Slipp musen for å fullføre."}},
        },
    },
    "edit": {
        "toolbar": {
            "actions": {
                "save": {"title": "Lagre endringene", "text": "Lagre"},
                "cancel": {"title": "Avbryt redigering, forkast endringene", "text": "Avbryt"},
                "clearAll": {"title": "Fjern alt som er tegnet", "text": "Fjern alt"},
            },
            "buttons": {
                "edit": "Rediger tegningene",
                "editDisabled": "Ingenting å redigere",
                "remove": "Slett tegninger",
                "removeDisabled": "Ingenting å slette",
            },
        },
        "handlers": {
            "edit": {
                "tooltip": {
                    "text": "Dra i håndtakene for å endre formen.",
                    "subtext": "Klikk Avbryt for å angre.",
                }
            },
            "remove": {"tooltip": {"text": "Klikk på en tegning for å slette den."}},
        },
    },
}


def t(key: str, lang: str = i18n.DEFAULT_LANG, **fmt: object) -> str:
    """Return the UI string ``key`` in ``lang``; shared keys come from :mod:`planning.i18n`.

    Raises
    ------
    KeyError
        If the language or the key is unknown in both tables.
    """
    return i18n.lookup(STRINGS, key, lang, i18n.t, **fmt)
