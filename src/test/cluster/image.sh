#!/usr/bin/env bash
# Builds the images of the in-cluster tests without a Docker daemon and pushes them to the
# registry at $1 (host:port, plain HTTP): the operator, and the pod sandbox's pause image.
# Prints the two references, one a line, and then the cached OCI layout of the operator's base
# (tag "base"), on which other test images (OLM's) are built.
#
# The operator's image is, as $3 says:
#   jvm     (the default) the fast-jar of target/quarkus-app/ on a JRE, as Dockerfile.jvm;
#   native  the native executable target/*-runner (./mvnw package -Pnative) on a base with glibc,
#           zlib and CA certificates only, as Dockerfile.native.
#
# The bases (Debian's minbase by debootstrap, with openjdk-17-jre-headless for the JVM) and the
# pause binary are built once and cached outside the work tree, keyed by what they are made from;
# each run adds only the application layer.
set -euo pipefail
registry=$1
work=$2   # a folder of the test run for the image layouts
kind=${3:-jvm}
case "$kind" in
  jvm)
    app=target/quarkus-app
    [ -f "$app/quarkus-run.jar" ] || { echo "$app/quarkus-run.jar is missing: run after package" >&2; exit 1; }
    packages=openjdk-17-jre-headless ;;
  native)
    runners=(target/*-runner)
    [ -f "${runners[0]}" ] || { echo "no native executable (target/*-runner): run after package -Pnative" >&2; exit 1; }
    packages=ca-certificates ;;
  *) echo "image kind: jvm or native, not $kind" >&2; exit 2 ;;
esac
cache="${METAL_TESTBED_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/metal-operator}/images"
suite=bookworm
mirror=http://deb.debian.org/debian

# The base as a one-layer OCI layout, tagged "base".
build_base() { # layout folder
  local layout=$1 bundle=$1.bundle
  umoci init --layout "$layout"
  umoci new --image "$layout:base"
  umoci unpack --image "$layout:base" "$bundle" >/dev/null
  debootstrap --variant=minbase --include="$packages" "$suite" "$bundle/rootfs" "$mirror" >&2
  # Nothing a running JRE reads: package caches and lists, documentation.
  rm -rf "$bundle"/rootfs/var/cache/apt/archives/*.deb "$bundle"/rootfs/var/lib/apt/lists/* \
    "$bundle"/rootfs/usr/share/doc "$bundle"/rootfs/usr/share/man "$bundle"/rootfs/usr/share/info
  umoci repack --image "$layout:base" "$bundle"
  rm -rf "$bundle"
}

# The pause binary of Kubernetes' own pause image, from the k8s.io/kubernetes module that
# build.sh downloaded, linked statically: the pod sandbox runs it and nothing else.
build_pause() { # layout folder, pause.c
  local layout=$1 source=$2
  mkdir -p "$layout.bin"
  gcc -Os -static -DVERSION=test -o "$layout.bin/pause" "$source"
  umoci init --layout "$layout"
  umoci new --image "$layout:pause"
  umoci insert --image "$layout:pause" "$layout.bin/pause" /pause >/dev/null
  umoci config --image "$layout:pause" --config.entrypoint /pause --config.user 65535:65535
  rm -rf "$layout.bin"
}

cached() { # name, key, builder, builder arguments...: the cached layout, built first if needed
  local name=$1 key=$2 builder=$3; shift 3
  local layout="$cache/$name-$key"
  if [ ! -d "$layout" ]; then
    local started=$SECONDS partial
    partial="$layout.partial.$$"
    echo "building the $name image into $layout (first run only)..." >&2
    rm -rf "$partial" "$partial.bundle" "$partial.bin"
    mkdir -p "$cache"
    "$builder" "$partial" "$@"
    mv -T "$partial" "$layout" 2>/dev/null || rm -rf "$partial"   # another run built it meanwhile
    echo "built the $name image in $((SECONDS - started)) s" >&2
  fi
  echo "$layout"
}

key() { printf '%s\n' "$@" | sha256sum | cut -c1-16; }

base_name=jre-base
if [ "$kind" = native ]; then base_name=native-base; fi
base=$(cached "$base_name" "$(key "$(declare -f build_base)" "$suite" "$mirror" "$packages" "$(uname -m)")" build_base)

k8s=$(awk '$1 == "k8s.io/kubernetes" && $0 !~ /=>/ { print $2; exit }' src/test/controlplane/kubernetes/go.mod)
pause_source="$(go env GOMODCACHE)/k8s.io/kubernetes@$k8s/build/pause/linux/pause.c"
[ -f "$pause_source" ] || (cd src/test/controlplane/kubernetes && GOFLAGS=-mod=mod go mod download k8s.io/kubernetes)
pause=$(cached pause "$(key "$(declare -f build_pause)" "$(sha256sum < "$pause_source")" "$(uname -m)")" build_pause "$pause_source")

# The operator: the cached base, hard-linked (umoci only adds blobs), and the application layer.
layout="$work/operator"
rm -rf "$layout"
mkdir -p "$layout"
cp -al "$base/blobs" "$layout/blobs"
cp "$base/index.json" "$base/oci-layout" "$layout/"
if [ "$kind" = jvm ]; then
  umoci insert --image "$layout:base" "$app" /deployments >/dev/null
  # As Dockerfile.jvm: user 185 by number, for the pod's runAsNonRoot; the heap 80 % of the memory limit.
  umoci config --image "$layout:base" --config.user 185 --config.workingdir /deployments \
    --config.env JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=80.0 -Djava.util.logging.manager=org.jboss.logmanager.LogManager" \
    --config.entrypoint java --config.cmd -jar --config.cmd /deployments/quarkus-run.jar
else
  umoci insert --image "$layout:base" "${runners[0]}" /app/metal-operator >/dev/null
  # As Dockerfile.native: user 1001 by number, the executable as the entrypoint.
  umoci config --image "$layout:base" --config.user 1001 --config.workingdir /app --config.entrypoint /app/metal-operator
fi

tag="test-$kind-$(date +%s)"
skopeo copy -q --dest-tls-verify=false "oci:$layout:base" "docker://$registry/metal-operator:$tag" >&2
skopeo copy -q --dest-tls-verify=false "oci:$pause:pause" "docker://$registry/pause:test" >&2
echo "$registry/metal-operator:$tag"
echo "$registry/pause:test"
echo "$base"
