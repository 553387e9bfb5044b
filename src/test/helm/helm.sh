#!/usr/bin/env bash
# Prints the path of the helm command the chart tests use, building it from the Go module proxy
# (helm.sh/helm/v3's cmd/helm, at the version go.mod pins as a tool) once per version into a cache
# outside the work tree, as the control plane's build.sh does.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
command -v go >/dev/null || { echo "go is needed to build helm" >&2; exit 1; }
version=$(awk '$1 == "helm.sh/helm/v3" { print $2; exit }' "$here/go.mod")
if [ -z "$version" ]; then
  echo "cannot read the pinned helm version from $here/go.mod" >&2
  exit 1
fi
cache="${METAL_TESTBED_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/metal-operator}/helm/$version"
if [ ! -x "$cache/helm" ]; then
  mkdir -p "$cache"
  started=$SECONDS
  echo "building helm $version into $cache (first run only)..." >&2
  # helm stamps its version through ldflags; without it `helm version` says v3 with no patch level.
  (cd "$here" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath \
    -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$version" \
    -o "$cache/helm.partial" helm.sh/helm/v3/cmd/helm)
  mv "$cache/helm.partial" "$cache/helm"
  echo "built helm in $((SECONDS - started)) s" >&2
fi
echo "$cache/helm"
