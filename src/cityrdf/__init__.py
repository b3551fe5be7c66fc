"""cityrdf: an open knowledge graph of sister cities and city diplomacy."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cityrdf")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
