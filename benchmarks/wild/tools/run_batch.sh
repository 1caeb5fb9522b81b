#!/bin/bash
# run collect.py for every candidate line whose mirror exists and that is not yet in the manifest
cd "$(dirname "$0")/.." || exit 1
grep -v '^#' tools/candidates.txt | while read -r kind repo entry; do
  [[ -z "$repo" ]] && continue
  grep -q "	$repo	" manifest.tsv 2>/dev/null && continue
  grep -qxF "$repo" tools/.done 2>/dev/null && continue
  [[ -d /work/.mirror/${repo/\//+}/repo ]] || { echo "$repo: not fetched"; continue; }
  python3 tools/collect.py $kind $repo $entry
  echo "$repo" >> tools/.done
done
