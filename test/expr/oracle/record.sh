#!/bin/sh
# Regenerates recorded.json: expr v1.17.8's answers to the generated and corpus conditions.
# Needs Go and a fetched copy of expr's fuzz corpus; see README.md.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
corpus=${1:?usage: record.sh FUZZ_CORPUS}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$here" && go build -o "$work/oracle" .)
node "$here/cases.mjs" "$corpus" > "$work/cases.jsonl"
for run in 1 2 3; do "$work/oracle" < "$work/cases.jsonl" > "$work/answers$run.jsonl"; done
node "$here/record.mjs" "$work/cases.jsonl" "$work/answers1.jsonl" "$work/answers2.jsonl" "$work/answers3.jsonl" > "$here/recorded.json"
