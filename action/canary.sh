#!/usr/bin/env bash
# The GitHub Action's step (action.yml): `canary run` from the INPUT_* variables, in the job's
# workspace. canary itself writes the step summary ($GITHUB_STEP_SUMMARY) and the ::error::
# annotation; this adds the step's outputs (verdict, exit-code, report) and exits with canary's code.
# CANARY_BIN runs another canary than `npx canary-rollouts@$INPUT_VERSION` (the action's tests).
set -uo pipefail

cd "${GITHUB_WORKSPACE:-.}"
read -ra files <<< "$(tr '\n' ' ' <<< "${INPUT_FILES:-}")"
if [ "${#files[@]}" = 0 ]; then
  echo "::error title=canary::the files input is empty: give the Rollout's manifests (e.g. files: k8s/)"
  exit 2
fi
args=(run "${files[@]}")
while IFS= read -r image; do
  image="${image#"${image%%[![:space:]]*}"}"
  image="${image%"${image##*[![:space:]]}"}"
  [ -n "$image" ] && args+=(--image "$image")
done <<< "${INPUT_IMAGE:-}"
[ -n "${INPUT_TIMEOUT:-}" ] && args+=(--timeout "$INPUT_TIMEOUT")
[ -n "${INPUT_REPORT:-}" ] && args+=(--report "$INPUT_REPORT")
[ -n "${INPUT_NAMESPACE:-}" ] && args+=(-n "$INPUT_NAMESPACE")
[ -n "${INPUT_SCALE_DOWN:-}" ] && args+=(--scale-down "$INPUT_SCALE_DOWN")
if [ -n "${INPUT_ARGS:-}" ]; then
  read -ra extra <<< "$INPUT_ARGS"
  args+=("${extra[@]}")
fi

if [ -n "${CANARY_BIN:-}" ]; then
  canary=("$CANARY_BIN")
else
  canary=(npx --yes "canary-rollouts@${INPUT_VERSION:-latest}")
fi

log="$(mktemp "${RUNNER_TEMP:-/tmp}/canary-XXXXXX.log")"
"${canary[@]}" "${args[@]}" 2>&1 | tee "$log"
code=${PIPESTATUS[0]}

# The verdict line: `✔ promoted: apps/myapp revision ..., step 9/9, 16s: ...`.
verdict="$(sed -n 's/^\(✔\|✖\|॥\) \([a-z ]*\): .*/\2/p' "$log" | tail -1)"
rm -f "$log"
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "verdict=$verdict"
    echo "exit-code=$code"
    if [ -n "${INPUT_REPORT:-}" ] && [ -f "$INPUT_REPORT" ]; then echo "report=$INPUT_REPORT"; fi
  } >> "$GITHUB_OUTPUT"
fi
exit "$code"
