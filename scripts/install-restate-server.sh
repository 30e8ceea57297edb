#!/usr/bin/env bash
# Installs the Restate server the durable-run tests and the fleet example start, once, into
# `.restate/` at the project's root (ignored by Git). The version is pinned: it is the one the
# `restate-sdk` crate of `arazzo-runtime`'s `restate` feature documents as supported.
# Prints the path of the `restate-server` binary.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION="1.7.12"
PREFIX=".restate"
BIN="$PREFIX/node_modules/.bin/restate-server"

if [ -x "$BIN" ] && "$BIN" --version 2>/dev/null | grep -q "$VERSION"; then
    echo "$PWD/$BIN"
    exit 0
fi

mkdir -p "$PREFIX"
npm install --silent --no-audit --no-fund --prefix "$PREFIX" "@restatedev/restate-server@$VERSION" >&2
"$BIN" --version >&2
echo "$PWD/$BIN"
