"""cityrdf: an open knowledge graph of sister cities and city diplomacy."""


def __getattr__(name: str) -> str:
    """`__version__`, read from the installed package's metadata when first asked for: importing
    `importlib.metadata` and scanning the installed distributions costs every command about 30 ms,
    and only `--version`, the build's manifest and the nanopublications need it."""
    if name != "__version__":
        raise AttributeError(f"module 'cityrdf' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("cityrdf")
    except PackageNotFoundError:  # running from a source tree that was never installed
        found = "0.0.0"
    globals()["__version__"] = found
    return found
