#!/usr/bin/env bash
# Builds the real Kubernetes control plane that trueup's tests, benchmarks and demo run
# against: kube-apiserver, kube-controller-manager, kube-scheduler (k8s.io/kubernetes),
# etcd (go.etcd.io/etcd/server/v3) and kwok (sigs.k8s.io/kwok), all from Go modules; and
# metrics-server (sigs.k8s.io/metrics-server), the resource metrics API behind HPAs and
# `kubectl top`.
#
# The binaries go to a cache outside the checkout, keyed by version, so a fresh clone on
# the same machine reuses them:  ~/.cache/trueup/control-plane/<key>/bin/
# metrics-server has a key of its own (metrics-server-<version>), so bumping it rebuilds only it.
# Prints two lines on stdout: the metrics-server bin directory, then the control plane's bin
# directory as the last line. Progress goes to stderr.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
K8S_VERSION="v1.34.4"
ETCD_VERSION="v3.6.4"
KWOK_VERSION="v0.7.0"
METRICS_SERVER_VERSION="v0.8.1"
CACHE_ROOT="${TRUEUP_CACHE_DIR:-$HOME/.cache/trueup}/control-plane"
KEY="k8s-${K8S_VERSION}_etcd-${ETCD_VERSION}_kwok-${KWOK_VERSION}"
BIN="$CACHE_ROOT/$KEY/bin"
BINARIES=(kube-apiserver kube-controller-manager kube-scheduler etcd kwok)
MS_KEY="metrics-server-${METRICS_SERVER_VERSION}"
MS_BIN="$CACHE_ROOT/$MS_KEY/bin"

say() { printf '[control-plane] %s\n' "$*" >&2; }

all_built() { # dir, binaries...
  local dir="$1" b
  shift
  for b in "$@"; do [ -x "$dir/$b" ] || return 1; done
}

need_go() {
  command -v go >/dev/null || { say "go is not installed; it is needed once to build the control plane"; exit 1; }
}

build() { # name, module dir, package, bin dir, ldflags
  local name="$1" dir="$2" pkg="$3" bin="$4" flags="$5" start=$SECONDS
  if [ -x "$bin/$name" ]; then say "$name: cached"; return; fi
  say "$name: building $pkg (first time on this machine; several minutes)..."
  (cd "$dir" && go build -trimpath -ldflags "$flags" -o "$bin/$name.tmp" "$pkg")
  mv "$bin/$name.tmp" "$bin/$name"
  say "$name: built in $((SECONDS - start))s"
}

export CGO_ENABLED=0 GOFLAGS=-mod=readonly
major="${K8S_VERSION#v}"; major="${major%%.*}"
minor="${K8S_VERSION#v*.}"; minor="${minor%%.*}"
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done

if all_built "$BIN" "${BINARIES[@]}"; then
  say "cached: $BIN"
else
  need_go
  mkdir -p "$BIN"
  # One build at a time per cache key, even when two test runs start together.
  exec 9>"$CACHE_ROOT/$KEY.lock"
  flock 9
  total=$SECONDS
  build kube-apiserver "$HERE" k8s.io/kubernetes/cmd/kube-apiserver "$BIN" "$ldflags"
  build kube-controller-manager "$HERE" k8s.io/kubernetes/cmd/kube-controller-manager "$BIN" "$ldflags"
  build kube-scheduler "$HERE" k8s.io/kubernetes/cmd/kube-scheduler "$BIN" "$ldflags"
  build etcd "$HERE" go.etcd.io/etcd/server/v3 "$BIN" "$ldflags"
  build kwok "$HERE/kwok" sigs.k8s.io/kwok/cmd/kwok "$BIN" "$ldflags"
  say "all binaries ready in $((SECONDS - total))s: $BIN"
  exec 9>&-
fi

if all_built "$MS_BIN" metrics-server; then
  say "cached: $MS_BIN"
else
  need_go
  mkdir -p "$MS_BIN"
  exec 8>"$CACHE_ROOT/$MS_KEY.lock"
  flock 8
  # metrics-server reads its version from client-go's version package, as its Makefile sets it.
  ms_ldflags="-s -w -X k8s.io/client-go/pkg/version.gitVersion=$METRICS_SERVER_VERSION"
  ms_ldflags+=" -X k8s.io/client-go/pkg/version.buildDate=1970-01-01T00:00:00Z"
  build metrics-server "$HERE/metrics-server" sigs.k8s.io/metrics-server/cmd/metrics-server "$MS_BIN" "$ms_ldflags"
  exec 8>&-
fi
echo "$MS_BIN"
echo "$BIN"
