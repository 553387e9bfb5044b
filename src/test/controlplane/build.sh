#!/usr/bin/env bash
# Builds the control plane of the end-to-end tests (kube-apiserver, kube-controller-manager and
# etcd) and the node of the in-cluster tests (kube-scheduler and kubelet) from the Go module proxy,
# once per version, into a cache outside the work tree; prints the cache folder.
# The Kubernetes commands share one wrapper module, so they build from one set of sources.
# kubectl comes from the machine.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# The version a module requires, from its go.mod (a single require line or a require block).
required() { awk -v m="$2" '($1 == m || ($1 == "require" && $2 == m)) && $0 !~ /=>/ { print ($1 == m ? $2 : $3); exit }' "$1"; }
k8s_version=$(required "$here/kubernetes/go.mod" k8s.io/kubernetes)
etcd_version=$(required "$here/etcd/go.mod" go.etcd.io/etcd/server/v3)
if [ -z "$k8s_version" ] || [ -z "$etcd_version" ]; then
  echo "cannot read the pinned versions from the wrapper modules' go.mod" >&2
  exit 1
fi
cache="${METAL_TESTBED_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/metal-operator}/k8s/$k8s_version"
mkdir -p "$cache"

command -v go >/dev/null || { echo "go is needed to build the test control plane" >&2; exit 1; }
export CGO_ENABLED=0 GOFLAGS=-mod=mod

build() { # name, module folder, package in it, ldflags
  local name=$1 module=$2 package=$3 ldflags=$4
  if [ -x "$cache/$name" ]; then
    return
  fi
  local started=$SECONDS
  echo "building $name into $cache (first run only)..." >&2
  (cd "$module" && go build -trimpath -tags=selinux,notest -ldflags "$ldflags" -o "$cache/$name.partial" "$package")
  mv "$cache/$name.partial" "$cache/$name"
  echo "built $name in $((SECONDS - started)) s" >&2
}

minor=${k8s_version#v1.}; minor=${minor%%.*}
k8s_ldflags="-s -w \
  -X k8s.io/component-base/version.gitVersion=$k8s_version \
  -X k8s.io/component-base/version.gitMajor=1 \
  -X k8s.io/component-base/version.gitMinor=$minor \
  -X k8s.io/component-base/version.gitTreeState=clean \
  -X k8s.io/component-base/version.buildDate=1970-01-01T00:00:00Z"
for command in kube-apiserver kube-controller-manager kube-scheduler kubelet; do
  build "$command" "$here/kubernetes" "./$command" "$k8s_ldflags"
done
build etcd "$here/etcd" . "-s -w"
echo "$etcd_version" > "$cache/etcd.version"
echo "$cache"
