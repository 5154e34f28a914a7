#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests when it is missing.
set -euo pipefail
if [[ -n ${SETAD_CHROMIUM:-} ]] || command -v chromium >/dev/null; then exit 0; fi
echo "ensure-chromium: installing Debian's chromium for the browser tests" >&2
as_root() { if [[ $(id -u) == 0 ]]; then "$@"; else sudo "$@"; fi; }
as_root apt-get update -qq
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
