#!/usr/bin/env bash
# Builds the real Kubernetes control plane that trueup's tests, benchmarks and demo run
# against: kube-apiserver, kube-controller-manager, kube-scheduler (k8s.io/kubernetes),
# etcd (go.etcd.io/etcd/server/v3) and kwok (sigs.k8s.io/kwok), all from Go modules.
#
# The binaries go to a cache outside the checkout, keyed by version, so a fresh clone on
# the same machine reuses them:  ~/.cache/trueup/control-plane/<key>/bin/
# Prints the bin directory on stdout as its last line; progress goes to stderr.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
K8S_VERSION="v1.34.4"
ETCD_VERSION="v3.6.4"
KWOK_VERSION="v0.7.0"
CACHE_ROOT="${TRUEUP_CACHE_DIR:-$HOME/.cache/trueup}/control-plane"
KEY="k8s-${K8S_VERSION}_etcd-${ETCD_VERSION}_kwok-${KWOK_VERSION}"
BIN="$CACHE_ROOT/$KEY/bin"
BINARIES=(kube-apiserver kube-controller-manager kube-scheduler etcd kwok)

say() { printf '[control-plane] %s\n' "$*" >&2; }

missing=()
for b in "${BINARIES[@]}"; do [ -x "$BIN/$b" ] || missing+=("$b"); done
if [ ${#missing[@]} -eq 0 ]; then
  say "cached: $BIN"
  echo "$BIN"
  exit 0
fi

command -v go >/dev/null || { say "go is not installed; it is needed once to build the control plane"; exit 1; }
mkdir -p "$BIN"
# One build at a time per cache key, even when two test runs start together.
exec 9>"$CACHE_ROOT/$KEY.lock"
flock 9

export CGO_ENABLED=0 GOFLAGS=-mod=readonly
major="${K8S_VERSION#v}"; major="${major%%.*}"
minor="${K8S_VERSION#v*.}"; minor="${minor%%.*}"
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done

build() { # name, module dir, package
  local name="$1" dir="$2" pkg="$3" start=$SECONDS
  if [ -x "$BIN/$name" ]; then say "$name: cached"; return; fi
  say "$name: building $pkg (first time on this machine; several minutes)..."
  (cd "$dir" && go build -trimpath -ldflags "$ldflags" -o "$BIN/$name.tmp" "$pkg")
  mv "$BIN/$name.tmp" "$BIN/$name"
  say "$name: built in $((SECONDS - start))s"
}

total=$SECONDS
build kube-apiserver "$HERE" k8s.io/kubernetes/cmd/kube-apiserver
build kube-controller-manager "$HERE" k8s.io/kubernetes/cmd/kube-controller-manager
build kube-scheduler "$HERE" k8s.io/kubernetes/cmd/kube-scheduler
build etcd "$HERE" go.etcd.io/etcd/server/v3
build kwok "$HERE/kwok" sigs.k8s.io/kwok/cmd/kwok
say "all binaries ready in $((SECONDS - total))s: $BIN"
echo "$BIN"
