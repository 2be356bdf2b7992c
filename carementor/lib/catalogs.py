"""How complete each language's translation catalog is, read from the ``.po`` files.

No gettext tools needed (CI has none): a small reader of the PO format that counts every
message (a plural message once), and counts it translated only when every form has text and
it is not marked fuzzy (gettext ignores fuzzy entries, so a reader would see English).
"""

import ast
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Completeness:
    language: str
    total: int
    translated: int
    fuzzy: int

    @property
    def untranslated(self) -> int:
        return self.total - self.translated - self.fuzzy

    @property
    def share(self) -> float:
        return self.translated / self.total if self.total else 1.0


def _unquote(line: str) -> str:
    # PO strings are C-quoted; Python's literal syntax reads them the same way.
    return str(ast.literal_eval(line))


def read_po(path: Path) -> list[tuple[str, list[str], bool]]:
    """(msgid, msgstr forms, fuzzy) for every live message except the header."""
    messages = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line.strip() for line in block.splitlines()]
        if not lines or all(line.startswith("#~") or not line for line in lines):
            continue  # an obsolete entry
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        msgid: list[str] = []
        forms: list[list[str]] = []
        current: list[str] | None = None
        for line in lines:
            if line.startswith("#"):
                continue
            if line.startswith("msgid "):
                current = msgid
                current.append(_unquote(line[6:]))
            elif line.startswith("msgstr"):
                forms.append([_unquote(line.split(" ", 1)[1])])
                current = forms[-1]
            elif line.startswith(("msgctxt", "msgid_plural")):
                current = None
            elif line.startswith('"') and current is not None:
                current.append(_unquote(line))
        text = "".join(msgid)
        if not forms or not text:
            continue  # the header (empty msgid) or a stray comment block
        messages.append((text, ["".join(form) for form in forms], fuzzy))
    return messages


def completeness(locale_dir: Path, language: str) -> Completeness:
    path = locale_dir / language.replace("-", "_") / "LC_MESSAGES" / "django.po"
    messages = read_po(path)
    fuzzy = sum(1 for _msgid, _forms, is_fuzzy in messages if is_fuzzy)
    translated = sum(
        1 for _msgid, forms, is_fuzzy in messages if not is_fuzzy and all(f for f in forms)
    )
    return Completeness(language, len(messages), translated, fuzzy)
