"""Labels of the planner app (bokmål first, English available).

Only what the app's panels show lives here; map, export and shared labels come
from :mod:`exports.map_strings` and :mod:`planning.i18n`, which :func:`tr` falls back to.
"""

from __future__ import annotations

from typing import Final

from exports import map_strings as strings
from planning import i18n

LANG_NAMES: Final = {"nb": "Norsk bokmål", "en": "English"}

STRINGS: Final[dict[str, dict[str, str]]] = {
    # Page
    "app.title": {"nb": "Evakueringsplanlegger", "en": "Evacuation planner"},
    "app.subtitle": {
        "nb": "Bærum kommune · planlegging av evakuering, mottakssteder og ansvar",
        "en": "Bærum municipality · planning evacuation, reception sites and responsibility",
    },
    "app.exercise_banner": {
        "nb": "ØVELSE – ØVELSE – ØVELSE · ikke en reell hendelse",
        "en": "EXERCISE – EXERCISE – EXERCISE · not a real incident",
    },
    "app.start_hint": {
        "nb": "Velg et ferdig scenario, tegn en sone på kartet, last opp en sonefil eller "
        "legg inn en faresone i sidepanelet, og trykk «Beregn plan».",
        "en": "Pick a ready-made scenario, draw a zone on the map, upload a zone file or add "
        "a hazard zone in the sidebar, then press “Compute plan”.",
    },
    "app.stale": {
        "nb": "Scenarioet er endret etter at planen ble beregnet. Trykk «Beregn plan» for å "
        "oppdatere resultatene.",
        "en": "The scenario changed after the plan was computed. Press “Compute plan” to "
        "update the results.",
    },
    "app.running": {"nb": "Beregner plan …", "en": "Computing plan …"},
    "app.plan_done": {
        "nb": "Plan beregnet på {seconds} s.",
        "en": "Plan computed in {seconds} s.",
    },
    "app.loading_region": {"nb": "Laster kart- og veidata …", "en": "Loading map and road data …"},
    "app.language": {"nb": "Språk / Language", "en": "Språk / Language"},
    # Scenario
    "side.scenario": {"nb": "Scenario", "en": "Scenario"},
    "side.preset": {"nb": "Ferdig scenario", "en": "Ready-made scenario"},
    "side.preset_none": {"nb": "– eget scenario –", "en": "– own scenario –"},
    "side.name": {"nb": "Navn på scenario", "en": "Scenario name"},
    "side.exercise": {"nb": "ØVELSE (merk alt som øvelse)", "en": "EXERCISE (mark everything)"},
    "side.run": {"nb": "Beregn plan", "en": "Compute plan"},
    # Zones
    "zones.header": {"nb": "Soner og stengte veier", "en": "Zones and closed roads"},
    "zones.none": {
        "nb": "Ingen sone ennå: tegn på kartet, last opp en fil eller legg til en faresone.",
        "en": "No zone yet: draw on the map, upload a file or add a hazard zone.",
    },
    "zones.label": {"nb": "Sone {n}: navn", "en": "Zone {n}: name"},
    "zones.status": {"nb": "Status", "en": "Status"},
    "zones.remove": {"nb": "Fjern", "en": "Remove"},
    "zones.kind.polygon": {"nb": "tegnet område", "en": "drawn area"},
    "zones.kind.circle": {"nb": "sirkel, {radius} m", "en": "circle, {radius} m"},
    "zones.kind.plume": {
        "nb": "gassky, vind fra {wind}°, {length} m",
        "en": "gas plume, wind from {wind}°, {length} m",
    },
    "zones.closures": {"nb": "Stengte veier: {n}", "en": "Closed roads: {n}"},
    "zones.clear": {"nb": "Fjern alle soner og stengninger", "en": "Remove all zones and closures"},
    "zones.drawn_label": {"nb": "Tegnet sone {n}", "en": "Drawn zone {n}"},
    "zones.added": {
        "nb": "La til {zones} sone(r) og {closures} stengt(e) vei(er) fra {source}.",
        "en": "Added {zones} zone(s) and {closures} road closure(s) from {source}.",
    },
    "zones.from_map": {"nb": "kartet", "en": "the map"},
    "zones.draw_hint": {
        "nb": "Tegn soner (polygon, rektangel, sirkel) og stengte veier (linje) med "
        "verktøyene øverst til venstre i kartet.",
        "en": "Draw zones (polygon, rectangle, circle) and closed roads (line) with the "
        "tools at the top left of the map.",
    },
    "zones.upload": {
        "nb": "Last opp sonefil (GeoJSON, GeoPackage, KML)",
        "en": "Upload zone file (GeoJSON, GeoPackage, KML)",
    },
    # Hazard templates
    "hazard.header": {"nb": "Faresone fra mal", "en": "Hazard zone from a template"},
    "hazard.kind": {"nb": "Mal", "en": "Template"},
    "hazard.circle": {"nb": "Sirkel rundt et punkt", "en": "Circle around a point"},
    "hazard.plume": {"nb": "Gassky med vind", "en": "Gas plume with wind"},
    "hazard.lat": {"nb": "Breddegrad (°N)", "en": "Latitude (°N)"},
    "hazard.lon": {"nb": "Lengdegrad (°Ø)", "en": "Longitude (°E)"},
    "hazard.radius": {"nb": "Radius (m)", "en": "Radius (m)"},
    "hazard.wind": {"nb": "Vind fra (grader, 0 = nord)", "en": "Wind from (degrees, 0 = north)"},
    "hazard.length": {"nb": "Lengde medvind (m)", "en": "Downwind length (m)"},
    "hazard.angle": {"nb": "Åpningsvinkel (grader)", "en": "Opening angle (degrees)"},
    "hazard.add": {"nb": "Legg til faresone", "en": "Add hazard zone"},
    "hazard.label_circle": {"nb": "Faresone {radius} m", "en": "Hazard zone {radius} m"},
    "hazard.label_plume": {"nb": "Gassky, vind fra {wind}°", "en": "Gas plume, wind from {wind}°"},
    # Assumptions
    "params.header": {"nb": "Forutsetninger (antakelser)", "en": "Assumptions"},
    "params.construction": {
        "nb": "Tillat veier under bygging (Snarøyveien, Fornebubanen)",
        "en": "Allow roads under construction (Snarøyveien, Fornebubanen works)",
    },
    "params.note": {
        "nb": "Alle tall her er antakelser. Juster dem til situasjonen; de følger planen og "
        "alle eksporter.",
        "en": "Every number here is an assumption. Adjust it to the situation; it travels "
        "with the plan and every export.",
    },
    "params.scale": {
        "nb": "Befolkningsfaktor mot SSB-rutenettet (antakelse)",
        "en": "Population factor on the SSB grid (assumption)",
    },
    "params.scale_help": {
        "nb": "1,0 = bosatte i SSBs 250 m-rutenett for årgangen planen bruker; 1,2 = 20 % "
        "vekst siden da.",
        "en": "1.0 = residents in the SSB 250 m grid of the vintage the plan uses; 1.2 = 20 % "
        "growth since then.",
    },
    "params.override": {
        "nb": "Overstyr antall bosatte i sonen (antakelse)",
        "en": "Override residents in the zone (assumption)",
    },
    "params.override_help": {
        "nb": "Tomt felt = SSB-tall. Et tall fordeles på de samme rutene.",
        "en": "Empty = SSB figures. A number is spread over the same cells.",
    },
    "params.mode": {"nb": "Transportmåte (antakelse)", "en": "Travel mode (assumption)"},
    "mode.walk": {"nb": "Til fots", "en": "On foot"},
    "mode.drive": {"nb": "Bil", "en": "Car"},
    "mode.mixed": {"nb": "Blandet", "en": "Mixed"},
    "params.car_share": {"nb": "Andel med bil (antakelse)", "en": "Share by car (assumption)"},
    "params.persons_per_car": {
        "nb": "Personer per bil (antakelse)",
        "en": "Persons per car (assumption)",
    },
    "params.mobilisation": {
        "nb": "Mobilisering, minutter:andel avreist (antakelse)",
        "en": "Mobilisation, minutes:share departed (assumption)",
    },
    "params.mobilisation_help": {
        "nb": "Kumulativ andel som har reist etter ordren, f.eks. 0:0; 15:0,3; 30:0,7; 60:1",
        "en": "Cumulative share departed after the order, e.g. 0:0; 15:0.3; 30:0.7; 60:1",
    },
    # Sites
    "sites.header": {"nb": "Mottakssteder", "en": "Reception sites"},
    "sites.note": {
        "nb": "Kapasitet merket «antatt» kommer fra registeret og er ikke bekreftet.",
        "en": "Capacities marked “assumed” come from the registry and are not confirmed.",
    },
    "sites.active_help": {
        "nb": "Avkrysset = stedet kan brukes i dette scenarioet.",
        "en": "Ticked = the site can be used in this scenario.",
    },
    "sites.capacity": {"nb": "Kapasitet", "en": "Capacity"},
    "sites.capacity_assumed": {"nb": "Kapasitet (antatt)", "en": "Capacity (assumed)"},
    # Scenario file
    "file.header": {"nb": "Scenariofil", "en": "Scenario file"},
    "file.load": {"nb": "Last inn scenario (JSON)", "en": "Load scenario (JSON)"},
    "file.loaded": {"nb": "Scenario «{name}» lastet inn.", "en": "Scenario “{name}” loaded."},
    "file.save": {"nb": "Lagre scenario (JSON)", "en": "Save scenario (JSON)"},
    # Results
    "results.title": {"nb": "Resultater", "en": "Results"},
    "results.assigned_total": {"nb": "Tildelt plass", "en": "Assigned a place"},
    "results.leave": {"nb": "Ute av sonen 90 % / 100 %", "en": "Out of the zone 90 % / 100 %"},
    "results.arrive": {"nb": "Fremme 90 % / 100 %", "en": "Arrived 90 % / 100 %"},
    "results.minutes_pair": {"nb": "{p90} / {p100} min", "en": "{p90} / {p100} min"},
    "results.share": {"nb": "{share} % av evakuerte", "en": "{share} % of evacuees"},
    "results.clearance_help": {
        "nb": "Tid fra evakueringsordren til 90 % og 100 % av de tildelte har forlatt sonen "
        "og er fremme ved mottaksstedet (kø-modell langs rutene).",
        "en": "Time from the evacuation order until 90 % and 100 % of those assigned have "
        "left the zone and reached their site (queue model along the routes).",
    },
    "tab.sites": {"nb": "Mottakssteder", "en": "Reception sites"},
    "tab.bottlenecks": {"nb": "Flaskehalser", "en": "Bottlenecks"},
    "tab.problems": {"nb": "Uten plass / ikke nåbare", "en": "Unassigned / unreachable"},
    "tab.warnings": {"nb": "Varsler ({n})", "en": "Warnings ({n})"},
    "tab.actors": {"nb": "Ansvar og tiltak", "en": "Responsibility and actions"},
    "tab.assumptions": {"nb": "Forutsetninger og data", "en": "Assumptions and data"},
    "tab.exports": {"nb": "Eksport", "en": "Export"},
    "col.site": {"nb": "Mottakssted", "en": "Reception site"},
    "col.assigned": {"nb": "Tildelt", "en": "Assigned"},
    "col.capacity": {"nb": "Kapasitet", "en": "Capacity"},
    "col.use": {"nb": "Utnyttelse", "en": "Utilisation"},
    "col.status": {"nb": "Status", "en": "Status"},
    "col.road": {"nb": "Vei", "en": "Road"},
    "col.mode": {"nb": "Transport", "en": "Mode"},
    "col.people": {"nb": "Personer", "en": "People"},
    "col.vehicles": {"nb": "Kjøretøy", "en": "Vehicles"},
    "col.capacity_vph": {"nb": "Kapasitet per time", "en": "Capacity per hour"},
    "col.load": {"nb": "Belastning", "en": "Load"},
    "col.hours": {"nb": "Timer ved full kapasitet", "en": "Hours at capacity"},
    "col.reason": {"nb": "Årsak", "en": "Reason"},
    "col.actor": {"nb": "Aktør", "en": "Actor"},
    "col.role": {"nb": "Rolle", "en": "Role"},
    "col.why": {"nb": "Hvorfor", "en": "Why"},
    "col.who": {"nb": "Hvem", "en": "Who"},
    "col.what": {"nb": "Hva", "en": "What"},
    "col.agreement": {"nb": "Avtale som aktiveres", "en": "Agreement to activate"},
    "col.key": {"nb": "Forutsetning", "en": "Assumption"},
    "col.value": {"nb": "Verdi", "en": "Value"},
    "status.available": {"nb": "tilgjengelig", "en": "available"},
    "results.no_bottlenecks": {"nb": "Ingen vei er belastet.", "en": "No road carries traffic."},
    "results.all_placed": {
        "nb": "Alle evakuerte har plass og vei til et mottakssted.",
        "en": "Every evacuee has a place and a road to a reception site.",
    },
    "results.no_warnings": {"nb": "Ingen varsler.", "en": "No warnings."},
    "results.unassigned_note": {
        "nb": "{people} personer får ikke plass: øk kapasiteten eller ta i bruk flere "
        "mottakssteder.",
        "en": "{people} people get no place: raise capacities or open more reception sites.",
    },
    "results.actions": {
        "nb": "Tiltaksliste – hvem varsles og hvilke avtaler aktiveres",
        "en": "Action list – who to notify and which agreements to activate",
    },
    "results.bottleneck_note": {
        "nb": "Belastning = kjøretøy (eller personer til fots) delt på veiens kapasitet per "
        "time; over 100 % gir kø.",
        "en": "Load = vehicles (or people on foot) divided by the road's hourly capacity; "
        "above 100 % means queues.",
    },
    "data.header": {"nb": "Datakilder", "en": "Data sources"},
    "data.population": {
        "nb": "Befolkning: SSB 250 m-rutenett {vintage}, bosatte (nattbefolkning). "
        "Dagbefolkning og besøkende er ikke med.",
        "en": "Population: SSB 250 m grid {vintage}, residents (night-time). Daytime "
        "population and visitors are not included.",
    },
    "data.region": {"nb": "Regiondata: {path}", "en": "Region data: {path}"},
    "data.attribution": {"nb": "Kilder og lisenser: {text}", "en": "Sources and licences: {text}"},
    # Exports
    "export.pdf_a4": {"nb": "Rutekart A4 (PDF)", "en": "Route map A4 (PDF)"},
    "export.pdf_a3": {"nb": "Rutekart A3 (PDF)", "en": "Route map A3 (PDF)"},
    "export.png_a4": {"nb": "Rutekart A4 (PNG)", "en": "Route map A4 (PNG)"},
    "export.png_a3": {"nb": "Rutekart A3 (PNG)", "en": "Route map A3 (PNG)"},
    "export.html": {"nb": "Interaktivt kart (HTML)", "en": "Interactive map (HTML)"},
    "export.gpkg": {"nb": "Kartlag (GeoPackage)", "en": "Layers (GeoPackage)"},
    "export.geojson": {"nb": "Kartlag (GeoJSON)", "en": "Layers (GeoJSON)"},
    "export.kml": {"nb": "Kartlag (KML)", "en": "Layers (KML)"},
    "export.cap": {"nb": "Varsel (CAP XML)", "en": "Alert (CAP XML)"},
    "export.scenario": {"nb": "Scenario (JSON)", "en": "Scenario (JSON)"},
    "export.note": {
        "nb": "Filene lages når du trykker; kart kan ta noen sekunder. Ved øvelse starter "
        "filnavnene med «ovelse».",
        "en": "Files are made when you press; maps can take a few seconds. For an exercise "
        "the file names start with “ovelse”.",
    },
    # --- sumo ---
    "sim.header": {
        "nb": "Kryssjekk med mikrosimulering (SUMO)",
        "en": "Cross-check with microsimulation (SUMO)",
    },
    "sim.explain": {
        "nb": "Kjører planens biltrafikk (samme grupper, avreisetider og mål) gjennom "
        "trafikksimulatoren SUMO (mesoskopisk modell) og viser tidene ved siden av planens "
        "raske anslag. Tar fra noen sekunder til et par minutter.",
        "en": "Runs the plan's car traffic (same groups, departure times and destinations) "
        "through the SUMO traffic simulator (mesoscopic model) and shows its times next to the "
        "plan's fast estimate. Takes from a few seconds to a couple of minutes.",
    },
    "sim.button": {
        "nb": "Kryssjekk med mikrosimulering (SUMO)",
        "en": "Cross-check with microsimulation (SUMO)",
    },
    "sim.running": {"nb": "Simulerer med SUMO …", "en": "Simulating with SUMO …"},
    "sim.done": {"nb": "SUMO-simulering ferdig", "en": "SUMO simulation finished"},
    "sim.failed": {"nb": "SUMO-simulering feilet", "en": "SUMO simulation failed"},
    "sim.stage.network": {"nb": "Bygger veinett …", "en": "Building the road network …"},
    "sim.stage.sumo": {"nb": "Simulerer trafikken …", "en": "Simulating the traffic …"},
    "sim.stage.results": {"nb": "Leser resultatene …", "en": "Reading the results …"},
    "sim.col_measure": {"nb": "Minutter", "en": "Minutes"},
    "sim.col_fast": {"nb": "Raskt anslag", "en": "Fast estimate"},
    "sim.col_sumo": {"nb": "SUMO", "en": "SUMO"},
    "sim.col_ratio": {"nb": "SUMO / raskt anslag", "en": "SUMO / fast estimate"},
    "sim.leave_p50": {"nb": "50 % ute av sonen", "en": "50 % out of the zone"},
    "sim.leave_p90": {"nb": "90 % ute av sonen", "en": "90 % out of the zone"},
    "sim.arrive_p50": {"nb": "50 % fremme", "en": "50 % arrived"},
    "sim.arrive_p90": {"nb": "90 % fremme", "en": "90 % arrived"},
    "sim.vehicles": {
        "nb": "{cars} biler: {arrived} fremme, {not_arrived} kom ikke fram, {not_inserted} "
        "kunne ikke rutes eller settes inn, {teleports} teleporteringer. Kjøretid {seconds} s.",
        "en": "{cars} cars: {arrived} arrived, {not_arrived} did not arrive, {not_inserted} "
        "could not be routed or inserted, {teleports} teleports. Run time {seconds} s.",
    },
    "sim.download": {"nb": "Last ned simulation.json", "en": "Download simulation.json"},
    # --- end sumo ---
    # Access control (ui.access)
    "login_name": {"nb": "Navn", "en": "Name"},
    "login_password": {"nb": "Passord", "en": "Password"},
    "login_button": {"nb": "Logg inn", "en": "Log in"},
    "login_failed": {
        "nb": "Feil passord, eller navn mangler.",
        "en": "Wrong password, or the name is missing.",
    },
    # --- atlas ---
    "atlas.view_title": {"nb": "Evakueringsatlas", "en": "Evacuation atlas"},
    "atlas.view_intro": {
        "nb": "Hele området med veidata delt i evakueringssoner etter hvordan folk kommer seg "
        "ut, hver sone planlagt på forhånd. Fargen viser p90 rømningstid.",
        "en": "The whole area with road data cut into evacuation zones by how people get "
        "out, each zone planned in advance. The colour shows the p90 clearance time.",
    },
    "atlas.open_view": {"nb": "Evakueringsatlas", "en": "Evacuation atlas"},
    "atlas.back": {"nb": "Tilbake til planleggeren", "en": "Back to the planner"},
    "atlas.area": {"nb": "Område", "en": "Area"},
    "atlas.area_all": {"nb": "Hele området med veidata", "en": "All of the road data"},
    "atlas.target": {"nb": "Bosatte per sone (antatt)", "en": "Residents per zone (assumed)"},
    "atlas.compute": {"nb": "Lag atlas", "en": "Build atlas"},
    "atlas.progress": {
        "nb": "Planlegger sone {done} av {total}",
        "en": "Planning zone {done} of {total}",
    },
    "atlas.done": {
        "nb": "{zones} soner planlagt på {seconds} s.",
        "en": "{zones} zones planned in {seconds} s.",
    },
    "atlas.pick": {"nb": "Sone", "en": "Zone"},
    "atlas.open": {"nb": "Åpne sonen som scenario", "en": "Open the zone as a scenario"},
    "atlas.opened": {
        "nb": "Sonen «{name}» er lastet som scenario. Trykk «Beregn plan».",
        "en": "Zone “{name}” is loaded as the scenario. Press “Compute plan”.",
    },
    "atlas.col_name": {"nb": "Sone", "en": "Zone"},
    "atlas.col_residents": {"nb": "Bosatte", "en": "Residents"},
    "atlas.col_p90": {"nb": "p90 (min)", "en": "p90 (min)"},
    "atlas.col_leave": {"nb": "Ute p90 (min)", "en": "Out p90 (min)"},
    "atlas.col_bottleneck": {"nb": "Flaskehals", "en": "Bottleneck"},
}


def tr(key: str, lang: str = i18n.DEFAULT_LANG, **fmt: object) -> str:
    """Return the app label ``key`` in ``lang``; other keys come from ``map_strings.t``."""
    return i18n.lookup(STRINGS, key, lang, strings.t, **fmt)
