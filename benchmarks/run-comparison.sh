#!/usr/bin/env bash
# The end-to-end comparison (see benchmarks/README.md): installs the peers where it can (tgt, libiscsi-bin, iperf3 ...),
# then runs the harness, which writes benchmarks/RESULTS.md and prints the same table.
#   bash benchmarks/run-comparison.sh [--rounds N] [--duration S] [--quick] [--only NAMES] [--output PATH] [--port-base P]
set -u
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
bash scripts/install-peers.sh >&2 # stdout carries only the report
export STATESAVE_COMPARISON_COMMAND="bash benchmarks/run-comparison.sh${*:+ $*}"
exec dotnet run -c Release --project benchmarks/StateSave.Comparison -- "$@"
