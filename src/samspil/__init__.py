"""samspil: surveys of municipal collaboration with civil society, end to end."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    """``samspil.__version__``, read when first asked for: the one place the version is
    written is pyproject.toml, and the installed package's metadata carries it (``samspil
    --version``, backups' manifests). Reading it imports ``importlib.metadata``, a tenth
    of a second that no other command should pay."""
    if name != "__version__":
        raise AttributeError(f"module 'samspil' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("samspil")
    except PackageNotFoundError:  # run from a source tree that was never installed
        found = "0+unknown"
    globals()["__version__"] = found
    return found
