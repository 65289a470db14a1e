#!/usr/bin/env bash
# Edit-to-rebuilt time of `skills-atlas serve` for one changed file.
#
#   scripts/bench-serve.sh            # N = 1000 submissions, 15 edits
#   scripts/bench-serve.sh 1000 31    # N, edits
#
# Generates the cohort once under $BENCH_DIR (default /tmp/skills-atlas-bench)
# with examples/gen_cohort.rs (deterministic for N), then runs benches/serve.rs
# on a copy: medians of Session::rebuild per edit (prose and skill edits), of
# the cohort-wide pass after it, and end to end through the release binary
# (file written -> reload event on /__livereload). Prints the load average:
# on a busy machine every figure is slower.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
edits=${2:-15}
work=${BENCH_DIR:-/tmp/skills-atlas-bench}
mkdir -p "$work"
cargo build --release --quiet --example gen_cohort
cohort="$work/cohort-$n"
[ -d "$cohort" ] || target/release/examples/gen_cohort "$n" "$cohort" >/dev/null
cargo bench --quiet --bench serve -- "$cohort" "$edits"
