"""The instruments CareMentor ships, as JSON (one file per instrument), and their loader.

``load_instruments`` is idempotent: it runs in the data migration, in the test fixture that
restores rows after a transactional flush, and safely again after the JSON changes.
"""

import functools
import json
import re
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

# The order coordinators see the library in, and the order the default schedule uses.
SHIPPED = (
    "mentee-outcomes",
    "relationship-quality",
    "psychological-safety",
    "mentor-competency-self",
    "mentor-competency-rating",
    "meeting-pulse",
    "mentor-outcomes",
)

INSTRUMENT_FIELDS = (
    "name",
    "description",
    "source",
    "licence_status",
    "anonymity",
    "respondent",
    "kind",
    "domains",
)


def read_instrument(slug: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((HERE / f"{slug}.json").read_text(encoding="utf-8"))
    return data


@functools.cache
def read_translation(slug: str, language: str) -> dict[str, Any]:
    """A shipped instrument's texts in another language, or {} when there are none.

    ``<language>/<slug>.json`` holds ``name``, ``description``, ``domains`` (key → label),
    ``likert`` (the instrument-wide point labels, in order) and ``items`` (key → text);
    anything left out shows in English. Translators add a language by adding a folder.
    """
    if slug not in SHIPPED or not re.fullmatch(r"[a-z]{2,3}", language):
        return {}
    path = HERE / language / f"{slug}.json"
    if not path.is_file():
        return {}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def item_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Items with the instrument-wide Likert labels filled in."""
    likert = list(data.get("likert") or [])
    rows = []
    for order, item in enumerate(data["items"], start=1):
        scale = item.get("scale", "likert")
        rows.append(
            {
                "key": item["key"],
                "order": order,
                "text": item["text"],
                "domain": item.get("domain", ""),
                "scale": scale,
                "points": item.get("points", len(likert) if scale == "likert" and likert else 5),
                "labels": item.get("labels", likert if scale == "likert" else []),
                "min_value": item.get("min_value"),
                "max_value": item.get("max_value"),
                "reverse": bool(item.get("reverse", False)),
                "required": bool(item.get("required", True)),
            }
        )
    return rows


def load_instruments(apps: Any, schema_editor: Any = None) -> None:
    Instrument = apps.get_model("evaluations", "Instrument")
    Item = apps.get_model("evaluations", "Item")
    for slug in SHIPPED:
        data = read_instrument(slug)
        defaults = {field: data[field] for field in INSTRUMENT_FIELDS}
        defaults["rates_mentor"] = bool(data.get("rates_mentor", False))
        defaults["is_active"] = True
        instrument, _created = Instrument.objects.update_or_create(
            organization=None, slug=slug, version=1, defaults=defaults
        )
        for row in item_rows(data):
            key = row.pop("key")
            Item.objects.update_or_create(instrument=instrument, key=key, defaults=row)


def unload_instruments(apps: Any, schema_editor: Any = None) -> None:
    Instrument = apps.get_model("evaluations", "Instrument")
    Instrument.objects.filter(organization=None, slug__in=SHIPPED, responses=None).delete()


def instruments_present() -> bool:
    from carementor.evaluations.models import Instrument

    return Instrument.objects.filter(organization=None, slug=SHIPPED[0]).exists()
