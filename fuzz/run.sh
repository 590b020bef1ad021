#!/usr/bin/env bash
# Runs one fuzz target for a bounded time, seeded with the repository's test data.
# usage: fuzz/run.sh TARGET SECONDS     (TARGET: dockerfile | shell | dockerignore | compose)
# Needs cargo-fuzz (`cargo install cargo-fuzz`); runs on stable without a sanitizer (-s none).
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?target}
seconds=${2:-60}
corpus="corpus/$target"
mkdir -p "$corpus"
data=../crates/core/tests
case "$target" in
  dockerfile|shell)
    find "$data/data/official" "$data/fixtures" "$data/data/buildkit/parser" -type f -name 'Dockerfile*' \
      -exec sh -c 'for f; do cp "$f" "'"$corpus"'/$(echo "$f" | cksum | cut -d" " -f1)"; done' sh {} + ;;
  dockerignore)
    find "$data" -type f -name '*dockerignore*' \
      -exec sh -c 'for f; do cp "$f" "'"$corpus"'/$(echo "$f" | cksum | cut -d" " -f1)"; done' sh {} + ;;
  compose)
    find "$data/data/compose" -type f \( -name '*.yaml' -o -name '*.yml' \) \
      -exec sh -c 'for f; do cp "$f" "'"$corpus"'/$(echo "$f" | cksum | cut -d" " -f1)"; done' sh {} + ;;
  *) echo "unknown target $target" >&2; exit 2 ;;
esac
# An input that takes longer than FUZZ_TIMEOUT seconds (default 10) counts as a failure: a
# hang on hostile input is a bug like a crash.
exec cargo fuzz run "$target" -s none "$corpus" -- -max_total_time="$seconds" -max_len=65536 \
  -timeout="${FUZZ_TIMEOUT:-10}"
