#!/usr/bin/env bash
# Strong and weak scaling of one network over MPI ranks on this machine (docs/scaling.md):
# CUBA at N = 64 000 on 1, 2 and 4 ranks (strong), and at 32 000 cells per rank (weak), one
# worker per rank, ROUNDS rounds with the configurations alternating so that a change in the
# machine's load hits all of them alike. Prints one line per run: wall time, and per rank the CPU
# time of the run and the part of it outside the spike exchange (MPI polls while a rank waits
# for the others, so on a loaded machine the whole CPU time says little).
#
#   bash scripts/scaling_mpi.sh [ROUNDS] [MS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rounds=${1:-3}
ms=${2:-300}
mkdir -p build
go build -tags mpi -o build/neuron-mpi ./cmd/neuron
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
run() { # kind np n workers
  local out
  out=$(mpirun --oversubscribe -np "$2" build/neuron-mpi dist -model cuba -n "$3" -ms "$ms" -workers "$4")
  local wall spikes cpu out_cpu wait
  wall=$(sed -n 's/.*run \([0-9.]*\) s wall.*/\1/p' <<<"$out")
  spikes=$(sed -n 's/^spikes \([0-9]*\).*/\1/p' <<<"$out")
  cpu=$(sed -n 's/^rank [0-9]*: run CPU \([0-9.]*\) s.*/\1/p' <<<"$out" | paste -sd/)
  out_cpu=$(sed -n 's/^rank [0-9]*: run CPU [0-9.]* s (\([0-9.]*\) s outside.*/\1/p' <<<"$out" | paste -sd/)
  wait=$(sed -n 's/.*waiting in the exchange \([0-9.]*\) s wall.*/\1/p' <<<"$out" | paste -sd/)
  printf '%-6s np=%d N=%-6d workers=%d  wall %6.3f s  spikes %7d  CPU per rank %s s (outside the exchange %s)  exchange wait %s s  load %s\n' \
    "$1" "$2" "$3" "$4" "$wall" "$spikes" "$cpu" "$out_cpu" "$wait" "$(cut -d' ' -f1 /proc/loadavg)"
}
for r in $(seq "$rounds"); do
  echo "# round $r, ${ms} ms simulated"
  run strong 1 64000 1
  run strong 2 64000 1
  run strong 4 64000 1
  run strong 1 64000 2
  run weak 1 32000 1
  run weak 2 64000 1
  run weak 4 128000 1
done
