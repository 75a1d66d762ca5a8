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
    "app.plan_ahead": {
        "nb": "Plan beregnet på forhånd på {seconds} s.",
        "en": "Plan computed ahead in {seconds} s.",
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
    "results.share": {"nb": "{share} % av evakuerte", "en": "{share} % of evacuees"},
    "results.clearance_help": {
        "nb": "Tid fra evakueringsordren til 90 % av de evakuerte har forlatt sonen, og til "
        "90 % er fremme ved mottaksstedet (kø-modell langs rutene). I parentes: spennet for "
        "lav og høy veikapasitet (antatt).",
        "en": "Time from the evacuation order until 90 % of evacuees have left the zone, and "
        "until 90 % have reached their site (queue model along the routes). In brackets: the "
        "range for low and high road capacity (assumed).",
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
    # --- ui-app (issue #9) ---
    "zones.kind.file": {"nb": "fra filen {file}", "en": "from the file {file}"},
    "zones.kind.area": {"nb": "område", "en": "area"},
    "zones.undo": {"nb": "Angre siste endring", "en": "Undo last change"},
    "zones.clear_confirm": {
        "nb": "Fjerne alle soner og stengte veier? Du kan angre etterpå.",
        "en": "Remove every zone and closed road? You can undo it afterwards.",
    },
    "zones.clear_yes": {"nb": "Ja, fjern alle", "en": "Yes, remove all"},
    "zones.clear_no": {"nb": "Avbryt", "en": "Cancel"},
    "map.pending_note": {
        "nb": "Stiplet på kartet: soner og stengte veier som ikke er beregnet ennå. Trykk "
        "«Beregn plan».",
        "en": "Dashed on the map: zones and closed roads not computed yet. Press “Compute plan”.",
    },
    "params.vintage": {"nb": "Befolkningsdata (årgang)", "en": "Population data (vintage)"},
    "params.vintage_help": {
        "nb": "Automatisk = nyeste SSB-rutenett som dekker sonen (2023 for Akershus og Oslo).",
        "en": "Automatic = the newest SSB grid covering the zone (2023 for Akershus and Oslo).",
    },
    "vintage.auto": {"nb": "automatisk", "en": "automatic"},
    "vintage.2023": {"nb": "2023", "en": "2023"},
    "vintage.2015": {"nb": "2015", "en": "2015"},
    "params.reception_share": {
        "nb": "Andel som trenger mottaksplass (antatt)",
        "en": "Share needing a reception place (assumed)",
    },
    "params.reception_share_help": {
        "nb": "Antatt: 5–15 % av evakuerte bruker offentlige mottakssteder; resten ordner seg "
        "selv hos familie, venner eller på hotell (Baker 1991).",
        "en": "Assumed: 5–15 % of evacuees use public reception sites; the rest make their own "
        "arrangements with family, friends or hotels (Baker 1991).",
    },
    "params.exit_buffer": {
        "nb": "Sikkerhetsavstand for utganger (m, antatt)",
        "en": "Exit safety distance (m, assumed)",
    },
    "params.exit_buffer_help": {
        "nb": "Hvor langt utenfor sonen et trygt utgangspunkt ligger for dem som ordner seg selv.",
        "en": "How far outside the zone a safe exit point lies for those making own arrangements.",
    },
    "params.capacity_range": {
        "nb": "Kapasitetsfaktor for veiene: lav / sentral / høy (antatt)",
        "en": "Road capacity factor: low / central / high (assumed)",
    },
    "range.low": {"nb": "Lav", "en": "Low"},
    "range.central": {"nb": "Sentral", "en": "Central"},
    "range.high": {"nb": "Høy", "en": "High"},
    "added.header": {"nb": "Egne mottakssteder", "en": "Added reception sites"},
    "added.row": {
        "nb": "{name}: {capacity} plasser ({kind})",
        "en": "{name}: {capacity} places ({kind})",
    },
    "added.pick": {
        "nb": "Legg til mottakssted ved klikk i kartet",
        "en": "Add a reception site by clicking on the map",
    },
    "added.click_hint": {
        "nb": "Klikk i kartet der mottaksstedet ligger.",
        "en": "Click on the map where the reception site is.",
    },
    "added.point": {
        "nb": "Valgt punkt: {lat} °N, {lon} °Ø",
        "en": "Picked point: {lat} °N, {lon} °E",
    },
    "added.name": {"nb": "Navn på mottakssted", "en": "Name of the reception site"},
    "added.capacity": {"nb": "Kapasitet (personer)", "en": "Capacity (people)"},
    "added.kind": {"nb": "Type", "en": "Kind"},
    "added.add": {"nb": "Legg til mottakssted", "en": "Add reception site"},
    "site_kind.eps": {"nb": "evakuerte- og pårørendesenter", "en": "evacuee and relatives centre"},
    "site_kind.eps_hotel": {"nb": "hotell (EPS-avtale)", "en": "hotel (EPS agreement)"},
    "site_kind.arena": {"nb": "arena", "en": "arena"},
    "site_kind.school": {"nb": "skole", "en": "school"},
    "site_kind.other": {"nb": "annet", "en": "other"},
    "value.yes": {"nb": "ja", "en": "yes"},
    "value.no": {"nb": "nei", "en": "no"},
    "assumption.population_source": {"nb": "Befolkningskilde", "en": "Population source"},
    "assumption.population_scale": {"nb": "Befolkningsfaktor", "en": "Population factor"},
    "assumption.population_override": {
        "nb": "Overstyrt antall bosatte",
        "en": "Residents override",
    },
    "assumption.extra_population": {"nb": "Ekstra befolkning", "en": "Extra population"},
    "assumption.mode": {"nb": "Transportmåte", "en": "Travel mode"},
    "assumption.car_share": {"nb": "Andel med bil", "en": "Share by car"},
    "assumption.persons_per_car": {"nb": "Personer per bil", "en": "Persons per car"},
    "assumption.mobilisation_curve": {
        "nb": "Mobilisering (andel avreist etter minutter)",
        "en": "Mobilisation (share departed after minutes)",
    },
    "assumption.site_capacities_assumed": {
        "nb": "Mottakssteder med antatt kapasitet",
        "en": "Reception sites with assumed capacity",
    },
    "assumption.roads_under_construction": {
        "nb": "Veier under bygging tillatt",
        "en": "Roads under construction allowed",
    },
    "assumption.clearance_model": {"nb": "Modell for rømningstid", "en": "Clearance-time model"},
    "assumption.clearance_covers": {"nb": "Rømningstiden gjelder", "en": "Clearance time covers"},
    "assumption.off_network_detour_factor": {
        "nb": "Omveisfaktor utenfor veinettet",
        "en": "Detour factor off the road network",
    },
    "assumption.max_snap_m": {
        "nb": "Største avstand til nærmeste vei (m)",
        "en": "Largest distance to the nearest road (m)",
    },
    "assumption.evacuated_statuses": {
        "nb": "Sonestatuser som evakueres",
        "en": "Zone statuses that are evacuated",
    },
    "assumption.reception_share": {
        "nb": "Andel som trenger mottaksplass",
        "en": "Share needing a reception place",
    },
    "assumption.exit_buffer_m": {
        "nb": "Sikkerhetsavstand for utganger (m)",
        "en": "Exit safety distance (m)",
    },
    "assumption.capacity_range": {
        "nb": "Kapasitetsfaktor lav / sentral / høy",
        "en": "Capacity factor low / central / high",
    },
    "assumption.population_vintage": {"nb": "Befolkningsdata (årgang)", "en": "Population vintage"},
    "assumption_value.population_source": {
        "nb": "SSB 250 m-rutenett {vintage} (bosatte, natt)",
        "en": "SSB 250 m grid {vintage} (residents, night)",
    },
    "assumption_value.clearance_model": {
        "nb": "kø-modell over tid langs rutene til mottakssteder og trygge utganger",
        "en": "point-queue time-expanded flow over the routes to sites and exits",
    },
    "assumption_value.clearance_covers": {
        "nb": "alle som reiser: til mottakssteder og til trygge utganger",
        "en": "everybody who travels: to reception sites and to safe exits",
    },
    "upload.button": {"nb": "Velg fil", "en": "Upload"},
    "upload.limit": {"nb": "Maks {mb} MB per fil", "en": "{mb} MB per file"},
    # --- tidy ---
    "upload.drop": {"nb": "Slipp filen her", "en": "Drag and drop a file here"},
    "input.apply": {"nb": "Trykk Enter for å bruke", "en": "Press Enter to apply"},
    "input.submit": {"nb": "Trykk Enter for å sende", "en": "Press Enter to submit form"},
    "select.none": {"nb": "Ingen treff", "en": "No results"},
    "status.stop": {"nb": "Stopp", "en": "Stop"},
    "status.stopping": {"nb": "Stopper …", "en": "Stopping…"},
    # --- end tidy ---
    "assumption.reception_share_source": {
        "nb": "Kilde for andel til mottak",
        "en": "Source of the reception share",
    },
    "assumption_value.reception_share_source": {
        "nb": "Baker 1991: 5–15 % bruker offentlige mottak (antatt)",
        "en": "Baker 1991: 5–15 % use public shelters (assumed)",
    },
    "diff.zones": {"nb": "Soner", "en": "Zones"},
    "diff.parameters": {"nb": "Forutsetninger", "en": "Parameters"},
    "diff.results": {"nb": "Resultater", "en": "Results"},
    "diff.version": {"nb": "Versjon {version}", "en": "Version {version}"},
    "diff.section": {"nb": "Del", "en": "Part"},
    "diff.what": {"nb": "Hva er endret", "en": "What changed"},
    "diff.zone_row": {"nb": "Sone {n} «{label}»: {what}", "en": "Zone {n} “{label}”: {what}"},
    "diff.zone_whole": {"nb": "lagt til / fjernet", "en": "added / removed"},
    "diff.zone_field.label": {"nb": "navn", "en": "name"},
    "diff.zone_field.status": {"nb": "status", "en": "status"},
    "diff.zone_field.geometry": {"nb": "område", "en": "outline"},
    "diff.zone_field.kind": {"nb": "type", "en": "kind"},
    "diff.zone_field.center": {"nb": "sentrum", "en": "centre"},
    "diff.zone_field.radius_m": {"nb": "radius (m)", "en": "radius (m)"},
    "diff.zone_field.wind_from_deg": {"nb": "vind fra (grader)", "en": "wind from (degrees)"},
    "diff.zone_field.length_m": {"nb": "lengde (m)", "en": "length (m)"},
    "diff.zone_field.angle_deg": {"nb": "åpningsvinkel", "en": "opening angle"},
    "diff.site_field.active": {"nb": "{site}: i bruk", "en": "{site}: in use"},
    "diff.site_field.capacity": {"nb": "{site}: kapasitet", "en": "{site}: capacity"},
    "diff.site_field.whole": {"nb": "{site}: innstillinger", "en": "{site}: settings"},
    "diff.site_value": {
        "nb": "i bruk: {active}, kapasitet: {capacity}",
        "en": "in use: {active}, capacity: {capacity}",
    },
    "diff.registry": {"nb": "fra registeret", "en": "from the registry"},
    "diff.assigned_to": {"nb": "Tildelt {site}", "en": "Assigned to {site}"},
    "diff.clearance": {"nb": "Rømningstid {which} (min)", "en": "Clearance {which} (min)"},
    "diff.outline": {"nb": "endret område", "en": "changed outline"},
    "diff.closures_n": {"nb": "{n} stengte veier", "en": "{n} closed roads"},
    "diff.param.name": {"nb": "Navn på scenario", "en": "Scenario name"},
    "diff.param.preset": {"nb": "Ferdig scenario", "en": "Ready-made scenario"},
    "diff.param.exercise": {"nb": "Øvelse", "en": "Exercise"},
    "diff.param.closures": {"nb": "Stengte veier", "en": "Closed roads"},
    "diff.param.mobilisation": {"nb": "Mobilisering", "en": "Mobilisation"},
    "diff.param.added_sites": {"nb": "Egne mottakssteder", "en": "Added reception sites"},
    "diff.param.evacuees_total": {"nb": "Evakuerte totalt", "en": "Evacuees in total"},
    "diff.param.unassigned": {"nb": "Uten plass", "en": "Unassigned"},
    "diff.param.unreachable": {"nb": "Ikke nåbare", "en": "Unreachable"},
    "diff.param.own_arrangements": {"nb": "Ordner seg selv", "en": "Own arrangements"},
    "diff.param.format": {"nb": "Filformat", "en": "File format"},
    "diff.param.extra_population": {"nb": "Ekstra befolkning", "en": "Extra population"},
    "results.own_arrangements": {"nb": "Ordner seg selv", "en": "Own arrangements"},
    "results.leave90": {"nb": "Ute av sonen (90 %)", "en": "Out of the zone (90 %)"},
    "results.arrive90": {"nb": "Fremme (90 %)", "en": "Arrived (90 %)"},
    "tab.exits": {
        "nb": "Utganger, stengninger, sårbarheter",
        "en": "Exits, closures, weak points",
    },
    "results.no_v2": {
        "nb": "Denne planen har ingen utganger, stengninger, sårbare punkter eller barnehager "
        "å vise.",
        "en": "This plan has no exits, closures, weak points or kindergartens to show.",
    },
    "v2.exits": {
        "nb": "Trygge utganger for dem som ordner seg selv",
        "en": "Safe exits for those making own arrangements",
    },
    "v2.closures": {"nb": "Stengte veier", "en": "Closed roads"},
    "v2.single_points": {
        "nb": "Sårbare punkter: veier der ett stengt punkt stenger alle ute",
        "en": "Single points of failure: roads where one closure cuts everyone off",
    },
    "v2.kindergartens": {"nb": "Barnehager i sonen", "en": "Kindergartens in the zone"},
    "col.exit": {"nb": "Utgang", "en": "Exit"},
    "col.closure": {"nb": "Stengning", "en": "Closure"},
    "col.roads_cut": {"nb": "Veier som stenges", "en": "Roads cut"},
    "col.length": {"nb": "Lengde (m)", "en": "Length (m)"},
    "col.kindergarten": {"nb": "Barnehage", "en": "Kindergarten"},
    "col.children": {"nb": "Barn", "en": "Children"},
    "col.address": {"nb": "Adresse", "en": "Address"},
}


def tr(key: str, lang: str = i18n.DEFAULT_LANG, **fmt: object) -> str:
    """Return the app label ``key`` in ``lang``; other keys come from ``map_strings.t``."""
    return i18n.lookup(STRINGS, key, lang, strings.t, **fmt)
