"""The read API (issue 24, item 4): every scope refusal, tokens shown once and revocable,
audit entries, the rate limit, and the numbers it gives equal the pages' and files'."""

from __future__ import annotations

import hashlib
import io

import pandas as pd
import pytest

from samspil.fieldwork import actions, monitoring
from samspil.fieldwork.export import answers_frame, make_study_report
from samspil.web.models import ApiToken, AuditEvent
from tests.api.conftest import answer_all, bearer, make_token

pytestmark = pytest.mark.django_db

STUDY_PATHS = ["", "tables/", "answers/"]


def _paths(study_id: int) -> list[str]:
    return [f"/api/v1/studies/{study_id}/{p}" for p in STUDY_PATHS] + ["/api/v1/studies/"]


# -- refusals -----------------------------------------------------------------------------


def test_study_endpoints_without_a_token_are_401(client, study):
    for path in _paths(study.pk):
        response = client.get(path)
        assert response.status_code == 401, path
        assert response.json() == {"detail": "Unauthorized"}


def test_an_unknown_or_malformed_token_is_401(client, study):
    for header in ("Bearer samspil_not-a-token", "Bearer ", "Basic Zm9vOmJhcg==", "samspil_x"):
        response = client.get("/api/v1/studies/", HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, header


def test_a_session_login_does_not_open_the_api(client, researcher, study):
    client.force_login(researcher)
    assert client.get(f"/api/v1/studies/{study.pk}/").status_code == 401


def test_a_token_of_another_scope_is_403(client, researcher, study):
    register = make_token(researcher, "register")
    for path in _paths(study.pk):
        assert client.get(path, **bearer(register)).status_code == 403, path
    studies = make_token(researcher, "studies")
    response = client.get(f"/api/v1/studies/{study.pk}/answers/", **bearer(studies))
    assert response.status_code == 403
    assert "answers" in response.json()["detail"]
    assert client.get(f"/api/v1/studies/{study.pk}/", **bearer(studies)).status_code == 200


def test_another_researchers_study_is_404_as_a_missing_one(client, other_researcher, study):
    token = make_token(other_researcher, "answers")
    for path in _paths(study.pk)[:-1] + _paths(999_999)[:-1]:
        response = client.get(path, **bearer(token))
        assert response.status_code == 404, path
    assert client.get("/api/v1/studies/", **bearer(token)).json() == []
    assert not AuditEvent.objects.filter(action="export_answers").exists()


def test_the_list_holds_the_researchers_studies_and_a_superuser_sees_all(
    client, django_user_model, researcher, study
):
    token = make_token(researcher, "studies")
    listed = client.get("/api/v1/studies/", **bearer(token)).json()
    assert [s["id"] for s in listed] == [study.pk]
    assert listed[0]["status"] == "open" and listed[0]["instrument"] == "kd2024"
    boss = django_user_model.objects.create_superuser("chef", password="hemmelig-789")
    assert [
        s["id"]
        for s in client.get("/api/v1/studies/", **bearer(make_token(boss, "studies"))).json()
    ] == [study.pk]


def test_a_token_stops_working_when_its_researcher_is_no_longer_one(client, researcher, study):
    token = make_token(researcher, "studies")
    researcher.is_staff = False
    researcher.save()
    assert client.get("/api/v1/studies/", **bearer(token)).status_code == 401


def test_only_researchers_get_tokens(django_user_model):
    from samspil.web.apitokens import TokenError, create_token

    coder = django_user_model.objects.create_user("koder", password="hemmelig-000")
    with pytest.raises(TokenError, match="not an active researcher"):
        create_token(coder, "mine", "studies")
    with pytest.raises(TokenError, match="unknown scope"):
        create_token(coder, "mine", "everything")


# -- tokens: shown once, hashed, revocable, audited ----------------------------------------


def test_the_page_shows_a_new_token_once_and_stores_only_its_hash(client, researcher, study):
    client.force_login(researcher)
    response = client.post("/api-noegler/", {"name": "R-script", "scope": "answers"})
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('id="new-token-value">') + len('id="new-token-value">')
    raw = html[start : html.index("</code>", start)]
    assert raw.startswith("samspil_") and len(raw) > 40
    token = ApiToken.objects.get(user=researcher)
    assert token.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert all(raw not in str(value) for value in ApiToken.objects.values().get().values())
    again = client.get("/api-noegler/").content.decode()
    assert raw not in again and "R-script" in again
    assert client.get(f"/api/v1/studies/{study.pk}/", **bearer(raw)).status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_a_revoked_token_is_refused_and_only_its_owner_revokes_it(
    client, researcher, other_researcher, study
):
    raw = make_token(researcher, "studies")
    token = ApiToken.objects.get(user=researcher)
    client.force_login(other_researcher)
    assert client.post(f"/api-noegler/{token.pk}/tilbagekald/").status_code == 404
    assert client.get("/api/v1/studies/", **bearer(raw)).status_code == 200
    client.force_login(researcher)
    response = client.post(f"/api-noegler/{token.pk}/tilbagekald/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get("/api/v1/studies/", **bearer(raw)).status_code == 401
    assert "tilbagekaldt" in client.get("/api-noegler/").content.decode()


def test_the_study_list_links_researchers_to_their_tokens(client, researcher):
    client.force_login(researcher)
    html = client.get("/studier/").content.decode()
    assert 'href="/api-noegler/"' in html and "API-nøgler" in html


def test_coders_have_no_token_page(client, django_user_model):
    coder = django_user_model.objects.create_user("koder", password="hemmelig-000")
    client.force_login(coder)
    assert client.get("/api-noegler/").status_code == 403


def test_making_revoking_and_reading_answers_are_in_the_audit_log(client, researcher, answered):
    from samspil.web.apitokens import revoke_token

    raw = make_token(researcher, "answers")
    token = ApiToken.objects.get(user=researcher)
    client.get(f"/api/v1/studies/{answered.pk}/answers/", **bearer(raw))
    client.get(f"/api/v1/studies/{answered.pk}/answers/?format=csv", **bearer(raw))
    revoke_token(token, actor=researcher)
    events = list(
        AuditEvent.objects.order_by("pk").values_list(
            "action", "actor", "target", "detail", "study_id"
        )
    )
    tag = f"API token {token.pk}"
    assert events == [
        ("api_token_create", "forsker", f"{tag} (answers)", "", None),
        ("export_answers", "forsker", "API answers.json", tag, answered.pk),
        ("export_answers", "forsker", "API answers.csv", tag, answered.pk),
        ("api_token_revoke", "forsker", f"{tag} (answers)", "", None),
    ]
    assert all(raw not in str(e) for e in events)


# -- the numbers ----------------------------------------------------------------------------


def test_a_study_gives_the_response_figures_of_its_page(client, researcher, study):
    answer_all(study, [5.0, 4.0, 3.0, 5.0])
    respondent = study.respondents.order_by("row_number").last()
    respondent.status = respondent.Status.PARTIAL
    respondent.save()
    detail = client.get(
        f"/api/v1/studies/{study.pk}/", **bearer(make_token(researcher, "studies"))
    ).json()
    counts = monitoring.study_counts(study)
    assert detail["totals"]["recipients"] == counts.recipients == 4
    assert detail["totals"]["completed"] == counts.completed == 3
    assert detail["totals"]["response_rate"] == pytest.approx(counts.started / counts.recipients)
    page_rows = {r.name: r for r in monitoring.municipality_rows(study)}
    assert {m["name"] for m in detail["municipalities"]} == set(page_rows)
    for row in detail["municipalities"]:
        shown = page_rows[row["name"]]
        assert (row["recipients"], row["completed"], row["partial"], row["not_answered"]) == (
            shown.recipients,
            shown.completed,
            shown.partial,
            shown.not_answered,
        )
        assert row["completion_rate"] == pytest.approx(shown.completed / shown.recipients)
    aarhus = next(m for m in detail["municipalities"] if m["name"] == "Aarhus")
    assert aarhus["code"] == 751 and aarhus["recipients"] == 2


def test_the_tables_equal_the_reports_csv_files(client, researcher, answered, tmp_path):
    tables = client.get(
        f"/api/v1/studies/{answered.pk}/tables/", **bearer(make_token(researcher, "studies"))
    ).json()
    make_study_report(answered, tmp_path, formats={"csv"})
    files = sorted((tmp_path / "tables").glob("*.csv"))
    assert {t["id"] for t in tables} == {f.stem for f in files} and len(files) > 3
    for table in tables:
        from_file = pd.read_csv(
            tmp_path / "tables" / f"{table['id']}.csv", dtype=object, keep_default_na=False
        )
        assert list(from_file.columns) == table["columns"], table["id"]
        assert len(from_file) == len(table["rows"]), table["id"]
        for file_row, api_row in zip(from_file.itertuples(index=False), table["rows"], strict=True):
            for text, value in zip(file_row, api_row, strict=True):
                if value is None:
                    assert text == "", table["id"]
                elif isinstance(value, bool):
                    assert text == str(value), table["id"]
                elif isinstance(value, str):  # the file's text may carry the formula guard
                    assert text in (value, "'" + value), table["id"]
                else:
                    assert float(text) == pytest.approx(value, rel=1e-12), table["id"]


def test_the_tables_of_a_study_without_answers_are_empty(client, researcher, study):
    response = client.get(
        f"/api/v1/studies/{study.pk}/tables/", **bearer(make_token(researcher, "studies"))
    )
    assert response.status_code == 200 and response.json() == []


def test_tables_a_stored_definition_cannot_make_answer_409_with_the_reason(
    client, researcher, answered
):
    answered.report_definition = {"id": "gammel", "instrument": "kd2024", "chapters": "x"}
    answered.save()
    response = client.get(
        f"/api/v1/studies/{answered.pk}/tables/", **bearer(make_token(researcher, "studies"))
    )
    assert response.status_code == 409
    assert "report definition" in response.json()["detail"]


def test_the_answers_are_the_export_without_identifiers(client, researcher, answered):
    raw = make_token(researcher, "answers")
    data = client.get(f"/api/v1/studies/{answered.pk}/answers/", **bearer(raw)).json()
    frame = answers_frame(answered)
    assert data["columns"] == list(frame.columns)
    assert not {"name", "email", "kommune"} & set(data["columns"])
    assert len(data["rows"]) == 4
    by = data["columns"].index("udf_by")
    assert [row[by] for row in data["rows"]] == [5, 4, 3, 5]
    text = client.get(
        f"/api/v1/studies/{answered.pk}/answers/?format=csv", **bearer(raw)
    ).content.decode()
    from_csv = pd.read_csv(io.StringIO(text))
    assert list(from_csv.columns) == data["columns"]
    assert from_csv["udf_by"].tolist() == [5, 4, 3, 5]
    assert "anna@example.org" not in text and "Anna" not in text


def test_a_closed_study_reads_as_closed(client, researcher, study):
    actions.do_close_study(study)
    detail = client.get(
        f"/api/v1/studies/{study.pk}/", **bearer(make_token(researcher, "studies"))
    ).json()
    assert detail["status"] == "closed" and detail["closed_at"] is not None


# -- rate limit ---------------------------------------------------------------------------------


def test_past_the_rate_limit_a_token_gets_429_with_retry_after(client, researcher, study, settings):
    settings.API_RATE_LIMIT = 3
    raw = make_token(researcher, "studies")
    codes = [client.get("/api/v1/studies/", **bearer(raw)).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    response = client.get("/api/v1/studies/", **bearer(raw))
    assert int(response["Retry-After"]) >= 1
    other = make_token(researcher, "studies")  # counted apart
    assert client.get("/api/v1/studies/", **bearer(other)).status_code == 200


def test_public_requests_and_bad_tokens_count_against_the_address(client, settings):
    settings.API_RATE_LIMIT = 3
    codes = [client.get("/api/v1/hsds/services").status_code for _ in range(2)]
    codes.append(
        client.get("/api/v1/studies/", HTTP_AUTHORIZATION="Bearer samspil_nope").status_code
    )
    codes += [client.get("/api/v1/hsds/services").status_code for _ in range(2)]
    assert codes == [200, 200, 401, 429, 429]
