"""The command line: the only module that reads argv, writes files and exits.

    refcheck review.md                      check, terminal report
    refcheck review.md --format json -o report.json
    refcheck paper.md --select RC1 --ignore reference-order --fail-on warning
    refcheck rules                          list every rule
    refcheck rule reference-never-cited     print one rule's documentation
    refcheck export review.md -o refs.bib   the reference list as BibTeX (Crossref-enriched)
"""

from __future__ import annotations

import os
import sys
import tempfile
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from refcheck import __version__
from refcheck.readers import INPUT_FORMATS

EXIT_USAGE = 2


class Format(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"
    html = "html"


InputFormat = Enum("InputFormat", {name: name for name in INPUT_FORMATS}, type=str)  # --format-in: the readers there are


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


def _split(values: list[str] | None) -> tuple[str, ...]:
    return tuple(v.strip() for value in values or () for v in value.split(",") if v.strip())


def _usage(message: str) -> typer.Exit:
    typer.echo(f"refcheck: error: {message}", err=True)
    return typer.Exit(EXIT_USAGE)


def _write_atomically(path: Path, render) -> None:
    """Write to a temporary file beside ``path`` and rename it over, so no half report is left.

    The temporary file reaches the disk before the rename (a full disk or a crash leaves the old
    file or the new one, never a truncated one) and gets the old file's permissions, or the
    umask's for a new file (not mkstemp's 0600). A symbolic link is followed (the link stays);
    what is not a regular file (``/dev/stdout``, a FIFO) is written directly, never replaced.
    """
    import errno
    import stat

    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if mode is not None and not stat.S_ISREG(mode):
        with open(path, "w", encoding="utf-8", newline="\n") as out:
            render(out)
        return
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            render(out)
            out.flush()
            os.fsync(out.fileno())
        if mode is None:
            umask = os.umask(0o022)
            os.umask(umask)
        os.chmod(tmp, stat.S_IMODE(mode) if mode is not None else 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _version(value: bool) -> None:
    if value:
        typer.echo(f"refcheck {__version__}")
        raise typer.Exit()


def _pandoc_meta(defaults: list[Path], metadata_files: list[Path]):
    """The metadata a pandoc build adds: defaults files first, then --metadata-file (pandoc's order)."""
    from refcheck.readers.pandoc_meta import Meta, MetaError, combine, defaults_file, metadata_file

    try:
        return combine(*(defaults_file(d) for d in defaults), Meta(tuple(metadata_file(m) for m in metadata_files)))
    except MetaError as err:
        raise _usage(str(err)) from None


def check_command(
    paths: Annotated[Optional[list[str]], typer.Argument(help="Manuscripts to check: files (Markdown, LaTeX, JATS XML, DOCX, plain text), directories (searched for manuscripts) or glob patterns; default: `paths` of the configuration.", show_default=False)] = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="Report format.")] = Format.text,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report to this file (atomically).")] = None,
    select: Annotated[Optional[list[str]], typer.Option("--select", help="Rules to run: codes, code prefixes (RC1) or names; comma-separated.")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option("--ignore", help="Rules to skip: codes, prefixes or names.")] = None,
    fail_on: Annotated[Optional[FailOn], typer.Option("--fail-on", help="Exit 1 when a finding is at least this severe.  [default: error]", show_default=False)] = None,
    manuscript_date: Annotated[Optional[str], typer.Option("--manuscript-date", help="ISO date (YYYY-MM-DD) for chronology checks, overriding the dates in the text.")] = None,
    offline: Annotated[bool, typer.Option("--offline", help="Do not consult Crossref (only offline checks run, plus what --lock already knows).")] = False,
    mailto: Annotated[Optional[str], typer.Option("--mailto", envvar="REFCHECK_MAILTO", help="Your e-mail address: joins Crossref's polite pool (sent in the User-Agent only).", show_default=False)] = None,
    crossref_url: Annotated[Optional[str], typer.Option("--crossref-url", envvar="REFCHECK_CROSSREF_URL", help="Crossref API base URL (a mirror or a test server).  [default: https://api.crossref.org]", show_default=False)] = None,
    cache: Annotated[Optional[str], typer.Option("--cache", help="HTTP cache: a SQLite file path or a redis:// URL (default: the user cache directory; REFCHECK_CACHE).", show_default=False)] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not read or write the HTTP cache.")] = False,
    bib: Annotated[Optional[list[Path]], typer.Option("--bib", help="A .bib file to read with the manuscript (repeatable), beside those it names itself.", show_default=False)] = None,
    metadata_file: Annotated[Optional[list[Path]], typer.Option("--metadata-file", help="A YAML metadata file, as pandoc's --metadata-file (repeatable): its bibliography, references, nocite and date apply where a Markdown manuscript's front matter does not set them.", show_default=False)] = None,
    defaults: Annotated[Optional[list[Path]], typer.Option("--defaults", "-d", help="A pandoc defaults file (repeatable): its metadata files, metadata, bibliography and input files, as pandoc -d reads them.", show_default=False)] = None,
    lock: Annotated[Optional[Path], typer.Option("--lock", help="Lockfile (e.g. refcheck.lock.json): references it knows are not looked up again; rewritten after the run.", show_default=False)] = None,
    color: Annotated[Optional[bool], typer.Option("--color/--no-color", help="Force or disable colour (default: auto; NO_COLOR is honoured).")] = None,
    max_bytes: Annotated[Optional[int], typer.Option("--max-bytes", min=1, help="Refuse input files larger than this.  [default: 16 MB; 64 MB for DOCX packages]", show_default=False)] = None,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, help="Worker processes reading the manuscripts.  [default: the CPU count]", show_default=False)] = None,
    format_in: Annotated[Optional[InputFormat], typer.Option("--format-in", help="Read every FILE as this format (default: detected from the content, else the extension).", show_default=False)] = None,
    config_file: Annotated[Optional[Path], typer.Option("--config", help="Configuration file (refcheck.toml or pyproject.toml); default: the nearest one at or above the current directory.", show_default=False)] = None,
    isolated: Annotated[bool, typer.Option("--isolated", help="Ignore configuration files.")] = False,
    version: Annotated[Optional[bool], typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")] = None,
) -> None:
    """Check MANUSCRIPT's in-text citations against its reference list.

    Exit status: 0 = nothing at or above --fail-on, 1 = findings at or above it, 2 = usage error.
    See `refcheck rules` and `refcheck rule NAME` for what each rule checks.
    """
    import datetime as dt
    import gc

    # refcheck builds hundreds of thousands of small acyclic objects; the cyclic collector
    # would only rescan them again and again (about a fifth of the run on a large manuscript).
    gc.disable()

    from refcheck.api import Config, check_paths
    from refcheck.model import Severity
    from refcheck.render import RENDERERS
    from refcheck.rules import lookup

    from refcheck import config as configuration

    try:
        if isolated:
            settings = configuration.FileConfig()
        elif config_file is not None:
            settings = configuration.load(config_file)
        else:
            found = configuration.find(Path.cwd())
            settings = configuration.load(found) if found else configuration.FileConfig()
    except configuration.ConfigError as err:
        raise _usage(str(err)) from None
    # the command line wins over the file, option by option
    meta = _pandoc_meta(defaults or [Path(p) for p in settings.get("defaults", ())],
                        metadata_file or [Path(p) for p in settings.get("metadata-files", ())])
    paths = paths or list(settings.get("paths", ())) or list(meta.inputs)
    if not paths:
        raise _usage("no manuscript given: pass FILE..., or set `paths` in [tool.refcheck]\nUsage: refcheck [OPTIONS] FILE...  (see refcheck --help)")
    bib = bib or [Path(p) for p in settings.get("bib", ())]
    fail_on = fail_on or FailOn(settings.get("fail-on", "error"))
    manuscript_date = manuscript_date or settings.get("manuscript-date")
    mailto = mailto or settings.get("mailto")
    crossref_url = crossref_url or settings.get("crossref-url") or "https://api.crossref.org"
    cache = cache or settings.get("cache")
    lock = lock or (Path(settings.get("lock")) if settings.get("lock") else None)
    offline = offline or settings.get("offline", False)
    from refcheck.batch import NoManuscripts, manuscript_paths

    optional: set[str] = set()
    try:
        paths = manuscript_paths(paths, optional=optional)
    except NoManuscripts as err:
        raise _usage(str(err)) from None
    for path in bib or ():
        if not path.exists():
            raise _usage(f"{path}: no such file")
    jobs = jobs or settings.get("jobs") or os.cpu_count() or 1
    selected = _split(select) or tuple(settings.get("select", ()))
    ignored = _split(ignore) or tuple(settings.get("ignore", ()))
    for pattern in (*selected, *ignored):
        upper = pattern.upper()
        if not (lookup(pattern) or upper == "ALL" or (upper.startswith("RC") and upper[2:].isdigit())):
            raise _usage(f"unknown rule {pattern!r} (see `refcheck rules`)")
    if manuscript_date:
        try:
            dt.date.fromisoformat(manuscript_date)
        except ValueError:
            raise _usage(f"--manuscript-date {manuscript_date!r} is not an ISO date (YYYY-MM-DD)") from None
    config = Config(select=selected, ignore=ignored, manuscript_date=manuscript_date, severity=settings.get("severity", {}))
    locked = _read_lock(lock)
    client = None if offline else _client(crossref_url, mailto, cache, no_cache)
    with _progress() as progress:
        report = check_paths(paths, config, max_bytes=max_bytes, bib=bib or (), fmt=format_in.value if format_in else None, crossref=client, lock=locked, progress=progress, jobs=jobs,
                             optional=optional, meta=meta)
    # the lockfile and the report are each written whole or not at all, and one failing does not
    # cost the other (the Crossref answers in the lockfile, the findings in the report)
    unwritten = []
    if lock is not None and any(m.crossref_consulted for m in report.manuscripts):
        from refcheck import lockfile

        try:
            _write_atomically(lock, lambda out: out.write(lockfile.dumps(lockfile.content(report.manuscripts))))
        except OSError as err:
            unwritten.append(f"cannot write {lock}: {err.strerror or err}")
    render = RENDERERS[format.value]
    try:
        if output is not None:
            _write_atomically(output, lambda out: render(report, out, color=False))
        else:
            render(report, sys.stdout, color=color)
            sys.stdout.flush()  # a full disk behind `> report.txt` is seen here, not as a traceback at exit
    except OSError as err:
        import errno

        if err.errno == errno.EPIPE:
            raise  # `refcheck ... | head`: click ends quietly
        unwritten.append(f"cannot write {output if output is not None else 'the report to standard output'}: {err.strerror or err}")
        if output is None:  # what is still buffered cannot be written either: do not fail again at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    if unwritten:
        for message in unwritten[:-1]:
            typer.echo(f"refcheck: error: {message}", err=True)
        raise _usage(unwritten[-1])
    code = 0 if fail_on is FailOn.never else report.exit_code(Severity.parse(fail_on.value))
    raise typer.Exit(code)


def _read_lock(path: Path | None) -> dict | None:
    """The lockfile's content; a missing file is an empty lock, a broken one a usage error."""
    if path is None or not path.exists():
        return {} if path is not None else None
    from refcheck import lockfile

    try:
        return lockfile.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise _usage(f"{path}: cannot use this lockfile ({err}); fix or delete it") from None


def _client(base_url: str, mailto: str | None, cache: str | None, no_cache: bool):
    """A Crossref client whose HTTP session (and cache) is made on its first question."""
    from refcheck.crossref.client import CrossrefClient

    def session():
        from refcheck.crossref.session import make_session

        try:
            return make_session(cache, enabled=not no_cache)
        except Exception as err:  # noqa: BLE001 - an unusable cache must not stop the run
            typer.echo(f"refcheck: warning: HTTP cache unavailable ({err}); continuing without it", err=True)
            return make_session(enabled=False)

    from refcheck.crossref.client import DOI_RESOLVER

    # shortDOIs (Manubot's doi:10/abcd) are expanded at doi.org; REFCHECK_DOI_URL points elsewhere
    return CrossrefClient(session, base_url=base_url, doi_base=os.environ.get("REFCHECK_DOI_URL", DOI_RESOLVER), mailto=mailto)


class _progress:
    """A progress bar on stderr while references resolve; nothing when stderr is not a terminal."""

    def __enter__(self):
        if not sys.stderr.isatty() or os.environ.get("CI"):
            return None
        from rich.console import Console
        from rich.progress import Progress

        self.bar = Progress(transient=True, console=Console(stderr=True))
        self.task = None
        self.bar.start()
        return self.advance

    def advance(self, n: int, total: int) -> None:
        if self.task is None:
            self.task = self.bar.add_task("Checking references with Crossref", total=total)
        self.bar.update(self.task, advance=n)

    def __exit__(self, *exc) -> None:
        if hasattr(self, "bar"):
            self.bar.stop()


def rules_command() -> None:
    """List every rule: code, name, default severity, and what it checks."""
    from refcheck.rules import RULES

    for r in RULES:
        state = "" if r.enabled else "  (off by default)"
        typer.echo(f"{r.code}  {r.name:<32} {str(r.severity):<8} {r.summary}{state}")


def rule_command(name: Annotated[str, typer.Argument(help="A rule's name or code, e.g. reference-never-cited or RC102.")]) -> None:
    """Print one rule's documentation."""
    from refcheck.rules import RULES, lookup

    found = lookup(name)
    if found is None:
        import difflib

        close = difflib.get_close_matches(name, [r.name for r in RULES], n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise _usage(f"unknown rule {name!r}{hint}")
    typer.echo(f"{found.code} {found.name} ({found.severity}{'' if found.enabled else ', off by default'})\n")
    typer.echo(found.doc)


def _app(command) -> typer.Typer:
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)
    app.command()(command)
    return app


def export_command(
    path: Annotated[Path, typer.Argument(help="The manuscript whose reference list to export.", show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="The .bib file to write (atomically).", show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="Overwrite OUTPUT if it exists.")] = False,
    offline: Annotated[bool, typer.Option("--offline", help="Do not consult Crossref: export the printed fields only.")] = False,
    mailto: Annotated[Optional[str], typer.Option("--mailto", envvar="REFCHECK_MAILTO", help="Your e-mail address for Crossref's polite pool.", show_default=False)] = None,
    crossref_url: Annotated[str, typer.Option("--crossref-url", envvar="REFCHECK_CROSSREF_URL", help="Crossref API base URL.")] = "https://api.crossref.org",
    cache: Annotated[Optional[str], typer.Option("--cache", help="HTTP cache path or redis:// URL.", show_default=False)] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not use the HTTP cache.")] = False,
) -> None:
    """Write the manuscript's reference list as BibTeX, with Crossref's metadata and DOI for verified works."""
    from refcheck.api import Config, check_paths
    from refcheck.export import to_bibtex

    if not path.exists():
        raise _usage(f"{path}: no such file")
    if output.exists() and not force:
        raise _usage(f"{output} exists; pass --force to overwrite it")
    client = None if offline else _client(crossref_url, mailto, cache, no_cache)
    with _progress() as progress:
        report = check_paths([path], Config(select=("RC7",)), crossref=client, progress=progress)
    manuscript = report.manuscripts[0]
    if not manuscript.references and not manuscript.bib:
        raise _usage(f"{path}: no reference list found, nothing to export")
    text = to_bibtex(manuscript)
    try:
        _write_atomically(output, lambda out: out.write(text))
    except OSError as err:
        raise _usage(f"cannot write {output}: {err.strerror or err}") from None
    verified = sum(m.status in ("verified", "mismatch") for m in manuscript.matches)
    entries = sum(1 for line in text.splitlines() if line.startswith("@"))
    typer.echo(f"wrote {entries} entries to {output} ({verified} with Crossref metadata)", err=True)
    for note in report.notes:
        typer.echo(f"note: {note}", err=True)


SUBCOMMANDS = {"rules": rules_command, "rule": rule_command, "export": export_command}


EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it


def _interruptible(command):
    """``command`` with Ctrl-C (SIGINT) ending it in one line and exit status 130, not a traceback.

    Nothing is lost that was already had: Crossref answers received are in the HTTP cache
    (written as they arrive), and the report and lockfile are written whole or not at all.
    """
    import functools

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except KeyboardInterrupt:
            typer.echo("refcheck: interrupted", err=True)
            raise typer.Exit(EXIT_INTERRUPTED) from None

    return run


def main(argv: list[str] | None = None) -> None:
    """Entry point: `refcheck FILE...` checks; `refcheck rules` and `refcheck rule NAME` explain."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in SUBCOMMANDS and not Path(args[0]).exists():
        _app(_interruptible(SUBCOMMANDS[args[0]]))(args[1:], prog_name=f"refcheck {args[0]}")
    else:
        _app(_interruptible(check_command))(args, prog_name="refcheck")


if __name__ == "__main__":
    main()
