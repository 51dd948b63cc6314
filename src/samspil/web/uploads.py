"""Checks of uploaded files that every app's forms share (fieldwork, coding)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls")


def check_upload_size(upload: UploadedFile) -> None:
    """A form error for an upload over ``SAMSPIL_MAX_UPLOAD_MB``."""
    if upload.size is not None and upload.size > settings.MAX_UPLOAD_MB * 1024 * 1024:
        raise forms.ValidationError(
            _("The file is larger than %(max)s MB.") % {"max": settings.MAX_UPLOAD_MB}
        )


def check_table_upload(upload: UploadedFile) -> UploadedFile:
    """An uploaded CSV/XLSX table within the size limit, else a form error."""
    check_upload_size(upload)
    if not (upload.name or "").lower().endswith(TABLE_SUFFIXES):
        raise forms.ValidationError(_("Use a .csv or .xlsx file."))
    return upload
