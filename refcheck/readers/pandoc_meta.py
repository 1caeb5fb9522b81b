"""pandoc metadata from outside the manuscript: ``--metadata-file`` YAML files and defaults files.

A build that runs ``pandoc -d defaults.yaml paper.md`` or ``pandoc --metadata-file=meta.yaml
paper.md`` gives the manuscript a bibliography, a date or ``nocite`` keys that its own front
matter does not have. refcheck reads them as pandoc does (pandoc's manual, "Metadata
blocks", "--metadata-file", "Defaults files"):

* a metadata file is YAML read like a front-matter block; the document's own values win over it,
  and of several files the later wins;
* a defaults file may name metadata files (``metadata-file``/``metadata-files``), give a
  ``bibliography`` (string or list) and a ``metadata`` map: both act as ``-M`` does, winning over
  the document; ``input-file``/``input-files`` are the manuscripts it builds;
* paths are relative to the working directory; in a defaults file ``${.}`` is the defaults
  file's own folder (``${USERDATA}`` and other variables are left alone). A name not found from
  the working directory is looked for beside the file that gives it.

Only what refcheck checks is applied to the manuscript: ``bibliography``, ``references``
(inline CSL items), ``nocite`` and ``date``. Markdown manuscripts only: LaTeX names its own.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

from refcheck.model import Manuscript, Source
from refcheck.readers.project import _strings  # a YAML value as strings: one, or a list's

APPLIED = ("bibliography", "references", "nocite", "date")


class MetaError(Exception):
    """A metadata or defaults file that cannot be used; the message names it and says why."""


@dataclass(frozen=True)
class Layer:
    """One YAML mapping of metadata: where it was written (its file's path and text) and its values."""

    path: str
    text: str
    data: dict
    wins: bool  # True: over the document's front matter (-M, a defaults file); False: under it (--metadata-file)


@dataclass(frozen=True)
class Meta:
    """The metadata a build adds to every manuscript, in the order pandoc applies it."""

    layers: tuple[Layer, ...] = ()
    inputs: tuple[str, ...] = ()  # a defaults file's input files

    def __bool__(self) -> bool:
        return bool(self.layers)


def _yaml(path: Path) -> tuple[str, object]:
    import yaml  # noqa: PLC0415

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MetaError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise MetaError(f"{path}: cannot be read ({err})") from None
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as err:
        raise MetaError(f"{path}: not valid YAML ({str(err).splitlines()[0]})") from None
    return text, {} if data is None else data


def _resolve(name: str, beside: Path, cwd: Path) -> str:
    """``name`` as pandoc finds it: from the working directory, else beside the file naming it."""
    path = Path(name).expanduser()
    if path.is_absolute():
        return str(path)
    for base in (cwd, beside):
        if (base / path).exists():
            return str((base / path).resolve())
    return str((cwd / path).resolve())


def _absolute_bibliography(data: dict, beside: Path, cwd: Path) -> dict:
    if "bibliography" not in data:
        return data
    return {**data, "bibliography": [_resolve(b, beside, cwd) for b in _strings(data["bibliography"])]}


def metadata_file(path: str | os.PathLike, cwd: Path | None = None) -> Layer:
    """A ``--metadata-file``: a YAML mapping, under the document's own values."""
    cwd = cwd or Path.cwd()
    text, data = _yaml(Path(path))
    if not isinstance(data, dict):
        raise MetaError(f"{path}: a metadata file must be a YAML mapping (key: value)")
    return Layer(str(path), text, _absolute_bibliography(data, Path(path).parent, cwd), wins=False)


def defaults_file(path: str | os.PathLike, cwd: Path | None = None) -> Meta:
    """A pandoc defaults file (``-d``): its metadata files, its ``metadata`` map and ``bibliography``."""
    cwd = cwd or Path.cwd()
    path = Path(path)
    text, data = _yaml(path)
    if not isinstance(data, dict):
        raise MetaError(f"{path}: a defaults file must be a YAML mapping (option: value)")
    here = str(path.parent.resolve())

    def expand(value: str) -> str:
        return value.replace("${.}", here)

    layers = [metadata_file(_resolve(expand(f), path.parent, cwd), cwd)
              for key in ("metadata-file", "metadata-files") for f in _strings(data.get(key))]
    given = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    given = {k: v for k, v in given.items() if isinstance(k, str)}
    if "bibliography" in data:
        given["bibliography"] = [expand(b) for b in _strings(data["bibliography"])]
    elif "bibliography" in given:
        given["bibliography"] = [expand(b) for b in _strings(given["bibliography"])]
    if given:
        layers.append(Layer(str(path), text, _absolute_bibliography(given, path.parent, cwd), wins=True))
    inputs = [expand(f) for key in ("input-file", "input-files") for f in _strings(data.get(key))]
    return Meta(tuple(layers), tuple(_resolve(f, path.parent, cwd) for f in inputs))


def combine(*metas: Meta) -> Meta:
    return Meta(tuple(layer for m in metas for layer in m.layers), tuple(i for m in metas for i in m.inputs))


def apply(manuscript: Manuscript, meta: Meta) -> Manuscript:
    """The manuscript with what the build's metadata gives it (Markdown only; pandoc's precedence)."""
    if not meta or manuscript.source.format != "markdown":
        return manuscript
    from refcheck.readers import citations as grammar  # noqa: PLC0415
    from refcheck.readers.markdown import _inline_references, _nocite  # noqa: PLC0415
    from refcheck.readers.metadata import front_matter, front_matter_date  # noqa: PLC0415

    front = front_matter(manuscript.source.text)
    own = front.data if front else {}
    chosen: dict[str, Layer] = {}
    for layer in meta.layers:  # later layers win among themselves
        for key in APPLIED:
            if key in layer.data and (layer.wins or key not in own):
                chosen[key] = layer
    if not chosen:
        return manuscript
    changes: dict = {}
    sources = list(manuscript.sources)

    def source_of(layer: Layer) -> Source:
        found = next((s for s in sources if s.path == layer.path), None)
        if found is None:
            found = Source(layer.path, layer.text, "yaml")
            sources.append(found)
        return found

    if "bibliography" in chosen:
        given = tuple(chosen["bibliography"].data["bibliography"])
        changes["bib_files"] = given if chosen["bibliography"].wins else (*manuscript.bib_files, *given)
    if "date" in chosen:
        date = front_matter_date(chosen["date"].data["date"])
        if date:
            changes["dates"] = {**manuscript.dates, "date": date}
    if "references" in chosen:
        layer = chosen["references"]
        entries = _inline_references(source_of(layer), 0, layer.text, layer.data["references"])
        if entries:
            kept = () if layer.wins else manuscript.bib
            changes["bib"] = (*kept, *(dataclasses.replace(e, id=f"b{len(kept) + i + 1}") for i, e in enumerate(entries)))
    if "nocite" in chosen:
        layer = chosen["nocite"]
        found = _nocite(0, layer.text, layer.data["nocite"])
        own_nocite = tuple(c for c in manuscript.citations if "nocite" in c.form and c.span.path == manuscript.path)
        citations = tuple(c for c in manuscript.citations if c not in own_nocite) if layer.wins else manuscript.citations
        added = grammar.to_citations(source_of(layer), list(found))
        start = max((int(c.id[1:]) for c in manuscript.citations if c.id[1:].isdecimal()), default=0)
        changes["citations"] = (*citations, *(dataclasses.replace(c, id=f"c{start + i + 1}") for i, c in enumerate(added)))
    if len(sources) != len(manuscript.sources):
        changes["sources"] = tuple(sources)
    return dataclasses.replace(manuscript, **changes) if changes else manuscript
