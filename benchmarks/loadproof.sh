#!/bin/bash
# The whole suite under load (issue 12): mode "stress" (stress-ng hogging both cores beside it) or
# "taskset" (the suite pinned to one core), twice, in a fresh clone of COMMIT so that work going on
# in the checkout does not touch it. Logs: /tmp/loadproof_MODE_N.log; one summary line per run.
#   bash benchmarks/loadproof.sh stress HEAD & bash benchmarks/loadproof.sh taskset HEAD &
# Needs stress-ng (Debian) for "stress", util-linux's taskset for "taskset".
mode=$1; commit=${2:-HEAD}; repo=$(git rev-parse --show-toplevel); dir=/tmp/loadproof-$mode
rm -rf "$dir" && git clone -q "$repo" "$dir" && cd "$dir" && git checkout -q "$commit"
python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' > /dev/null 2>&1
echo "$mode: clone at $(git rev-parse --short HEAD), $(date +%T)"
for i in 1 2; do
  start=$(date +%s); l0=$(cut -d' ' -f1 /proc/loadavg)
  if [ "$mode" = stress ]; then
    stress-ng --cpu 2 --timeout 3000s > /dev/null 2>&1 &
    SP=$!
    .venv/bin/python -m pytest -q -p no:cacheprovider > /tmp/loadproof_${mode}_$i.log 2>&1; rc=$?
    kill $SP; wait $SP 2>/dev/null
  else
    taskset -c 0 .venv/bin/python -m pytest -q -p no:cacheprovider > /tmp/loadproof_${mode}_$i.log 2>&1; rc=$?
  fi
  echo "$mode run $i: exit $rc in $(( $(date +%s) - start )) s (load at start $l0, at end $(cut -d' ' -f1 /proc/loadavg)), ended $(date +%T): $(tail -1 /tmp/loadproof_${mode}_$i.log)"
done
