#!/usr/bin/env bash
# Builds the reference `sops` CLI (github.com/getsops/sops/v3) and `age`/`age-keygen`
# (filippo.io/age) from Go modules: test tools only. trueup's own SOPS code (src/secrets/sops)
# never runs them; the fixture generator encrypts with them and the tests compare trueup's
# decryption with `sops decrypt`.
#
# The binaries go to a cache outside the checkout, keyed by the pinned versions and a hash of
# go.mod/go.sum, so a fresh clone on the same machine reuses them:
#   ~/.cache/trueup/sops/<key>/bin/{sops,age,age-keygen}
# Prints the bin directory on stdout as its last line; progress goes to stderr.
#
# Usage: test/sops/build.sh [--key]   (--key: print the bin directory, build nothing)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SOPS_VERSION="$(awk '$1 == "github.com/getsops/sops/v3" { print $2; exit }' "$HERE/go.mod")"
AGE_VERSION="$(awk '$1 == "filippo.io/age" { print $2; exit }' "$HERE/go.mod")"
SRC_HASH="$(cat "$HERE/go.mod" "$HERE/go.sum" | sha256sum | cut -c1-12)"
CACHE_ROOT="${TRUEUP_CACHE_DIR:-$HOME/.cache/trueup}/sops"
KEY="sops-${SOPS_VERSION}_age-${AGE_VERSION}_src-${SRC_HASH}"
BIN="$CACHE_ROOT/$KEY/bin"
BINARIES=(sops age age-keygen)

for arg in "$@"; do
  case "$arg" in
    --key) echo "$BIN"; exit 0 ;;
    *) echo "usage: $0 [--key]" >&2; exit 2 ;;
  esac
done

say() { printf '[sops] %s\n' "$*" >&2; }

all_built() {
  local b
  for b in "${BINARIES[@]}"; do [ -x "$BIN/$b" ] || return 1; done
}

build() { # name, package, ldflags
  local name="$1" pkg="$2" flags="$3" start=$SECONDS
  if [ -x "$BIN/$name" ]; then say "$name: cached"; return; fi
  say "$name: building $pkg (first time on this machine; a few minutes)..."
  (cd "$HERE" && nice go build -trimpath -ldflags "$flags" -o "$BIN/$name.tmp" "$pkg")
  mv "$BIN/$name.tmp" "$BIN/$name"
  say "$name: built in $((SECONDS - start))s"
}

if all_built; then
  say "cached: $BIN"
  echo "$BIN"
  exit 0
fi

command -v go >/dev/null || { say "go is not installed; it is needed once to build the sops test tools"; exit 1; }
mkdir -p "$BIN"
# One build at a time per key, even when two test runs start together.
exec 9>"$CACHE_ROOT/$KEY.lock"
flock 9
export CGO_ENABLED=0 GOFLAGS=-mod=readonly
total=$SECONDS
build age-keygen filippo.io/age/cmd/age-keygen "-s -w -X main.Version=${AGE_VERSION}"
build age filippo.io/age/cmd/age "-s -w -X main.Version=${AGE_VERSION}"
build sops github.com/getsops/sops/v3/cmd/sops "-s -w"
say "all tools ready in $((SECONDS - total))s: $BIN"
exec 9>&-
echo "$BIN"
