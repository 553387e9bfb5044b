#!/usr/bin/env bash
# Builds the images of the OLM install test without a Docker daemon and pushes them to the
# registry at $1 (host:port, plain HTTP); prints their references, one a line, in this order:
#   bundle    deploy/olm as bundle.Dockerfile describes it: FROM scratch, manifests/ and
#             metadata/, and the bundle labels
#   olm       OLM's binaries from build.sh (olm, catalog, opm, cpb, grpc_health_probe) on the base
#             layout $4 (a Debian minbase: OLM's unpack Job runs /bin/cp from it); it serves as
#             OLM's operators' image, the catalog operator's --util-image and --opmImage
#   catalog   a file-based catalog of the one bundle, rendered by opm from the pushed bundle image
#             and served by `opm serve` (the olm image plus /configs)
# Arguments: REGISTRY WORK OLM-BUILD BASE-LAYOUT[:TAG] BUNDLE-DIR VERSION
set -euo pipefail
registry=$1
work=$2      # a folder of the test run for the layouts
olm=$3       # build.sh's cache folder
base=$4      # an OCI layout with the tag "base"
bundle=$5    # deploy/olm
version=$6   # the bundle's version, as its CSV names it
package=metal-operator
channel=candidate
tag="test-$(date +%s)"
push() { skopeo copy -q --dest-tls-verify=false "oci:$1" "docker://$2" >&2; }
rm -rf "$work"
mkdir -p "$work"

# The bundle: its labels are the annotations of metadata/annotations.yaml, as bundle.Dockerfile has them.
umoci init --layout "$work/bundle"
umoci new --image "$work/bundle:bundle"
umoci insert --image "$work/bundle:bundle" "$bundle/manifests" /manifests >/dev/null
umoci insert --image "$work/bundle:bundle" "$bundle/metadata" /metadata >/dev/null
labels=()
while read -r key value; do
  labels+=(--config.label "${key%:}=$value")
done < <(sed -n 's/^  \(operators\.operatorframework\.io\.[^ ]*\) \(.*\)$/\1 \2/p' "$bundle/metadata/annotations.yaml")
umoci config --image "$work/bundle:bundle" "${labels[@]}"
bundle_ref="$registry/$package-bundle:v$version-$tag"
push "$work/bundle:bundle" "$bundle_ref"

# OLM's image: the base's blobs hard-linked (umoci only adds blobs), one layer with the binaries.
# cpb goes to /usr/bin (the unpack Job copies /bin/cpb; /bin is /usr/bin in the base).
layout="$work/olm"
mkdir -p "$layout" "$work/olm-bin"
cp -al "${base%:*}/blobs" "$layout/blobs"
cp "${base%:*}/index.json" "${base%:*}/oci-layout" "$layout/"
cp "$olm/olm" "$olm/catalog" "$olm/opm" "$olm/cpb" "$olm/grpc_health_probe" "$work/olm-bin/"
umoci insert --image "$layout:base" "$work/olm-bin" /usr/bin >/dev/null
olm_ref="$registry/olm:$tag"
push "$layout:base" "$olm_ref"

# The file-based catalog: the package, its channel, and the bundle as opm renders it from the registry.
mkdir -p "$work/configs/$package"
{
  printf 'schema: olm.package\nname: %s\ndefaultChannel: %s\n---\n' "$package" "$channel"
  # opm's YAML output begins each document with ---.
  printf 'schema: olm.channel\npackage: %s\nname: %s\nentries:\n  - name: %s.v%s\n' "$package" "$channel" "$package" "$version"
  HOME="$work" "$olm/opm" render "$bundle_ref" --use-http -o yaml
} > "$work/configs/$package/catalog.yaml"
"$olm/opm" validate "$work/configs" >&2
# The serving cache built here, as catalog images built by opm carry it: opm serve checks it
# against /configs at start and refuses to serve without it.
"$olm/opm" serve "$work/configs" --cache-dir="$work/cache" --cache-only >&2
umoci insert --image "$layout:base" "$work/configs" /configs >/dev/null
umoci insert --image "$layout:base" "$work/cache" /cache >/dev/null
# As operator-registry's own catalog images: opm serves /configs; a user of its own, not root.
umoci config --image "$layout:base" --config.user 1001 --config.entrypoint /usr/bin/opm \
  --config.cmd serve --config.cmd /configs --config.cmd --cache-dir=/cache \
  --config.label operators.operatorframework.io.index.configs.v1=/configs
catalog_ref="$registry/$package-catalog:$tag"
push "$layout:base" "$catalog_ref"

echo "$bundle_ref"
echo "$olm_ref"
echo "$catalog_ref"
