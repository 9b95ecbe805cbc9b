#!/usr/bin/env bash
# Installs what the end-to-end suite needs to drive a real VS Code: code-server
# 4.100.3 (VS Code 1.100.3) from the npm registry and Debian's Chromium, following
# ../shared/recipes/code-server.md step by step (code-server's own post-install
# script downloads ripgrep from outside and fails here, so its steps are done by hand).
#
# Idempotent: Debian packages are installed only when missing; code-server lives in
# .e2e-cache/code-server-<version>/ (git-ignored) and is rebuilt only when its
# completion marker is absent. Runs as root in CI; elsewhere, missing Debian packages
# are reported with the command to install them.
#
# Usage: test/e2e/setup.sh            (or: npm run e2e:setup)
#        TANDEM_E2E_CACHE=DIR test/e2e/setup.sh   (cache somewhere else)
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${TANDEM_E2E_CACHE:-$REPO_ROOT/.e2e-cache}"
PREFIX="$CACHE/code-server-$CODE_SERVER_VERSION"
MARKER="$PREFIX/.tandem-e2e-ready"
APT_PACKAGES=(libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config ripgrep chromium)

log() { printf '[e2e:setup] %s\n' "$*"; }

# --- 1. Debian packages -----------------------------------------------------------
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
if ((${#missing[@]} > 0)); then
  if [[ "$(id -u)" != 0 ]]; then
    log "missing Debian packages: ${missing[*]}"
    log "install them as root: apt-get update && apt-get install -y ${missing[*]}"
    exit 1
  fi
  log "installing Debian packages: ${missing[*]}"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
else
  log "Debian packages present"
fi

# --- 2. code-server ---------------------------------------------------------------
if [[ -f "$MARKER" ]]; then
  log "code-server $CODE_SERVER_VERSION ready in $PREFIX"
  exit 0
fi

log "installing code-server $CODE_SERVER_VERSION into $PREFIX (about 3 minutes)"
rm -rf "$PREFIX"
mkdir -p "$PREFIX"
# A package.json of its own, so npm installs here and never walks up into the project.
printf '{ "name": "tandem-e2e-code-server", "private": true }\n' >"$PREFIX/package.json"
(cd "$PREFIX" && npm install --no-save --no-audit --no-fund --ignore-scripts "code-server@$CODE_SERVER_VERSION")

CS="$PREFIX/node_modules/code-server"
VSCODE="$CS/lib/vscode"

log "installing VS Code's own dependencies"
(cd "$VSCODE" && npm install --omit=dev --ignore-scripts --no-audit --no-fund)
# node-pty's build script calls `npx node-gyp`, which must not stop to ask.
(cd "$VSCODE" && npm_config_yes=true npm rebuild node-pty @vscode/spdlog kerberos native-watchdog)

log "using Debian's ripgrep"
mkdir -p "$VSCODE/node_modules/@vscode/ripgrep/bin"
cp "$(command -v rg)" "$VSCODE/node_modules/@vscode/ripgrep/bin/rg"

(cd "$VSCODE" && ln -sfn node_modules node_modules.asar)
(cd "$VSCODE/bin/remote-cli" && ln -sfn code-linux.sh code-server)
(cd "$VSCODE/bin/helpers" && ln -sfn browser-linux.sh browser.sh)

log "installing the built-in extensions' dependencies"
(cd "$VSCODE/extensions" && npm install --omit=dev --ignore-scripts --no-audit --no-fund)

(cd "$PREFIX" && npm_config_yes=true npm rebuild argon2)

"$PREFIX/node_modules/.bin/code-server" --version >/dev/null
touch "$MARKER"
log "code-server $CODE_SERVER_VERSION ready in $PREFIX"
