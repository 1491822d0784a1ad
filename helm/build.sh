#!/usr/bin/env bash
# Builds trueup's Helm engine (helm/wasm, Helm's own Go code for GOOS=wasip1) and, for tests
# and benchmarks only, the reference `helm` binary from the same Helm module version.
#
# Output goes to a cache outside the checkout, keyed by the Helm version and a hash of the
# engine's sources, so a fresh clone on the same machine reuses it:
#   ~/.cache/trueup/helm/<key>/helm-engine.wasm   (loaded by src/helm)
#   ~/.cache/trueup/helm/<key>/helm               (reference CLI; with --with-reference: a link
#                                                  to helm-<version>_reference/helm, which only a
#                                                  new Helm version rebuilds, not an engine change)
# Prints the directory on stdout as its last line; progress goes to stderr.
#
# Usage: helm/build.sh [--with-reference] [--key]   (--key: print the directory, build nothing)
set -euo pipefail

export LC_ALL=C  # the *.go glob below sorts bytewise, as src/helm/locate.ts does
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC="$HERE/wasm"
HELM_VERSION="$(awk '$1 == "helm.sh/helm/v3" { print $2; exit }' "$SRC/go.mod")"
CLIENT_GO="$(awk '$1 == "k8s.io/client-go" { print $2; exit }' "$SRC/go.mod")"
# The engine's sources (and this script's link flags) decide the key too: a change must not
# reuse an old build.
SRC_HASH="$(cd "$SRC" && cat go.mod go.sum ./*.go ../build.sh | sha256sum | cut -c1-12)"
CACHE_ROOT="${TRUEUP_CACHE_DIR:-$HOME/.cache/trueup}/helm"
KEY="helm-${HELM_VERSION}_src-${SRC_HASH}"
OUT="$CACHE_ROOT/$KEY"
WASM="$OUT/helm-engine.wasm"
REF="$OUT/helm"
REF_BUILT="$CACHE_ROOT/helm-${HELM_VERSION}_reference/helm"

with_reference=0
for arg in "$@"; do
  case "$arg" in
    --with-reference) with_reference=1 ;;
    --key) echo "$OUT"; exit 0 ;;
    *) echo "usage: $0 [--with-reference] [--key]" >&2; exit 2 ;;
  esac
done

say() { printf '[helm] %s\n' "$*" >&2; }

ready() { [ -f "$WASM" ] && { [ "$with_reference" = 0 ] || [ -x "$REF" ]; }; }
if ready; then
  say "cached: $OUT"
  echo "$OUT"
  exit 0
fi

command -v go >/dev/null || { say "go is not installed; it is needed once to build the Helm engine (https://go.dev/dl/)"; exit 1; }
mkdir -p "$OUT"
# One build at a time per key, even when two test runs start together.
exec 9>"$CACHE_ROOT/$KEY.lock"
flock 9

# The same link-time settings as Helm's Makefile, so .Capabilities (Helm version, default
# Kubernetes version from the client-go it was built with) is the same in both builds.
minor="${CLIENT_GO#v0.}"; minor="${minor%%.*}"
ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=${HELM_VERSION}"
ldflags+=" -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=${minor}"
ldflags+=" -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=${minor}"
export CGO_ENABLED=0 GOFLAGS=-mod=readonly

total=$SECONDS
if [ ! -f "$WASM" ]; then
  say "engine: building Helm ${HELM_VERSION} for wasip1 (first time on this machine; a few minutes)..."
  start=$SECONDS
  (cd "$SRC" && GOOS=wasip1 GOARCH=wasm nice go build -buildmode=c-shared -trimpath -ldflags "$ldflags" -o "$WASM.tmp" .)
  mv "$WASM.tmp" "$WASM"
  say "engine: built in $((SECONDS - start))s ($(du -h "$WASM" | cut -f1))"
fi
if [ "$with_reference" = 1 ] && [ ! -x "$REF_BUILT" ]; then
  say "reference helm: building helm.sh/helm/v3/cmd/helm ${HELM_VERSION} (a test tool; a few minutes)..."
  start=$SECONDS
  mkdir -p "$(dirname "$REF_BUILT")"
  (cd "$SRC" && nice go build -trimpath -ldflags "$ldflags" -o "$REF_BUILT.tmp" helm.sh/helm/v3/cmd/helm)
  mv "$REF_BUILT.tmp" "$REF_BUILT"
  say "reference helm: built in $((SECONDS - start))s"
fi
if [ "$with_reference" = 1 ] && [ ! -x "$REF" ]; then
  ln -sfn "$REF_BUILT" "$REF"
fi
say "ready in $((SECONDS - total))s: $OUT"
echo "$OUT"
