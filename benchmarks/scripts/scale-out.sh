#!/usr/bin/env bash
# Scale-out of scheduler-stream: the same virtual-time replay on a fresh local cluster of separate
# processes (./kvsched replay --local-cluster) for each replica count x scheduler instance count, with
# the worker count fixed, so the scheduler instances are the only thing that changes. Prints one row per
# run (replay wall, Kafka round trips, round trips per second, and whether the result stayed identical
# to the in-memory engine) and the ratio of each run's round trips/s to the 1-instance run's.
#
# Usage: benchmarks/scripts/scale-out.sh [REQUESTS] [REPLICAS...]   (default: 1000 requests, 8 and 32 replicas)
# Env:   SCHEDULERS="1 2 4"  WORKERS=2  EXTRA="--policy sarathi"
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
requests="${1:-1000}"
shift || true
replicas_list=("${@:-8 32}")
read -r -a replicas_list <<< "${replicas_list[*]}"
schedulers_list=(${SCHEDULERS:-1 2 4})
workers="${WORKERS:-2}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
echo "scale-out: $requests requests, $workers workers, $(nproc) cores; each run: cluster up, replay --verify, cluster down"
printf '%8s %10s %7s %10s %11s %13s %9s  %s\n' replicas schedulers workers "wall s" "round trips" "round trips/s" "vs 1" result
for r in "${replicas_list[@]}"; do
  base=""
  for s in "${schedulers_list[@]}"; do
    [ "$s" -gt "$r" ] && continue
    log="$out/r$r-s$s.log"
    if ! "$root/kvsched" replay --local-cluster --requests "$requests" --replicas "$r" --schedulers "$s" --workers "$workers" \
        --verify ${EXTRA:-} > "$log" 2>&1; then
      echo "run with $r replicas, $s schedulers failed; last lines:"; tail -n 5 "$log"; continue
    fi
    wall=$(sed -n 's/^kafka: .* round trips, .* events\/s, \([0-9.]*\) s wall.*/\1/p' "$log")
    trips=$(sed -n 's/^kafka: \([0-9,]*\) round trips.*/\1/p' "$log" | tr -d ,)
    rate=$(awk -v t="$trips" -v w="$wall" 'BEGIN { printf "%.1f", t / w }')
    [ -z "$base" ] && base="$rate"
    ratio=$(awk -v a="$rate" -v b="$base" 'BEGIN { printf "%.2f", a / b }')
    result=$(grep -o 'identical: [0-9]*/[0-9]* requests\|NOT identical.*' "$log" | head -n 1)
    printf '%8s %10s %7s %10s %11s %13s %9s  %s\n' "$r" "$s" "$workers" "$wall" "$trips" "$rate" "$ratio" "$result"
  done
done
