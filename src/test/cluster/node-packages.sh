#!/usr/bin/env bash
# Installs what the one-node cluster of the in-cluster tests needs on the machine, with apt-get,
# when it is missing: containerd, runc and the CNI plugins run the pods; debootstrap, umoci and
# skopeo build the operator's image without a Docker daemon; iptables leads pods to the API server.
# Needs root (the node needs it anyway); says what is missing and fails otherwise.
set -euo pipefail
declare -A wanted=(
  [containerd]=/usr/bin/containerd
  [runc]=/usr/sbin/runc
  [containernetworking-plugins]=/usr/lib/cni/bridge
  [debootstrap]=/usr/sbin/debootstrap
  [umoci]=/usr/bin/umoci
  [skopeo]=/usr/bin/skopeo
  [iptables]=/usr/sbin/iptables
)
missing=()
for package in "${!wanted[@]}"; do
  [ -x "${wanted[$package]}" ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "the in-cluster tests need these Debian packages, and cannot install them without root and apt-get: ${missing[*]}" >&2
  exit 1
fi
echo "installing ${missing[*]} (first run only)..." >&2
apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
