#!/usr/bin/env bash
# Prints the path of promtool, installing Debian's prometheus package (which carries it) when
# it is missing and this runs as root; the monitoring tests call it.
set -euo pipefail
if ! command -v promtool >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing promtool (Debian package prometheus)..." >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >&2
  else
    echo "promtool is missing: install Debian's prometheus package" >&2
    exit 1
  fi
fi
command -v promtool
