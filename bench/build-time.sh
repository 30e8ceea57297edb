#!/usr/bin/env bash
# What `arazzo_workflow!` costs a build: generates a throwaway crate in a temp dir that expands
# 10 workflows (the seed workflow under 10 workflowIds, one macro call each) against one large
# OpenAPI description, and times `cargo build` of it in a debug build with three profiles:
#
#   default       the proc macro runs unoptimised
#   build-override
#                 [profile.dev.build-override]
#                 opt-level = 3          (every proc macro and build script optimised)
#   generator     [profile.dev.package.arazzo-codegen]
#                 opt-level = 3
#                 [profile.dev.package.saphyr-parser]
#                 opt-level = 3          (only the generator and its YAML parser optimised)
#
# For each: a clean build (every dependency), then rebuilds after touching one workflow
# file (only the crate itself: all 10 macro calls run again, in one compiler process), against
# the large description and, as a control, against the project's SIM description.
#
#   bench/build-time.sh [DESCRIPTION]
#
# DESCRIPTION defaults to $ARAZZO_BENCH_OPENAPI; without either, a synthetic description of about
# 1 MB is generated. It must have the seed's operations (registerSim, activateSim, setSimGroup,
# getSim) and their `api_key` / `api_token` security schemes. REBUILDS (default 3) sets the
# number of timed rebuilds; the median is printed. KEEP=1 keeps the temp dir.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
description="${1:-${ARAZZO_BENCH_OPENAPI:-}}"
rebuilds="${REBUILDS:-3}"
work="$(mktemp -d "${TMPDIR:-/tmp}/arazzo-build-time.XXXXXX")"
if [[ "${KEEP:-0}" != 1 ]]; then
  trap 'rm -rf "$work"' EXIT
fi

seed="$repo/workflows/arazzo/soracom-register-and-activate-sim-workflow.yml"
small="$repo/workflows/openapi/soracom-sim-api-openapi.yml"
mkdir -p "$work/openapi"

if [[ -n "$description" ]]; then
  cp "$description" "$work/openapi/large.yaml"
  label="$(basename "$description")"
else
  # About 1 MB: the seed's four operations and their Sim schema, then 720 more operations, each
  # with parameters, responses and an object schema of its own.
  cargo run -q --release --manifest-path "$repo/Cargo.toml" -p arazzo-codegen \
    --example synthetic_openapi -- 720 \
    > "$work/openapi/large.yaml"
  label="synthetic"
fi
cp "$small" "$work/openapi/small.yaml"
size_kib=$(( $(wc -c < "$work/openapi/large.yaml") / 1024 ))

# One crate per (profile, description); the two descriptions of a profile share a target dir.
make_crate() { # dir description-file profile
  local dir="$1" api="$2" profile="$3"
  local name="build-time-${api%.yaml}"
  # The macro reads only files inside the crate.
  mkdir -p "$dir/src" "$dir/arazzo" "$dir/openapi"
  cp "$work/openapi/$api" "$dir/openapi/$api"
  {
    echo '[package]'
    echo "name = \"$name\""
    echo 'version = "0.0.0"'
    echo 'edition = "2024"'
    echo 'publish = false'
    echo
    echo '[dependencies]'
    echo "arazzo-runtime = { path = \"$repo/arazzo-runtime\" }"
    echo
    echo '[workspace]'
    case "$profile" in
      build-override)
        printf '\n[profile.dev.build-override]\nopt-level = 3\n'
        ;;
      generator)
        printf '\n[profile.dev.package.arazzo-codegen]\nopt-level = 3\n'
        printf '\n[profile.dev.package.saphyr-parser]\nopt-level = 3\n'
        ;;
    esac
  } > "$dir/Cargo.toml"
  cp "$repo/Cargo.lock" "$dir/Cargo.lock"
  : > "$dir/src/lib.rs"
  for i in $(seq 1 10); do
    sed -e "s#\.\./openapi/soracom-sim-api-openapi\.yml#../openapi/$api#" \
        -e "s#workflowId: register-and-activate-sim#workflowId: register-and-activate-sim-$i#" \
        "$seed" > "$dir/arazzo/workflow-$i.yml"
    printf 'pub mod w%s {\n    arazzo_runtime::arazzo_workflow!("arazzo/workflow-%s.yml");\n}\n' "$i" "$i" >> "$dir/src/lib.rs"
  done
}

seconds() { # command... -> wall seconds
  local start end
  start=$(date +%s.%N)
  "$@" > "$work/last.log" 2>&1 || { cat "$work/last.log" >&2; return 1; }
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f\n", b - a }'
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "10 workflows against $label ($size_kib KiB); $(nproc) cores; $(rustc --version)"
printf '%-37s %14s %22s %22s\n' "profile" "clean build s" "rebuild, large desc. s" "rebuild, SIM desc. s"
for profile in default build-override generator; do
  case "$profile" in
    default) name="default (macro unoptimised)" ;;
    build-override) name="build-override opt-level = 3" ;;
    generator) name="arazzo-codegen + saphyr-parser at 3" ;;
  esac
  export CARGO_TARGET_DIR="$work/target-$profile"
  make_crate "$work/crate-$profile-large" large.yaml "$profile"
  make_crate "$work/crate-$profile-small" small.yaml "$profile"
  clean=$(cd "$work/crate-$profile-large" && seconds cargo build)
  # Dependencies are built now: the control crate's first build only compiles itself.
  (cd "$work/crate-$profile-small" && seconds cargo build > /dev/null)
  large=() small=()
  for _ in $(seq 1 "$rebuilds"); do
    touch "$work/crate-$profile-large/arazzo/workflow-1.yml"
    large+=("$(cd "$work/crate-$profile-large" && seconds cargo build)")
    touch "$work/crate-$profile-small/arazzo/workflow-1.yml"
    small+=("$(cd "$work/crate-$profile-small" && seconds cargo build)")
  done
  printf '%-37s %14.1f %22.2f %22.2f\n' "$name" "$clean" \
    "$(printf '%s\n' "${large[@]}" | median)" "$(printf '%s\n' "${small[@]}" | median)"
  unset CARGO_TARGET_DIR
  # Each profile's artifacts take a few hundred MB: gone once measured.
  [[ "${KEEP:-0}" == 1 ]] || rm -rf "$work/target-$profile"
done
