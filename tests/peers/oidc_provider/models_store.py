"""People's claims and modes, kept in a JSON file next to the database."""

import json
from typing import Any

from django.conf import settings


def _path() -> Any:
    return settings.DATA_DIR / "people.json"


def people() -> dict[str, Any]:
    path = _path()
    return json.loads(path.read_text()) if path.exists() else {}


def person(username: str) -> dict[str, Any]:
    return people().get(username, {})


def save_person(username: str, data: dict[str, Any]) -> None:
    everyone = people()
    everyone[username] = data
    _path().write_text(json.dumps(everyone))
