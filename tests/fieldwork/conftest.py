"""Fixtures for the web and fieldwork tests: personas, a kd2024 study, a real SMTP server
on loopback (aiosmtpd); the browser fixtures are in tests/browser.py."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message

import pytest

RESPONDENTS_CSV = (
    "navn,email,kommune,enhed,område\n"
    "Anna Testesen,anna@example.org,Aarhus,Direktionen,Øst\n"
    "Bo Prøve,bo@example.org,Albertslund Kommune,,Vest\n"
    "Cecilie Eksempel,cecilie@example.org,101,Borgerservice,\n"
    "Dan Demo,dan@example.org,aarhus,,Nord\n"
)


@pytest.fixture(autouse=True)
def _clear_cache(request: pytest.FixtureRequest) -> Iterator[None]:
    """Empty the (database) cache around every test that uses the database: transactional
    tests do not roll it back, and the bad-link counters must not leak between tests."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        yield
        return
    from django.core.cache import cache

    transactional = marker.kwargs.get("transaction", False)
    request.getfixturevalue("transactional_db" if transactional else "db")
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def researcher(django_user_model):  # type: ignore[no-untyped-def]
    return django_user_model.objects.create_user("forsker", password="hemmelig-123", is_staff=True)


@pytest.fixture
def other_researcher(django_user_model):  # type: ignore[no-untyped-def]
    return django_user_model.objects.create_user("anden", password="hemmelig-456", is_staff=True)


@pytest.fixture
def researcher_client(client, researcher):  # type: ignore[no-untyped-def]
    client.force_login(researcher)
    return client


@pytest.fixture
def study(db, researcher):  # type: ignore[no-untyped-def]
    """An open kd2024 study with four respondents (two in Aarhus)."""
    from samspil.fieldwork import actions
    from samspil.fieldwork.respondents_import import read_respondents

    s = actions.do_create_study(
        "KD 2024 test",
        "kd2024",
        researchers=[researcher],
        controller="Testuniversitetet",
        contact="dpo@example.org",
        signature="Forskerne",
    )
    actions.do_import_respondents(s, read_respondents("liste.csv", RESPONDENTS_CSV.encode()))
    return actions.do_open_study(s)


@pytest.fixture
def respondent(study):  # type: ignore[no-untyped-def]
    return study.respondents.order_by("row_number").first()


# -- SMTP -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Mailbox:
    host: str
    port: int
    messages: list[Message] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)  # recipients answered with 550
    lock: threading.Lock = field(default_factory=threading.Lock)
    # From this many messages on, DATA is not answered until release(): a sender held
    # mid-round for as long as a test needs, however busy the machine.
    hold_from: int | None = None
    released: threading.Event = field(default_factory=threading.Event)

    def release(self) -> None:
        self.released.set()

    def holding(self) -> bool:
        with self.lock:
            return (
                self.hold_from is not None
                and len(self.messages) >= self.hold_from
                and not self.released.is_set()
            )

    def to(self, address: str) -> list[Message]:
        with self.lock:
            return [m for m in self.messages if address in (m["To"] or "")]

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()


class _Collector:
    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if address in self.box.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        with self.box.lock:
            self.box.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        while self.box.holding():
            await asyncio.sleep(0.05)
        return "250 OK"


@pytest.fixture
def smtp_server(settings) -> Iterator[Mailbox]:  # type: ignore[no-untyped-def]
    """A real SMTP server on 127.0.0.1 (aiosmtpd); Django's EMAIL_* settings point to it."""
    from aiosmtpd.controller import Controller

    box = Mailbox("127.0.0.1", free_port())
    controller = Controller(_Collector(box), hostname=box.host, port=box.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = box.host
    settings.EMAIL_PORT = box.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield box
    finally:
        box.release()
        controller.stop()


def message_text(message: Message) -> str:
    if message.is_multipart():
        part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
        payload = part.get_payload(decode=True)
    else:
        payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(message.get_content_charset() or "utf-8")


@pytest.fixture
def mail_text():  # type: ignore[no-untyped-def]
    """The plain-text body of a received message."""
    return message_text


@pytest.fixture
def send_round():  # type: ignore[no-untyped-def]
    """Queue the study's next round and run the worker's queue in this thread until empty;
    returns the round's progress (sent/failed/pending)."""
    from samspil.fieldwork import actions, rounds
    from samspil.web import worker

    def send(study, base_url=None, **kwargs):  # type: ignore[no-untyped-def]
        mail_round = actions.do_send_round(study, base_url=base_url, **kwargs)
        worker.run_queued_tasks()
        return rounds.round_progress(mail_round)

    return send
