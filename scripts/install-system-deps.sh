#!/usr/bin/env bash
# System packages the project needs on a fresh Debian machine (run as root).
# The unit and integration tests need none today; the list grows with the e2e suite.
set -euo pipefail
PACKAGES=()
if [ ${#PACKAGES[@]} -eq 0 ]; then exit 0; fi
missing=()
for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
