#!/usr/bin/env bash
# Builds Gitea (a Git forge with a commit-status API) from its Go module: a test tool only.
# The notification e2e tests push commits to it, let trueup sync from its HTTP Git URL and read
# back the commit statuses trueup posted; pull-request preview tests can reuse it the same way.
#
# The module declares a different path (gitea.dev) from the one it is fetched by
# (code.gitea.io/gitea), so it cannot be `go build`-ed by package path: the script downloads the
# module zip with `go mod download` and builds inside its extracted directory. The build is
# pure Go (CGO_ENABLED=0): Gitea's default SQLite driver is modernc.org/sqlite. Gitea is built
# without `bindata`, so it reads its templates/options/public files from disk: they are copied
# next to the binary, which is the work path test/gitea/gitea.ts starts it with.
#
# Output, keyed by version, outside the checkout so a fresh clone reuses it:
#   ~/.cache/trueup/gitea/<version>/{gitea,options,templates,public}
# Prints that directory on stdout as its last line; progress goes to stderr.
#
# Usage: test/gitea/build.sh [--key]   (--key: print the directory, build nothing)
set -euo pipefail

GITEA_MODULE="code.gitea.io/gitea"
GITEA_VERSION="v1.27.3"
CACHE_ROOT="${TRUEUP_CACHE_DIR:-$HOME/.cache/trueup}/gitea"
OUT="$CACHE_ROOT/$GITEA_VERSION"

for arg in "$@"; do
  case "$arg" in
    --key) echo "$OUT"; exit 0 ;;
    *) echo "usage: $0 [--key]" >&2; exit 2 ;;
  esac
done

say() { printf '[gitea] %s\n' "$*" >&2; }

built() { [ -x "$OUT/gitea" ] && [ -d "$OUT/options" ] && [ -d "$OUT/templates" ]; }

if built; then
  say "cached: $OUT"
  echo "$OUT"
  exit 0
fi

command -v go >/dev/null || { say "go is not installed; it is needed once to build the Gitea test tool"; exit 1; }
mkdir -p "$OUT"
# One build at a time per version, even when two test runs start together.
exec 9>"$CACHE_ROOT/$GITEA_VERSION.lock"
flock 9
if built; then
  say "cached (built by a concurrent run): $OUT"
  echo "$OUT"
  exit 0
fi

start=$SECONDS
say "downloading $GITEA_MODULE@$GITEA_VERSION..."
# The module cache lives outside the checkout; -json gives the extracted directory.
SRC="$(cd "${TMPDIR:-/tmp}" && GOFLAGS= go mod download -json "$GITEA_MODULE@$GITEA_VERSION" |
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
[ -d "$SRC" ] || { say "go mod download gave no module directory for $GITEA_MODULE@$GITEA_VERSION"; exit 1; }
need_go="$(awk '$1 == "go" { print $2; exit }' "$SRC/go.mod")"
say "source: $SRC (go.mod needs go $need_go; local $(go env GOVERSION))"
say "building gitea (first time on this machine; 10+ minutes on a shared machine)..."
# sqlite_unlock_notify only matters for the cgo driver; the tags match Gitea's own release
# builds so the test server behaves like a packaged one.
(cd "$SRC" && CGO_ENABLED=0 GOFLAGS=-mod=readonly nice go build -trimpath \
  -tags 'sqlite sqlite_unlock_notify' \
  -ldflags "-s -w -X main.Version=${GITEA_VERSION#v} -X 'main.Tags=sqlite sqlite_unlock_notify'" \
  -o "$OUT/gitea.tmp" .)
for dir in options templates public; do
  rm -rf "$OUT/$dir"
  cp -r "$SRC/$dir" "$OUT/$dir"
  chmod -R u+w "$OUT/$dir"
done
mv "$OUT/gitea.tmp" "$OUT/gitea"
say "built in $((SECONDS - start))s: $OUT"
exec 9>&-
echo "$OUT"
