#!/usr/bin/env bash
# Peak memory and time of `skills-atlas check-links` on a built site of N
# submissions (N + about 80 pages): it reads one page at a time per thread,
# so its peak follows the largest page, not the site.
#
#   scripts/bench-check-links.sh            # N = 10000
#   scripts/bench-check-links.sh 1000 10000
#
# Needs GNU time (/usr/bin/time). Cohorts come from examples/gen_cohort.rs
# under $BENCH_DIR (default /tmp/skills-atlas-bench), as in scripts/bench.sh;
# sites are written under $BENCH_OUT (default $BENCH_DIR). Prints the median
# of 3 runs of wall time and the largest peak RSS of the 3.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-10000}")
read -r -a sizes <<<"${sizes[*]}"
work=${BENCH_DIR:-/tmp/skills-atlas-bench}
outs=${BENCH_OUT:-$work}
mkdir -p "$work" "$outs"
cargo build --release --quiet --bin skills-atlas --example gen_cohort
bin=target/release/skills-atlas

printf '%-7s %8s %10s %12s %12s %12s\n' N pages links seconds peak_MB largest_page_KB
for n in "${sizes[@]}"; do
  cohort="$work/cohort-$n"
  [ -d "$cohort" ] || ./target/release/examples/gen_cohort "$n" "$cohort" 2>/dev/null
  site="$outs/links-site-$n"
  "$bin" build "$cohort" -o "$site" --base-url https://example.test/atlas/ -q
  pages=$(find "$site" -name '*.html' | wc -l)
  largest=$(find "$site" -name '*.html' -printf '%s\n' | sort -n | tail -1)
  secs=() peak=0 links=0
  for _ in 1 2 3; do
    /usr/bin/time -v -o "$work/time.txt" "$bin" check-links "$site" >"$work/links.txt"
    secs+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$work/time.txt")")
    kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
    [ "$kb" -gt "$peak" ] && peak=$kb
    links=$(awk '/internal links checked/ {print $1}' "$work/links.txt")
  done
  median=$(printf '%s\n' "${secs[@]}" | sort -n | sed -n 2p)
  awk -v n="$n" -v p="$pages" -v l="$links" -v s="$median" -v m="$peak" -v b="$largest" \
    'BEGIN {printf "%-7s %8s %10s %12s %12.1f %12.1f\n", n, p, l, s, m / 1024, b / 1024}'
  rm -rf "$site"
done
