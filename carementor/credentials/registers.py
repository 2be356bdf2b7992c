"""Register adapters: ask an issuing register about a number, where the register allows it.

Only the US NPPES NPI Registry has an open lookup API among our schemes. It is off unless
``CAREMENTOR_NPPES_ENABLED`` is true (setting or environment); ``CAREMENTOR_NPPES_URL``
points it elsewhere (tests use a local stub server). Other registers are checked by hand
through the scheme's ``register_url``.
"""

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings

NPPES_URL = "https://npiregistry.cms.hhs.gov/api/"
TIMEOUT_SECONDS = 10.0
MAX_RESPONSE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class LookupResult:
    outcome: str  # one of RegisterCheck.Outcome's values
    summary: dict[str, Any] = field(default_factory=dict)


class RegisterAdapter(Protocol):
    source: str
    label: str

    def lookup(self, number: str, *, holder_name: str) -> LookupResult: ...


def _setting(name: str, default: str = "") -> str:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return str(value).strip()


def nppes_enabled() -> bool:
    return _setting("CAREMENTOR_NPPES_ENABLED").lower() in {"1", "true", "yes", "on"}


def _name_matches(holder_name: str, first: str, last: str) -> bool:
    words = {word.strip(".,").casefold() for word in holder_name.split()}
    return bool(last) and last.casefold() in words and (not first or first.casefold() in words)


class NppesAdapter:
    """The NPPES NPI Registry API (version 2.1)."""

    source = "nppes"
    label = "NPPES NPI Registry"

    def __init__(self, base_url: str | None = None) -> None:
        self.base_url = base_url or _setting("CAREMENTOR_NPPES_URL", NPPES_URL)

    def _fetch(self, number: str) -> dict[str, Any]:
        url = self.base_url + "?" + urllib.parse.urlencode({"version": "2.1", "number": number})
        if urllib.parse.urlparse(url).scheme not in {"http", "https"}:
            raise ValueError("The NPPES URL must be http or https.")
        request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            body = response.read(MAX_RESPONSE_BYTES + 1)
        if len(body) > MAX_RESPONSE_BYTES:
            raise ValueError("The register's answer is too large.")
        data = json.loads(body)
        if not isinstance(data, dict):
            raise ValueError("The register's answer is not an object.")
        return data

    def lookup(self, number: str, *, holder_name: str) -> LookupResult:
        try:
            data = self._fetch(number)
        except (OSError, ValueError, urllib.error.URLError) as exc:
            return LookupResult("error", {"error": str(exc)[:200]})
        if data.get("Errors"):
            errors = [str(e.get("description", ""))[:200] for e in data["Errors"][:3]]
            return LookupResult("error", {"errors": errors})
        results = data.get("results") or []
        if not results:
            return LookupResult("not_found", {"number": number})
        found = results[0]
        basic = found.get("basic") or {}
        first = str(basic.get("first_name") or "")
        last = str(basic.get("last_name") or "")
        name = " ".join(p for p in (first, last) if p) or str(basic.get("organization_name") or "")
        taxonomies = found.get("taxonomies") or []
        primary = next(
            (t for t in taxonomies if t.get("primary")), taxonomies[0] if taxonomies else {}
        )
        summary = {
            "number": str(found.get("number", "")),
            "name": name,
            "credential": str(basic.get("credential") or ""),
            "status": str(basic.get("status") or ""),
            "enumeration_type": str(found.get("enumeration_type") or ""),
            "enumeration_date": str(basic.get("enumeration_date") or ""),
            "last_updated": str(basic.get("last_updated") or ""),
            "primary_taxonomy": {
                key: str(primary.get(key) or "") for key in ("code", "desc", "state", "license")
            },
        }
        if summary["number"] != number:
            return LookupResult("mismatch", summary)
        if summary["status"] != "A":
            return LookupResult("inactive", summary)
        outcome = "match" if _name_matches(holder_name, first, last) else "mismatch"
        return LookupResult(outcome, summary)


def adapter_for(lookup_source: str) -> RegisterAdapter | None:
    if lookup_source == "nppes" and nppes_enabled():
        return NppesAdapter()
    return None
