#!/usr/bin/env python3
"""Rebuild benchmarks/wild/docs/ from repository snapshots (standard library only).

    python3 rebuild.py MIRRORS [--out DIR] [--only ID[,ID...]] [--kept-no] [--check]

MIRRORS is a directory of git repositories: the layout the fetch tool leaves
(MIRRORS/OWNER+NAME/repo, a bare git directory), or MIRRORS/OWNER+NAME(.git),
MIRRORS/OWNER/NAME(.git), MIRRORS/NAME(.git), bare or with a work tree.

Every row of manifest.tsv is extracted at its commit: each file that files.tsv lists for the id
is read with `git cat-file blob COMMIT:PATH` (COMMIT: the row's, or the file's own in files.tsv,
which differs only for a licence file added to the repository after the manuscript's commit), its size and SHA-256 are checked against files.tsv,
and it is written to OUT/<id>/PATH (OUT defaults to docs/ beside this script). By default every row
is rebuilt, kept or not; --kept-no rebuilds only the rows whose files are not distributed here.
--check writes nothing and compares with what is already in OUT instead (in docs/: the kept rows).
Exit status 0 when every selected row was rebuilt (or matched), 1 otherwise.
"""
import argparse
import csv
import hashlib
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def read_tsv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


# Reserved for independent evaluation (../shared/corpus/RESERVED.md): owners beginning with a digit
# or A, and these repositories (a repository of the same name is taken for a fork of one).
RESERVED = """CliMA/Oceananigans.jl FluxML/Flux.jl Jammy2211/PyAutoLens Ouranosinc/xclim mne-tools/mne-bids
pybamm-team/liionpack sbi-dev/sbi yt-project/unyt geoffreylitt/convivial-paper
RoboticExplorationLab/PlanningWithAttitude fdabl/EEGpaper mdnestor/ide-traveling-waves
FelixBenning/Incremental-Gaussian-Paper RuthAngus/period_gap benjaminpope/morphine_paper
boada/hetdex_paper chroetz/PaperStrong22 comphy-lab/holeySheets_paper_arxiv THinnerichs/DTI-VOODOO
eurunuela/pfm_vs_ta LTLA/KmeansReinitialization2021 Nicholaswogan/Wogan_2022_photochem_methods
dannyjacobs/fluxcalpaper drpeterrohde/Interferometry-Review greenelab/deep-review
scikit-image/scikit-image-paper kylejgillett/sounderpy SpeedyWeather/SpeedyWeather.jl""".split()


def reserved(repo):
    owner, name = repo.split("/")
    if owner[:1].isdigit() or owner[:1] in "aA":
        return "owner begins with a digit or A"
    for r in RESERVED:
        if repo.lower() == r.lower() or name.lower() == r.split("/")[1].lower():
            return f"reserved repository {r}"
    return None


def find_git(mirrors, repo):
    owner, name = repo.split("/")
    for cand in (mirrors / f"{owner}+{name}" / "repo", mirrors / f"{owner}+{name}.git", mirrors / f"{owner}+{name}",
                 mirrors / owner / f"{name}.git", mirrors / owner / name, mirrors / f"{name}.git", mirrors / name):
        if (cand / "objects").is_dir() and (cand / "HEAD").is_file():
            return cand
        if (cand / ".git").exists():
            return cand / ".git"
    return None


def blob(git, commit, path):
    out = subprocess.run(["git", "--git-dir", str(git), "cat-file", "blob", f"{commit}:{path}"],
                         capture_output=True)
    if out.returncode:
        raise LookupError(out.stderr.decode("utf-8", "replace").strip() or "not found")
    return out.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mirrors", type=Path)
    ap.add_argument("--out", type=Path, default=HERE / "docs")
    ap.add_argument("--only", default="")
    ap.add_argument("--kept-no", action="store_true", help="only the rows with kept=no")
    ap.add_argument("--check", action="store_true", help="compare with OUT instead of writing")
    a = ap.parse_args()
    manifest = read_tsv(HERE / "manifest.tsv")
    files = {}
    for row in read_tsv(HERE / "files.tsv"):
        files.setdefault(row["id"], []).append(row)
    only = set(filter(None, a.only.split(",")))
    bad = done = 0
    for row in manifest:
        did = row["id"]
        if only and did not in only or a.kept_no and row["kept"] != "no":
            continue
        if a.check and a.out == HERE / "docs" and row["kept"] != "yes":
            continue  # only the kept rows are distributed in docs/
        why = reserved(row["repo"])
        if why:  # never rebuild what is kept aside for independent evaluation
            print(f"{did}: {row['repo']} refused: {why}", file=sys.stderr)
            bad += 1
            continue
        git = find_git(a.mirrors, row["repo"])
        if git is None:
            print(f"{did}: no repository for {row['repo']} under {a.mirrors}", file=sys.stderr)
            bad += 1
            continue
        ok = True
        for f in files.get(did, []):
            try:
                commit = f.get("commit") or row["commit"]  # a licence may come from a later commit
                data = blob(git, commit, f["path"])
            except LookupError as e:
                print(f"{did}: {f['path']} at {commit[:12]}: {e}", file=sys.stderr)
                ok = False
                continue
            if len(data) != int(f["bytes"]) or hashlib.sha256(data).hexdigest() != f["sha256"]:
                print(f"{did}: {f['path']}: content differs from files.tsv", file=sys.stderr)
                ok = False
                continue
            dest = a.out / did / f["path"]
            if a.check:
                if not dest.is_file() or dest.read_bytes() != data:
                    print(f"{did}: {dest} differs or is missing", file=sys.stderr)
                    ok = False
            else:
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(data)
        done += ok
        bad += not ok
    print(f"{done} documents {'match' if a.check else 'rebuilt'}, {bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
