#!/usr/bin/env bash
# Builds Operator Lifecycle Manager for the OLM install test from the Go module proxy, once per
# pinned version, into a cache outside the work tree; prints the cache folder. It holds:
#   olm, catalog        OLM's two operators (run beside the test API server, as the control plane)
#   opm                 operator-registry's tool: renders the catalog, serves it in the catalog pod,
#                       and extracts bundles in OLM's unpack Job
#   cpb                 OLM's copy tool, run from inside the bundle image by the unpack Job
#   grpc_health_probe   the catalog pod's probes run it
#   crds/               OLM's CRDs, from the same OLM module version
# The versions are those of this folder's go.mod (its tool block names the commands).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
version() { awk -v m="$1" '$1 == m { print $2; exit }' "$here/go.mod"; }
olm=$(version github.com/operator-framework/operator-lifecycle-manager)
registry=$(version github.com/operator-framework/operator-registry)
if [ -z "$olm" ] || [ -z "$registry" ]; then
  echo "cannot read the pinned OLM and operator-registry versions from $here/go.mod" >&2
  exit 1
fi
key=$(cat "$here/go.mod" "$here/go.sum" "$here/build.sh" | sha256sum | cut -c1-12)
cache="${METAL_TESTBED_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/metal-operator}/olm/$olm-$registry-$key"
if [ -f "$cache/complete" ]; then
  echo "$cache"
  exit 0
fi
command -v go >/dev/null || { echo "go is needed to build OLM for the OLM install test" >&2; exit 1; }
export CGO_ENABLED=0 GOFLAGS=-mod=mod
mkdir -p "$cache"
started=$SECONDS
echo "building OLM $olm and opm $registry into $cache (first run only)..." >&2
cd "$here"
build() { # name in the cache, package, ldflags
  # containers_image_openpgp: signature checks in Go, not through the C library gpgme (no cgo here),
  # as operator-registry's own build does.
  go build -trimpath -tags containers_image_openpgp -ldflags "-s -w ${3:-}" -o "$cache/$1" "$2"
}
# The versions stamped in as the projects' own builds do, so that the operators log them.
olm_version="-X github.com/operator-framework/operator-lifecycle-manager/pkg/version.OLMVersion=$olm"
build olm github.com/operator-framework/operator-lifecycle-manager/cmd/olm "$olm_version"
build catalog github.com/operator-framework/operator-lifecycle-manager/cmd/catalog "$olm_version"
build cpb github.com/operator-framework/operator-lifecycle-manager/util/cpb
build opm github.com/operator-framework/operator-registry/cmd/opm \
  "-X github.com/operator-framework/operator-registry/cmd/opm/version.opmVersion=$registry"
build grpc_health_probe github.com/grpc-ecosystem/grpc-health-probe
# OLM's CRDs as that OLM version ships them.
rm -rf "$cache/crds"
cp -r "$(go list -m -f '{{.Dir}}' github.com/operator-framework/operator-lifecycle-manager)/deploy/chart/crds" "$cache/crds"
chmod -R u+w "$cache/crds"
touch "$cache/complete"
echo "built OLM in $((SECONDS - started)) s" >&2
echo "$cache"
