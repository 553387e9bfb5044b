#!/usr/bin/env bash
# The OLM bundle of deploy/olm, made and checked with operator-framework's own Go API
# (github.com/operator-framework/api, from the Go module proxy):
#   bundle.sh generate OUT [OVERLAY]
#                            writes the bundle generated from deploy/ and src/main/olm into OUT;
#                            from the kustomize folder OVERLAY instead of deploy/overlays/builtin-boot
#                            when given (the tests' fixtures)
#   bundle.sh validate DIR   runs operator-framework's validators over the bundle in DIR
# The tool is built once per source version into a cache outside the work tree.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
command -v go >/dev/null || { echo "go is needed to build the OLM bundle tool" >&2; exit 1; }

sum=$(cat "$here/go.mod" "$here/go.sum" "$here/main.go" | sha256sum | cut -c1-16)
cache="${METAL_TESTBED_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/metal-operator}/olmbundle/$sum"
tool="$cache/olmbundle"
if [ ! -x "$tool" ]; then
  mkdir -p "$cache"
  started=$SECONDS
  echo "building the OLM bundle tool into $cache (first run only)..." >&2
  (cd "$here" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -o "$tool.partial" .)
  mv "$tool.partial" "$tool"
  echo "built the OLM bundle tool in $((SECONDS - started)) s" >&2
fi

case "${1:-}" in
  generate)
    out=${2:?usage: bundle.sh generate OUT [OVERLAY]}
    overlay=${3:-$root/deploy/overlays/builtin-boot}
    # The bundle's version is the project's, without a -SNAPSHOT suffix.
    version=$(sed -n 's:^  <version>\(.*\)</version>$:\1:p' "$root/pom.xml" | head -1)
    version=${version%-SNAPSHOT}
    rendered=$(mktemp)
    trap 'rm -f "$rendered"' EXIT
    # The bundle installs what the built-in boot overlay installs.
    kubectl kustomize "$overlay" > "$rendered"
    "$tool" generate -base "$root/src/main/olm/csv-base.yaml" -icon "$root/src/main/olm/icon.svg" \
      -crds "$root/deploy/crds" -rendered "$rendered" \
      -examples "$root/deploy/samples,$root/src/main/olm/examples" -version "$version" -out "$out"
    ;;
  validate)
    "$tool" validate "${2:?usage: bundle.sh validate DIR}"
    ;;
  *)
    echo "usage: bundle.sh generate OUT | validate DIR" >&2
    exit 2
    ;;
esac
