#!/usr/bin/env bash
# Two writers, one results folder, separate PID namespaces (issue 14): each run is started with
# `unshare -pf --mount-proc`, so both are PID 1 in their own namespace, as in two containers
# sharing a volume. They write seeds 1 and 2 into the same --out at the same time. Afterwards the
# folder must be whole: the CSV files byte-identical to a run of the seed that meta.json names,
# no stray line, no temporary left. Needs root (unshare) and a built CLI (npm run build).
# Usage: scripts/two-writers.sh [rounds]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
cli="$(pwd)/dist/src/cli/main.js"
scenario="$(pwd)/scenarios/default.yaml"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
args=(run "$scenario" --duration 5m --no-report --jobs 1 -q)
for s in 1 2; do node "$cli" "${args[@]}" --seed "$s" --out "$work/alone-$s"; done
mixed=0
for r in $(seq 1 "$rounds"); do
  out="$work/shared-$r"
  unshare -pf --mount-proc node "$cli" "${args[@]}" --seed 1 --out "$out" & a=$!
  unshare -pf --mount-proc node "$cli" "${args[@]}" --seed 2 --out "$out" & b=$!
  ca=0; cb=0; wait $a || ca=$?; wait $b || cb=$?
  seed=$(node -e "console.log(require('$out/meta.json').seed)")
  same=yes
  for f in summary.csv timeseries.csv ports.csv pools.csv compare.csv; do
    cmp -s "$out/$f" "$work/alone-$seed/$f" || same=no
  done
  left=$(find "$work" -maxdepth 1 -name ".shared-$r.*" | wc -l)
  pids=$( [ "$ca" = 0 ] && [ "$cb" = 0 ] && echo "exit 0 and 0" || echo "exit $ca and $cb")
  echo "round $r: writers $pids; folder holds seed $seed; CSVs identical to a lone run of seed $seed: $same; temporaries left: $left"
  if [ "$same" != yes ] || [ "$left" != 0 ] || [ "$ca" != 0 ] || [ "$cb" != 0 ]; then mixed=$((mixed + 1)); fi
done
echo "two-writers: $rounds rounds, $mixed mixed or failed"
[ "$mixed" = 0 ]
