"""Labels of the app's store, exercise-log and situation-view panels (bokmål and English).

Kept apart from :mod:`ui.app_strings` so these panels own their words; :func:`tx`
falls back to :func:`ui.app_strings.tr` for every shared label. Log texts are
stored as written, in the language the planner used when the entry was made.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from geo.settings import LOCAL_TZ
from planning import i18n
from store import exercise_log
from ui.app_strings import tr

# Times are stored in UTC and shown in the municipality's local time (geo.settings.LOCAL_TZ).

STRINGS: Final[dict[str, dict[str, str]]] = {
    # Save panel (sidebar)
    "store.header": {"nb": "Lagre / versjoner", "en": "Save / versions"},
    "store.user": {"nb": "Ditt navn", "en": "Your name"},
    "store.user_help": {
        "nb": "Navnet lagres med hver versjon og hver linje i øvelsesloggen.",
        "en": "Your name is recorded with every version and every exercise-log entry.",
    },
    "store.user_is": {"nb": "Bruker: {user}", "en": "User: {user}"},
    "store.need_user": {
        "nb": "Skriv inn navnet ditt under «Lagre / versjoner» i sidepanelet for å lagre, "
        "åpne versjoner og føre logg.",
        "en": "Enter your name under “Save / versions” in the sidebar to save, open "
        "versions and keep the log.",
    },
    "store.comment": {"nb": "Kommentar til lagringen", "en": "Comment for this save"},
    "store.save": {"nb": "Lagre ny versjon", "en": "Save new version"},
    "store.save_new": {"nb": "Lagre i arkivet", "en": "Save to the archive"},
    "store.open_status": {
        "nb": "Åpent: versjon {version} av «{name}» (id {sid})",
        "en": "Open: version {version} of “{name}” (id {sid})",
    },
    "store.not_saved": {
        "nb": "Ikke lagret i arkivet ennå: første lagring lager et nytt scenario.",
        "en": "Not in the archive yet: the first save creates a new scenario.",
    },
    "store.saved": {
        "nb": "Lagret versjon {version} av «{name}».",
        "en": "Saved version {version} of “{name}”.",
    },
    "store.with_results": {
        "nb": "Nøkkeltallene fra planen lagres med.",
        "en": "The plan's key figures are saved with it.",
    },
    "store.without_results": {
        "nb": "Planen er ikke beregnet for dette scenarioet; bare scenarioet lagres.",
        "en": "No plan computed for this scenario; only the scenario is saved.",
    },
    "store.conflict": {
        "nb": "Konflikt: {user} lagret versjon {theirs} kl. {time}, etter at du åpnet "
        "versjon {base}. Endringen din er lagret som versjon {mine}, så begge versjonene er "
        "tatt vare på. Åpne den andres versjon, eller sammenlign dem og gjenopprett den "
        "dere vil beholde.",
        "en": "Conflict: {user} saved version {theirs} at {time}, after you opened version "
        "{base}. Your change was saved as version {mine}, so both versions are kept. Open "
        "the other version, or compare the two and restore the one to keep.",
    },
    "store.conflict_open": {"nb": "Åpne versjon {version}", "en": "Open version {version}"},
    "store.conflict_compare": {
        "nb": "Sammenlign versjon {a} og {b}",
        "en": "Compare versions {a} and {b}",
    },
    "store.conflict_keep": {"nb": "Behold min versjon", "en": "Keep my version"},
    "store.situation_link": {"nb": "Situasjonsbilde", "en": "Situation view"},
    "store.situation_help": {
        "nb": "Skrivebeskyttet visning av siste lagrede versjon for storskjerm i stab; "
        "oppdateres av seg selv når noen lagrer.",
        "en": "Read-only view of the latest saved version for the staff-room screen; "
        "refreshes by itself when someone saves.",
    },
    "store.opened": {
        "nb": "Åpnet versjon {version} av «{name}».",
        "en": "Opened version {version} of “{name}”.",
    },
    # Archive (main area)
    "section.log": {"nb": "Øvelseslogg", "en": "Exercise log"},
    "section.archive": {"nb": "Scenarioarkiv", "en": "Scenario archive"},
    "archive.none": {"nb": "Ingen lagrede scenarioer ennå.", "en": "No saved scenarios yet."},
    "archive.show_deleted": {"nb": "Vis slettede", "en": "Show deleted"},
    "archive.scenario": {"nb": "Scenario", "en": "Scenario"},
    "archive.deleted_mark": {"nb": "{name} (slettet)", "en": "{name} (deleted)"},
    "archive.version": {"nb": "Versjon", "en": "Version"},
    "archive.version_label": {
        "nb": "v{version} · {time} · {user}",
        "en": "v{version} · {time} · {user}",
    },
    "archive.open": {"nb": "Åpne", "en": "Open"},
    "archive.restore": {"nb": "Gjenopprett som ny versjon", "en": "Restore as new version"},
    "archive.duplicate_name": {"nb": "Navn på kopien", "en": "Name of the copy"},
    "archive.duplicate": {"nb": "Dupliser", "en": "Duplicate"},
    "archive.delete": {"nb": "Slett", "en": "Delete"},
    "archive.undelete": {"nb": "Angre sletting", "en": "Undelete"},
    "archive.deleted": {
        "nb": "«{name}» er slettet; «Angre sletting» henter det tilbake.",
        "en": "“{name}” is deleted; “Undelete” brings it back.",
    },
    "archive.undeleted": {"nb": "«{name}» er hentet tilbake.", "en": "“{name}” is back."},
    "archive.restored": {
        "nb": "Versjon {old} er gjenopprettet som versjon {new}.",
        "en": "Version {old} was restored as version {new}.",
    },
    "archive.duplicated": {
        "nb": "Kopien «{name}» er lagret og åpnet.",
        "en": "The copy “{name}” was saved and opened.",
    },
    "archive.compare": {"nb": "Sammenlign to versjoner", "en": "Compare two versions"},
    "archive.from": {"nb": "Fra versjon", "en": "From version"},
    "archive.to": {"nb": "Til versjon", "en": "To version"},
    "diff.none": {"nb": "Ingen endringer.", "en": "No changes."},
    "diff.same": {"nb": "Velg to ulike versjoner.", "en": "Pick two different versions."},
    "col.id": {"nb": "Id", "en": "Id"},
    "col.name": {"nb": "Navn", "en": "Name"},
    "col.latest": {"nb": "Siste versjon", "en": "Latest version"},
    "col.updated": {"nb": "Sist lagret", "en": "Last saved"},
    "col.user": {"nb": "Bruker", "en": "User"},
    "col.deleted": {"nb": "Slettet", "en": "Deleted"},
    "col.time": {"nb": "Tid", "en": "Time"},
    "col.kind": {"nb": "Type", "en": "Kind"},
    "col.text": {"nb": "Hendelse", "en": "Event"},
    "col.zone": {"nb": "Sone", "en": "Zone"},
    # Exercise log
    "log.need_saved": {
        "nb": "Loggen hører til et lagret scenario: lagre scenarioet (sidepanelet) for å "
        "starte loggføringen.",
        "en": "The log belongs to a saved scenario: save the scenario (sidebar) to start logging.",
    },
    "log.empty": {"nb": "Ingen hendelser ennå.", "en": "No events yet."},
    "log.note": {
        "nb": "Nytt notat (innspill, beslutning)",
        "en": "New note (inject, decision)",
    },
    "log.add": {"nb": "Legg til i loggen", "en": "Add to the log"},
    "log.csv": {"nb": "Logg (CSV)", "en": "Log (CSV)"},
    "log.markdown": {"nb": "Etterevaluering (Markdown)", "en": "After-action summary (Markdown)"},
    "log.auto": {
        "nb": "Statusendringer, soneendringer, mottakssteder, planberegninger, eksporter og "
        "lagringer loggføres automatisk med tid og navn.",
        "en": "Status changes, zone edits, reception sites, plan runs, exports and saves "
        "are logged automatically with time and name.",
    },
    # Texts of automatic log entries
    "log.status": {
        "nb": "{zone}: status {old} → {new}",
        "en": "{zone}: status {old} → {new}",
    },
    "log.zone_added": {
        "nb": "Sone lagt til: {zone} ({status})",
        "en": "Zone added: {zone} ({status})",
    },
    "log.zone_removed": {"nb": "Sone fjernet: {zone}", "en": "Zone removed: {zone}"},
    "log.zone_renamed": {"nb": "Sone omdøpt: {old} → {new}", "en": "Zone renamed: {old} → {new}"},
    "log.closures": {"nb": "Stengte veier: {old} → {new}", "en": "Closed roads: {old} → {new}"},
    "log.site_on": {"nb": "{site}: tatt i bruk", "en": "{site}: in use"},
    "log.site_off": {"nb": "{site}: tatt ut av bruk", "en": "{site}: taken out of use"},
    "log.site_capacity": {
        "nb": "{site}: kapasitet {old} → {new}",
        "en": "{site}: capacity {old} → {new}",
    },
    "log.plan_run": {
        "nb": "Plan beregnet: {evacuees} evakuerte, {assigned} med plass, {unassigned} uten "
        "plass, {unreachable} ikke nåbare; 90 % fremme etter {p90} min.",
        "en": "Plan computed: {evacuees} evacuees, {assigned} with a place, {unassigned} "
        "without, {unreachable} unreachable; 90 % arrived after {p90} min.",
    },
    "log.saved": {"nb": "Lagret versjon {version}", "en": "Saved version {version}"},
    "log.saved_comment": {
        "nb": "Lagret versjon {version}: {comment}",
        "en": "Saved version {version}: {comment}",
    },
    "log.restored": {
        "nb": "Gjenopprettet versjon {old} som versjon {new}",
        "en": "Restored version {old} as version {new}",
    },
    "log.export": {"nb": "Lastet ned: {what}", "en": "Downloaded: {what}"},
    # Situation view
    "sit.title": {"nb": "Situasjonsbilde", "en": "Situation view"},
    "sit.version": {
        "nb": "Versjon {version} · lagret {time} av {user}",
        "en": "Version {version} · saved {time} by {user}",
    },
    "sit.statuses": {"nb": "Sonestatus", "en": "Zone status"},
    "sit.log": {"nb": "Siste loggføringer", "en": "Latest log entries"},
    "sit.live": {
        "nb": "Oppdateres automatisk (sjekker hvert {seconds}. sekund) · sist sjekket {time}",
        "en": "Refreshes automatically (checks every {seconds} s) · last checked {time}",
    },
    "sit.no_plan": {"nb": "Ingen plan for denne versjonen: {reason}", "en": "No plan: {reason}"},
    "sit.pick": {
        "nb": "Velg et lagret scenario for situasjonsbildet:",
        "en": "Pick a saved scenario for the situation view:",
    },
    "sit.unknown": {
        "nb": "Fant ikke scenarioet «{sid}» i arkivet: bruk lenken fra planleggeren.",
        "en": "Scenario “{sid}” is not in the archive: use the link from the planner.",
    },
    "sit.deleted": {
        "nb": "Dette scenarioet er slettet i arkivet.",
        "en": "This scenario is deleted in the archive.",
    },
}


def tx(key: str, lang: str, **fmt: object) -> str:
    """The label ``key`` in ``lang``; keys not defined here come from :func:`tr`."""
    return i18n.lookup(STRINGS, key, lang, tr, **fmt)


def event_kind_label(kind: str, lang: str) -> str:
    """An exercise-log event kind in words, as the after-action summary writes it."""
    # The after-action summary's own labels, so the screen and the report agree.
    return exercise_log.LABELS["en" if lang == "en" else "nb"].get(kind, kind)


def local_time(iso_utc: str, *, date: bool = False) -> str:
    """A stored UTC time as local clock time (``14:03:27``, with ``date``: ``12.05 14:03:27``)."""
    when = datetime.fromisoformat(iso_utc).astimezone(LOCAL_TZ)
    return when.strftime("%d.%m %H:%M:%S" if date else "%H:%M:%S")
