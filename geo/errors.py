"""Exception classes shared by the whole tool.

Every error the user can cause subclasses :class:`EvacError`, so the CLI and the
app can show its message without a traceback. Messages say what is wrong and how
to fix it.
"""


class EvacError(Exception):
    """Base class for errors the user can act on."""


class RegionDataError(EvacError, FileNotFoundError):
    """The region pack is missing or a file in it cannot be read."""


class RegistryError(EvacError, ValueError):
    """An authored file in ``data/shapes`` is invalid (names the file and field)."""


class ZoneError(EvacError, ValueError):
    """An affected zone or closure geometry is empty, invalid or outside the data."""


class ScenarioError(EvacError, ValueError):
    """A scenario parameter is missing, negative, absurd or unknown."""


class UploadError(EvacError, ValueError):
    """An uploaded file is too large, of a forbidden type or malformed."""


class FetchError(EvacError, RuntimeError):
    """An online download failed (no internet, or the server refused)."""


class OsmUnreachableError(FetchError):
    """An OpenStreetMap server could not be reached or did not answer in time."""


class OsmServerError(FetchError):
    """An OpenStreetMap server refused a request or sent an empty or unreadable answer."""


class StoreError(EvacError, RuntimeError):
    """The scenario store cannot complete an operation."""


class ConflictError(StoreError):
    """Someone else saved a newer version first (optimistic concurrency)."""


class OfflineAssetError(EvacError, FileNotFoundError):
    """A front-end asset has no local copy, or the copy is missing on disk."""


class OutputError(EvacError):
    """A result file cannot be written (read-only folder, disk full, not a folder)."""


class ExportError(EvacError, ValueError):
    """An export cannot be made as asked (e.g. a real CAP alert without confirmation)."""


class PlanContractError(EvacError, ValueError):
    """A plan breaks the documented Plan contract (lists every violation)."""
