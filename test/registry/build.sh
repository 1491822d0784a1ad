#!/usr/bin/env bash
# Builds the `distribution` container registry (github.com/distribution/distribution/v3,
# cmd/registry) from Go modules: a test tool only. The OCI tests push Helm charts to it as OCI
# artifacts and trueup's OCI client (src/oci) pulls them back through the registry's own auth.
#
# The binary goes to a cache outside the checkout, keyed by the pinned version and a hash of
# go.mod/go.sum, so a fresh clone on the same machine reuses it:
#   ~/.cache/trueup/registry/<version>_src-<hash>/registry
# Prints that directory on stdout as its last line; progress goes to stderr.
#
# Usage: test/registry/build.sh [--key]   (--key: print the directory, build nothing)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MODULE=github.com/distribution/distribution/v3
VERSION="$(awk -v m="$MODULE" '$1 == m { print $2; exit } $1 == "require" && $2 == m { print $3; exit }' "$HERE/go.mod")"
[ -n "$VERSION" ] || { echo "[registry] $MODULE is not pinned in $HERE/go.mod" >&2; exit 1; }
SRC_HASH="$(cat "$HERE/go.mod" "$HERE/go.sum" | sha256sum | cut -c1-12)"
CACHE_ROOT="${TRUEUP_CACHE_DIR:-$HOME/.cache/trueup}/registry"
KEY="${VERSION}_src-${SRC_HASH}"
DIR="$CACHE_ROOT/$KEY"

for arg in "$@"; do
  case "$arg" in
    --key) echo "$DIR"; exit 0 ;;
    *) echo "usage: $0 [--key]" >&2; exit 2 ;;
  esac
done

say() { printf '[registry] %s\n' "$*" >&2; }

if [ -x "$DIR/registry" ]; then
  say "cached: $DIR"
  echo "$DIR"
  exit 0
fi

command -v go >/dev/null || { say "go is not installed; it is needed once to build the registry test tool"; exit 1; }
mkdir -p "$DIR"
# One build at a time per key, even when two test runs start together.
exec 9>"$CACHE_ROOT/$KEY.lock"
flock 9
if [ -x "$DIR/registry" ]; then
  say "built by another run: $DIR"
else
  start=$SECONDS
  say "building $MODULE/cmd/registry $VERSION (first time on this machine; a minute or two)..."
  (cd "$HERE" && CGO_ENABLED=0 GOFLAGS=-mod=readonly nice go build -trimpath \
    -ldflags "-s -w -X $MODULE/version.version=${VERSION}" \
    -o "$DIR/registry.tmp" "$MODULE/cmd/registry")
  mv "$DIR/registry.tmp" "$DIR/registry"
  say "built in $((SECONDS - start))s: $DIR"
fi
exec 9>&-
echo "$DIR"
