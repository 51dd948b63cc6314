"""Uploaded respondent lists go through the one table reader: bounded, linear, all named,
in Danish."""

from __future__ import annotations

import time

import pytest

from samspil.fieldwork.respondents_import import RespondentFileError, read_respondents


def test_a_300000_column_respondent_list_is_refused_in_bounded_time():
    header = ";".join(["navn", "email", "kommune", *(f"x{i}" for i in range(300_000))])
    started = time.process_time()  # CPU time: another process's load does not count
    with pytest.raises(RespondentFileError, match=r"liste\.csv, række 1: mere end 5000 kolonner\."):
        read_respondents("liste.csv", f"{header}\nA;a@example.org;Aarhus\n".encode())
    assert time.process_time() - started < 20  # over 6 minutes before (quadratic check)


def test_a_respondent_row_with_too_many_fields_is_named():
    data = b"navn;email;kommune\nA;a@example.org;Aarhus;ekstra\n"
    with pytest.raises(
        RespondentFileError, match=r"liste\.csv, række 2: 4 felter, men overskriftsrækken har 3\."
    ):
        read_respondents("liste.csv", data)
