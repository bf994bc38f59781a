#!/usr/bin/env bash
# Fetch the MCP server packages listed in packages.txt into a scratch directory outside the
# repo (default /work/data/mcp-npm) without running any install script:
#   1. `npm pack` each package (one tarball, exact version recorded in its package.json);
#   2. unpack each into $dest/flat/node_modules/<name>;
#   3. install the dependencies most of them share once, into $dest/node_modules (Node's module
#      resolution walks up to it). A server whose other dependencies are missing fails to start
#      and is reported as failed by harvest.ts, not guessed at.
# (A full `npm install` per package took over 40 minutes per 20 packages on the shared 2-core
# build machine; this takes about 6 minutes.)
# Then: node --import tsx packages/mcp/bench/data/npm-tools/harvest.ts
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dest="${MCP_NPM_DIR:-/work/data/mcp-npm}"
mkdir -p "$dest/tarballs" "$dest/flat/node_modules"
grep -v '^#' "$here/packages.txt" | grep -v '^$' > "$dest/packages.txt"
( cd "$dest/tarballs" && xargs -P "${JOBS:-2}" -n 10 npm pack --silent --pack-destination "$dest/tarballs" < "$dest/packages.txt" > "$dest/pack.log" 2>&1 || true )
for t in "$dest"/tarballs/*.tgz; do
  d=$(mktemp -d)
  tar xzf "$t" -C "$d" 2>/dev/null || { rm -rf "$d"; continue; }
  n=$(node -e "console.log(require(process.argv[1]).name)" "$d/package/package.json" 2>/dev/null || true)
  if [ -n "$n" ] && [ ! -e "$dest/flat/node_modules/$n" ]; then mkdir -p "$dest/flat/node_modules/$(dirname "$n")"; mv "$d/package" "$dest/flat/node_modules/$n"; fi
  rm -rf "$d"
done
[ -f "$dest/package.json" ] || echo '{"private":true}' > "$dest/package.json"
npm install --prefix "$dest" --ignore-scripts --legacy-peer-deps --no-audit --no-fund --loglevel=error \
  @modelcontextprotocol/sdk zod@3 dotenv express axios zod-to-json-schema cors commander yargs node-fetch pino uuid undici \
  chalk form-data ws glob minimist yaml js-yaml ajv diff fuse.js turndown cheerio winston pino-pretty
echo "unpacked $(find "$dest/flat/node_modules" -maxdepth 2 -name package.json | wc -l) packages into $dest/flat"
