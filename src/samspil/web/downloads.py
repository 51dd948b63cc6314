"""Downloads every app hands out: a CSV file, never cached."""

from __future__ import annotations

from django.http import HttpResponse


def csv_download(text: str, filename: str) -> HttpResponse:
    """``text`` as a CSV attachment named ``filename`` (UTF-8, ``Cache-Control: no-store``:
    the files may hold personal data)."""
    response = HttpResponse(text.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
