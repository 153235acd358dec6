#!/usr/bin/env bash
# What the real-workbench e2e tests need, installed offline (npm registry + Debian apt only):
# Debian's Chromium (driven by playwright-core), and code-server 4.100.3 — the real VS Code
# 1.100.3 workbench and extension host, on this machine's Node 20 — in .e2e/code-server.
# Idempotent: a second run only checks. Run as root (apt).
set -euo pipefail
cd "$(dirname "$0")/.."

CODE_SERVER_VERSION=4.100.3
PREFIX="$PWD/.e2e/code-server"
TMP="$PWD/.e2e/tmp"
mkdir -p "$TMP"

# libkrb5-dev: code-server's native kerberos module builds against it; ripgrep: see below.
missing=()
for p in chromium libkrb5-dev ripgrep; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

installed=$(node -p "try { require('$PREFIX/node_modules/code-server/package.json').version } catch { '' }")
if [ "$installed" != "$CODE_SERVER_VERSION" ] || [ ! -x "$PREFIX/node_modules/.bin/code-server" ]; then
  # code-server 4.100.3 pins @vscode/ripgrep 1.15.11, whose postinstall downloads rg
  # v13.0.0-10 from GitHub unless its cache (under TMPDIR) already holds the archive:
  # fill the cache with Debian's rg.
  cache="$TMP/vscode-ripgrep-cache-1.15.11"
  mkdir -p "$cache"
  tar czf "$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C /usr/bin rg
  mkdir -p "$PREFIX"
  [ -f "$PREFIX/package.json" ] || echo '{ "name": "e2e-code-server", "private": true }' >"$PREFIX/package.json"
  echo "installing code-server@$CODE_SERVER_VERSION into .e2e/code-server (about a minute)"
  TMPDIR="$TMP" npm_config_yes=true npm_config_unsafe_perm=true npm_config_fund=false npm_config_audit=false \
    npm install --prefix "$PREFIX" --no-save --no-package-lock --no-progress --loglevel=error "code-server@$CODE_SERVER_VERSION"
fi
# --config: otherwise code-server writes ~/.config/code-server/config.yaml.
echo "code-server $("$PREFIX/node_modules/.bin/code-server" --config "$TMP/config.yaml" --version | tail -1)"

# playwright-core is a devDependency (npm ci installs it); it downloads no browser.
node -e "require.resolve('playwright-core')" || { echo "playwright-core missing: run npm ci first" >&2; exit 1; }
echo "e2e deps ready: $(chromium --version 2>/dev/null | head -1)"
