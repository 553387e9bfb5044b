#!/usr/bin/env bash
# Prints the path of the OCI registry the boot service tests push their images to, installing
# Debian's docker-registry package when it is missing and this runs as root. Whether or not the
# machine starts the package's own service, the tests do not use it: each test run starts a
# registry of its own on a loopback port and stops it at the end.
set -euo pipefail
if ! command -v docker-registry >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing the OCI registry (Debian package docker-registry)..." >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-registry >&2
  else
    echo "docker-registry is missing: install Debian's docker-registry package" >&2
    exit 1
  fi
fi
command -v docker-registry
