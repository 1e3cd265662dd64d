#!/bin/sh
# Entry point behind every npm script: makes sure dependencies are installed and the TypeScript is
# compiled (both incremental, so a second run costs about a second), then runs the command.
# It is plain sh so that `npm start` / `npm test` work on a fresh clone with nothing installed.
set -eu
cd "$(dirname "$0")/.."

command_name=${1:?usage: run.sh <command> [args...]}
shift

ensure_dependencies() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "[setup] installing npm dependencies (npm ci)" >&2
    npm ci --no-audit --no-fund --loglevel=error >&2
  fi
}

build() {
  ./node_modules/.bin/tsc -p tsconfig.json
}

ensure_dependencies
case "$command_name" in
  build) build ;;
  typecheck) exec ./node_modules/.bin/tsc -p tsconfig.json --noEmit ;;
  lint)
    ./node_modules/.bin/eslint --max-warnings=0 "$@" .
    # The layering of src/ (.dependency-cruiser.cjs): no import from a lower layer to a higher one, no cycles.
    exec ./node_modules/.bin/depcruise src --config .dependency-cruiser.cjs --output-type err
    ;;
  *)
    build
    exec node --enable-source-maps "dist/src/cli/$command_name.js" "$@"
    ;;
esac
