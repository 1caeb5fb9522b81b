#!/bin/bash
# drop.sh ID...: remove documents from manifest.tsv, files.tsv and docs/
cd "$(dirname "$0")/.." || exit 1
for id in "$@"; do
  for f in manifest.tsv files.tsv; do awk -F'\t' -v i="$id" '$1!=i' $f > $f.tmp && mv $f.tmp $f; done
  rm -rf "docs/$id"
done
