#!/usr/bin/env bash
# The seed workflow (register-and-activate-sim: four calls) run RUNS times against the sandbox
# started as a binary on 127.0.0.1, by the compiled Rust function, by Redocly Respect
# (`redocly respect`, Node) and by Jentic's arazzo-runner (Python), each when installed. Prints
# milliseconds per workflow run for each: the median run inside the process, and the median of a
# whole invocation (process start, loading the documents, the run).
#
#   bench/compare-interpreters.sh [RUNS]      # default 30
#
# Finding the interpreters (a missing one is skipped with a message):
#   REDOCLY   the `redocly` command; default: `redocly` on PATH, else `npx --no-install @redocly/cli`
#   PYTHON    a Python with `arazzo_runner` importable; default: python3
#   PORT      the sandbox's port (default 18480)
#
# A run registers its SIM and a sandbox registers each of its six cards once, so the script
# starts a fresh sandbox for every six runs of each tool. Every tool makes one invocation per run.
# The interpreters get the API key and token as header parameters fed from two extra workflow
# inputs (the compiled function takes them from its client, by security scheme); the requests on
# the wire are the same.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-30}"
port="${PORT:-18480}"
base="http://127.0.0.1:$port/v1"
work="$(mktemp -d "${TMPDIR:-/tmp}/arazzo-compare.XXXXXX")"
sandbox_pid=""
cleanup() {
  if [[ -n "$sandbox_pid" ]]; then kill "$sandbox_pid" 2> /dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

cards=(
  "8981100000000000001 12345" "8981100000000000002 23456" "8981100000000000003 34567"
  "8981100000000100001 45678" "8981100000000100002 56789" "8981100000000100003 67890"
)
group="group-sensors"

echo "building the sandbox and the Rust runner (release)..." >&2
(cd "$repo" && cargo build --release -p arazzo-sandbox --quiet)
sandbox_bin="$repo/target/release/arazzo-sandbox"
ours="$(cd "$repo" && cargo bench --bench against_server --no-run 2>&1 |
  sed -n 's/.*Executable .*(\(.*\))$/\1/p' | tail -n 1)"
[[ "$ours" = /* ]] || ours="$repo/$ours"

# The interpreters' copy of the workflow: credentials as header parameters from inputs, and the
# description with the sandbox as its server.
mkdir -p "$work/arazzo" "$work/openapi"
sed "s#url: https://api.soracom.io/v1#url: $base#" \
  "$repo/workflows/openapi/soracom-sim-api-openapi.yml" > "$work/openapi/soracom-sim-api-openapi.yml"
python3 - "$repo/workflows/arazzo/soracom-register-and-activate-sim-workflow.yml" \
  "$work/arazzo/workflow.yml" <<'PY'
import sys
text = open(sys.argv[1]).read()
path_param = "    - name: sim_id\n      in: path\n      value: $inputs.simId\n"
headers = (path_param
           + "    - name: X-Soracom-API-Key\n      in: header\n      value: $inputs.apiKey\n"
           + "    - name: X-Soracom-Token\n      in: header\n      value: $inputs.apiToken\n")
assert text.count(path_param) == 4
text = text.replace(path_param, headers)
text = text.replace("    - groupId\n    properties:\n",
                    "    - groupId\n    - apiKey\n    - apiToken\n    properties:\n"
                    "      apiKey:\n        type: string\n      apiToken:\n        type: string\n", 1)
open(sys.argv[2], "w").write(text)
PY
workflow="$work/arazzo/workflow.yml"

cat > "$work/runner.py" <<'PY'
import json, logging, sys, time
from arazzo_runner import ArazzoRunner
from arazzo_runner.models import WorkflowExecutionStatus
# Its INFO log of every step would be timed too; the other tools print nothing per step.
logging.disable(logging.WARNING)
runner = ArazzoRunner.from_arazzo_path(sys.argv[1])
inputs = json.loads(sys.argv[2])
started = time.perf_counter()
result = runner.execute_workflow("register-and-activate-sim", inputs)
elapsed = time.perf_counter() - started
if result.status != WorkflowExecutionStatus.WORKFLOW_COMPLETE or result.outputs.get("status") != "active":
    sys.exit(f"arazzo-runner: {result.status} {result.error} {result.outputs}")
print(f"{elapsed * 1000:.3f}")
PY

start_sandbox() { # sets sandbox_pid, api_key, token
  "$sandbox_bin" --port "$port" > "$work/sandbox.out" 2>&1 &
  sandbox_pid=$!
  for _ in $(seq 1 200); do
    grep -q "Press Ctrl-C" "$work/sandbox.out" 2> /dev/null && break
    sleep 0.05
  done
  api_key="$(sed -n 's/^ready pair: *X-Soracom-API-Key: *//p' "$work/sandbox.out")"
  token="$(sed -n 's/^ *X-Soracom-Token: *//p' "$work/sandbox.out")"
  [[ -n "$api_key" && -n "$token" ]] || { cat "$work/sandbox.out" >&2; exit 1; }
}

stop_sandbox() {
  kill "$sandbox_pid" 2> /dev/null || true
  wait "$sandbox_pid" 2> /dev/null || true
  sandbox_pid=""
}

now() { date +%s.%N; }
ms_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f\n", (b - a) * 1000 }'; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR) printf "%.1f", a[int((NR+1)/2)]; else printf "-"}'; }

# run_tool NAME: RUNS runs, one invocation each; writes $work/NAME.inner and $work/NAME.wall.
run_tool() {
  local tool="$1" done=0 started inner
  : > "$work/$tool.inner"
  : > "$work/$tool.wall"
  while (( done < runs )); do
    start_sandbox
    for card in "${cards[@]}"; do
      (( done < runs )) || break
      read -r sim secret <<< "$card"
      started=$(now)
      case "$tool" in
        rust)
          inner=$(ARAZZO_SERVER_URL="$base" ARAZZO_API_KEY="$api_key" ARAZZO_TOKEN="$token" \
            ARAZZO_CARD="$sim" "$ours" | awk '{print $2}')
          ;;
        respect)
          "${redocly[@]}" respect "$workflow" --workflow register-and-activate-sim \
            --input "simId=$sim" --input "registrationSecret=$secret" --input "groupId=$group" \
            --input "apiKey=$api_key" --input "apiToken=$token" \
            --json-output "$work/respect.json" > "$work/respect.log" 2>&1 ||
            { cat "$work/respect.log" >&2; exit 1; }
          inner=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d.get("totalTime", ""))' \
            "$work/respect.json" 2> /dev/null || true)
          ;;
        arazzo-runner)
          inner=$("$python" "$work/runner.py" "$workflow" \
            "{\"simId\": \"$sim\", \"registrationSecret\": \"$secret\", \"groupId\": \"$group\", \"apiKey\": \"$api_key\", \"apiToken\": \"$token\"}")
          ;;
      esac
      ms_since "$started" >> "$work/$tool.wall"
      [[ -n "$inner" ]] && echo "$inner" >> "$work/$tool.inner"
      done=$((done + 1))
    done
    stop_sandbox
  done
}

report() { # tool label version
  printf '%-28s %-18s %16s %22s\n' "$2" "$3" "$(median < "$work/$1.inner")" "$(median < "$work/$1.wall")"
}

redocly=()
if [[ -n "${REDOCLY:-}" ]]; then
  read -r -a redocly <<< "$REDOCLY"
elif command -v redocly > /dev/null; then
  redocly=(redocly)
elif command -v npx > /dev/null && npx --no-install @redocly/cli --version > /dev/null 2>&1; then
  redocly=(npx --no-install @redocly/cli)
fi
python="${PYTHON:-python3}"

echo "seed workflow, $runs runs per tool, sandbox binary on 127.0.0.1:$port, $(nproc) cores"
printf '%-28s %-18s %16s %22s\n' "tool" "version" "ms/run in process" "ms/run per invocation"
run_tool rust
report rust "compiled Rust (this crate)" "$(cd "$repo" && cargo pkgid -p arazzo-runtime | sed 's/.*[#@]//')"
if (( ${#redocly[@]} )); then
  run_tool respect
  report respect "Redocly Respect" "$("${redocly[@]}" --version 2> /dev/null | tail -n 1)"
else
  echo "Redocly Respect: not installed (npm install @redocly/cli, or set REDOCLY): skipped"
fi
if "$python" -c 'import arazzo_runner' 2> /dev/null; then
  run_tool arazzo-runner
  report arazzo-runner "arazzo-runner" \
    "$("$python" -c 'import importlib.metadata as m; print(m.version("arazzo-runner"))')"
else
  echo "arazzo-runner: not importable by $python (pip install arazzo-runner, or set PYTHON): skipped"
fi
echo "in process: the run alone (Respect: its reported total time, when its JSON output has one)"
