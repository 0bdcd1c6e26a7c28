"""The meeting as versioned JSON (docs/export-schema.md), and its import: its own package.

- `serialise`: meeting → JSON (`meeting_data`, `meeting_json`);
- `schema`: the JSON Schema document, the version rules and the Swedish messages;
- `parse`: the checks across the whole file, before anything is written;
- `create`: the meeting from a checked file, all or nothing (`import_meeting`).
"""

from .create import import_meeting
from .schema import (
    READABLE_VERSIONS,
    SCHEMA_NAME,
    SCHEMA_PATH,
    SCHEMA_VERSION,
    ImportRejected,
    export_schema,
)
from .serialise import meeting_data, meeting_json

__all__ = [
    "READABLE_VERSIONS",
    "SCHEMA_NAME",
    "SCHEMA_PATH",
    "SCHEMA_VERSION",
    "ImportRejected",
    "export_schema",
    "import_meeting",
    "meeting_data",
    "meeting_json",
]
