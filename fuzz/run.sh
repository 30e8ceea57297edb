#!/usr/bin/env bash
# Runs every fuzz target for a bounded time, one after the other:
#
#   fuzz/run.sh            # 60 s per target
#   fuzz/run.sh 10         # 10 s per target
#   fuzz/run.sh 300 condition yaml_loader   # only these targets
#
# Needs a nightly toolchain and cargo-fuzz (`rustup toolchain install nightly`,
# `cargo install cargo-fuzz`). The corpora start from the shipped workflows, the compile-fail
# fixtures and (for the loader) the small OpenAPI description, and grow in fuzz/corpus/
# (git-ignored). A crash is saved in fuzz/artifacts/<target>/; replay it with
# `cargo +nightly fuzz run <target> <file>`.
# Exits 1 if any target found a crash, after running all of them.
set -uo pipefail

seconds="${1:-60}"
shift || true
if ! [[ "$seconds" =~ ^[0-9]+$ ]]; then
    echo "usage: fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]" >&2
    exit 2
fi
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(expand_document runtime_expression condition yaml_loader)
fi

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root" || exit 2

# Seeds: real documents for the document and loader targets, and the expressions and
# conditions the documents contain for the expression targets.
seed() {
    local dir="fuzz/corpus/$1"
    mkdir -p "$dir"
    shift
    for file in "$@"; do
        [ -f "$file" ] && cp "$file" "$dir/"
    done
}
seed expand_document workflows/arazzo/*.yml tests/fixtures/arazzo/*.yml
seed yaml_loader workflows/arazzo/*.yml tests/fixtures/arazzo/*.yml workflows/openapi/soracom-group-api-openapi.yml
mkdir -p fuzz/corpus/runtime_expression fuzz/corpus/condition
n=0
while IFS= read -r line; do
    n=$((n + 1))
    printf '%s' "$line" > "fuzz/corpus/runtime_expression/seed-$n"
done < <(grep -ohE '\$[a-zA-Z]+[^ ,}]*' workflows/arazzo/*.yml tests/fixtures/arazzo/*.yml | sort -u)
n=0
while IFS= read -r line; do
    n=$((n + 1))
    printf '%s' "$line" > "fuzz/corpus/condition/seed-$n"
done < <(sed -nE 's/^ *- condition: *//p; s/^ *condition: *//p' \
    workflows/arazzo/*.yml tests/fixtures/arazzo/*.yml | sort -u)

failed=()
for target in "${targets[@]}"; do
    echo "== $target: ${seconds}s"
    # -timeout: an input that takes over 10 s is reported as a hang; -rss_limit_mb: 2 GiB, so an
    # allocation blow-up is a finding rather than the machine's problem.
    if ! cargo +nightly fuzz run "$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -dict=fuzz/arazzo.dict -print_final_stats=1; then
        failed+=("$target")
    fi
done

if [ ${#failed[@]} -ne 0 ]; then
    echo "crashes in: ${failed[*]} (see fuzz/artifacts/)" >&2
    exit 1
fi
echo "no crash in: ${targets[*]}"
