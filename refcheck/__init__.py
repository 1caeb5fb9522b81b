"""refcheck: check a manuscript's in-text citations against its reference list."""

__version__ = "0.1.0"

__all__ = ["__version__", "check", "check_paths", "Report", "Finding", "Severity"]


def __getattr__(name: str):
    # Lazy re-exports keep `refcheck --help` fast: nothing heavy is imported until used.
    if name in {"check", "check_paths"}:
        from refcheck import api

        return getattr(api, name)
    if name == "Report":
        from refcheck.report import Report

        return Report
    if name in {"Finding", "Severity"}:
        from refcheck import model

        return getattr(model, name)
    raise AttributeError(name)
