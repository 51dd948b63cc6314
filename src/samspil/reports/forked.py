"""A piece of work done by a forked copy of this process, beside what this process does
meanwhile (both cores of a command-line run). The child inherits everything as it is
(answers read, figures laid out, publication assembled) and sends back what the work
returned, or the error it met, through a pipe; :meth:`InChild.result` returns it or raises
that error, with the child's traceback as a note (shown only where a traceback is).

Fork before starting any thread: a forked child has only the thread that forked. Only a
command-line process asks for it (``fork=True``); the web app's worker never does."""

from __future__ import annotations

import gc
import os
import pickle
import sys
import traceback
from collections.abc import Callable
from typing import Generic, TypeVar

from samspil.errors import DomainError

T = TypeVar("T")


def can_fork() -> bool:
    return hasattr(os, "fork")


class InChild(Generic[T]):
    """``work()`` called by a forked child; ``what`` names it in messages ("writing docx")."""

    def __init__(self, work: Callable[[], T], what: str) -> None:
        self.what = what
        reading, writing = os.pipe()
        sys.stdout.flush()  # nothing buffered is written twice
        sys.stderr.flush()
        # The garbage collector leaves the objects made so far alone in both processes:
        # its passes would otherwise touch (and so copy) every page the two share.
        gc.freeze()
        self.pid = os.fork()
        if self.pid == 0:  # pragma: no cover  (the child: its coverage is never saved)
            os.close(reading)
            self._child(work, writing)
        gc.unfreeze()
        os.close(writing)
        self._reading = reading

    def _child(self, work: Callable[[], T], writing: int) -> None:  # pragma: no cover
        code = 1
        try:
            try:
                outcome: tuple[str, object] = ("ok", work())
                code = 0
            except BaseException as error:
                error.add_note(
                    f"(in the process {self.what})\n"
                    + "".join(traceback.format_exception(error)).rstrip()
                )
                outcome = ("error", error)
            try:
                message = pickle.dumps(outcome)
                _, again = pickle.loads(message)  # some errors pickle but are not made again
                if outcome[0] == "error" and (
                    type(again) is not type(outcome[1]) or str(again) != str(outcome[1])
                ):
                    raise TypeError("changed on its way")
            except Exception:  # an error that cannot travel: its text does
                message = pickle.dumps(("error", _travelling(outcome[1])))
            with os.fdopen(writing, "wb") as pipe:
                pipe.write(message)
        finally:
            os._exit(code)  # no exit handlers, no buffers flushed twice: the parent's job

    def discard(self) -> None:
        """Wait for the child, its answer unread (this process has met an error first)."""
        with os.fdopen(self._reading, "rb") as pipe:
            pipe.read()
        os.waitpid(self.pid, 0)

    def result(self) -> T:
        """What the work returned (waits for the child), or the error it raised."""
        with os.fdopen(self._reading, "rb") as pipe:
            message = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        if not message:
            raise RuntimeError(
                f"the process {self.what} ended without an answer "
                f"(exit status {os.waitstatus_to_exitcode(status)})"
            )
        kind, value = pickle.loads(message)
        if kind == "error":
            raise value
        return value  # type: ignore[no-any-return]


def _travelling(error: object) -> Exception:
    """What stands for an error that cannot be sent as it is: bad input stays bad input
    (its message, as a :class:`DomainError`), anything else is a RuntimeError naming it."""
    if isinstance(error, DomainError):
        return DomainError(str(error))
    notes = "\n".join(getattr(error, "__notes__", []))
    return RuntimeError(f"{type(error).__name__}: {error}\n{notes}")
