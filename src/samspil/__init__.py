"""samspil: surveys of municipal collaboration with civil society, end to end."""

from importlib.metadata import PackageNotFoundError, version

try:
    # The one place the version is written is pyproject.toml; the installed package's
    # metadata carries it (`samspil --version`, backups' manifests).
    __version__ = version("samspil")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"
