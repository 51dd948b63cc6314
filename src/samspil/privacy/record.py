"""The installation's record of processing activities (GDPR art. 30): one activity per
study, plus those other apps declare (the register).

An app adds its activities by providing ``privacy_record_rows()`` in a module named
``<app>.privacy``, returning a list of mappings with the :class:`Activity`'s fields (the apps
import no other app, privacy included; an :class:`Activity` is taken as well);
:func:`activities` calls it for every installed app that has one.
"""

from __future__ import annotations

import csv
import importlib
import io
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from django.apps import apps
from django.conf import settings

from samspil.privacy.notice import retention_until
from samspil.web.personal_data import studies


@dataclass(frozen=True)
class Activity:
    activity: str
    controller: str
    contact: str
    purpose: str
    legal_basis: str
    data_subjects: str
    personal_data: str
    recipients: str
    retention: str
    status: str
    storage: str


COLUMNS = [f.name for f in fields(Activity)]


def storage() -> str:
    """Where the data lives, without credentials."""
    database = settings.DATABASES["default"]
    engine = str(database["ENGINE"]).rsplit(".", 1)[-1]
    if engine == "sqlite3":
        place = f"SQLite file {database['NAME']}"
    else:
        host = database.get("HOST") or "localhost"
        place = f"{engine} database {database.get('NAME')} on {host}"
    return f"{place}; generated reports in {settings.DATA_DIR / 'reports'}"


def study_activity(study: Any) -> Activity:
    until = retention_until(study)
    if study.anonymised_at is not None:
        retention = (
            f"contact data removed {study.anonymised_at:%Y-%m-%d}; "
            "answers kept under pseudonymous ids"
        )
    elif until is not None:
        retention = (
            f"contact data until {until.isoformat()}; then answers kept under pseudonymous ids"
        )
    else:
        retention = (
            f"contact data until {settings.RETENTION_DAYS} days after the study closes; "
            "then answers kept under pseudonymous ids"
        )
    researchers = ", ".join(sorted(u.get_username() for u in study.researchers.all()))
    status = str(study.status)
    if study.withdrawn_count:
        status += f"; {study.withdrawn_count} respondents erased on request"
    return Activity(
        activity=f"study {study.pk}: {study.name}",
        controller=study.privacy_controller or "(not given)",
        contact=study.privacy_contact or "(not given)",
        purpose=study.privacy_purpose
        or f"research: the survey {study.instrument.title!r} (statistics and research reports)",
        legal_basis=study.privacy_legal_basis
        or "GDPR art. 6(1)(e); Danish Data Protection Act section 10",
        data_subjects=study.population_noun or "respondents",
        personal_data="name, e-mail address, municipality, unit, other columns of the "
        "respondent list, personal link, e-mail log, answers (incl. open answers)",
        recipients=f"the study's researchers ({researchers or 'none attached'}) and "
        "administrators of this installation",
        retention=retention,
        status=str(status),
        storage=storage(),
    )


def _activity(row: Activity | Mapping[str, str]) -> Activity:
    return row if isinstance(row, Activity) else Activity(**row)


def activities() -> list[Activity]:
    every = studies().model.objects.order_by("pk").prefetch_related("researchers")
    rows = [study_activity(s) for s in every]
    for config in apps.get_app_configs():
        if config.name == "samspil.privacy":
            continue
        try:
            module = importlib.import_module(f"{config.name}.privacy")
        except ModuleNotFoundError:
            continue
        provider = getattr(module, "privacy_record_rows", None)
        if provider is not None:
            rows.extend(_activity(row) for row in provider())
    return rows


def record_csv(rows: list[Activity]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow(asdict(row))
    return out.getvalue()


def record_markdown(rows: list[Activity]) -> str:
    lines = [
        "# Record of processing activities (GDPR art. 30)",
        "",
        "Made by `samspil privacy record`: every study of this installation, and the "
        "activities other apps (the register) declare.",
        "",
    ]
    for row in rows:
        lines.append(f"## {row.activity}")
        lines.append("")
        for name in COLUMNS[1:]:
            value = str(getattr(row, name)).replace("\n", " ")
            lines.append(f"- **{name.replace('_', ' ')}**: {value}")
        lines.append("")
    if not rows:
        lines.append("(no studies)")
        lines.append("")
    return "\n".join(lines)
