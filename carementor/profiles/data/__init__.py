"""The controlled vocabularies that profiles are matched on, shipped as JSON.

`load_vocabularies` is called by data migrations with the historical app registry, so it
sets only the fields it names and tolerates extra keys in the files. It is idempotent: rows
are keyed by their code, so loading twice (or after an edit to a file) updates in place.
"""

import json
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent

# model name → (file, fields copied from each row besides "code")
VOCABULARIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "Profession": ("professions.json", ("name", "group", "is_clinical")),
    "CareerStage": ("career_stages.json", ("name", "rank")),
    "Specialty": ("specialties.json", ("name", "profession_group", "nucc_code")),
    "Competency": ("competencies.json", ("name", "domain", "is_digital")),
    "Language": ("languages.json", ("name", "native_name")),
    "Country": ("countries.json", ("name",)),
}


def read_rows(filename: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads((DATA_DIR / filename).read_text(encoding="utf-8"))
    return rows


def load_vocabularies(apps: Any, schema_editor: Any = None) -> None:
    for model_name, (filename, fields) in VOCABULARIES.items():
        model = apps.get_model("profiles", model_name)
        rows = read_rows(filename)
        if model_name == "CareerStage":
            # rank is unique: move existing ranks out of the way so a re-ordered file loads.
            codes = [row["code"] for row in rows]
            for offset, stage in enumerate(model.objects.filter(code__in=codes)):
                stage.rank = 1000 + offset
                stage.save(update_fields=["rank"])
        for row in rows:
            model.objects.update_or_create(
                code=row["code"], defaults={field: row[field] for field in fields}
            )
        if model_name == "Specialty":
            ids = dict(model.objects.values_list("code", "id"))
            for row in rows:
                parent_id = ids[row["parent"]] if row.get("parent") else None
                model.objects.filter(code=row["code"]).update(parent_id=parent_id)


def unload_vocabularies(apps: Any, schema_editor: Any = None) -> None:
    for model_name, (filename, _fields) in reversed(VOCABULARIES.items()):
        model = apps.get_model("profiles", model_name)
        codes = [row["code"] for row in read_rows(filename)]
        if model_name == "Specialty":
            model.objects.filter(code__in=codes).update(parent=None)
        model.objects.filter(code__in=codes).delete()
