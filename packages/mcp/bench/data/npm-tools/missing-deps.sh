#!/usr/bin/env bash
# After install.sh: start each unpacked server for a few seconds and list the packages it could
# not import ("Cannot find package 'x'"), then install those once into $dest/node_modules.
# Run it once or twice before harvest.ts; each round lets more servers start.
set -uo pipefail
dest="${MCP_NPM_DIR:-/work/data/mcp-npm}"
mkdir -p "$dest/home"
probe() {
  local dir=$1 bin
  bin=$(node -e "const p=require(process.argv[1]+'/package.json'); const b=typeof p.bin==='string'?p.bin:Object.values(p.bin||{})[0]; if(b) console.log(b)" "$dir" 2>/dev/null) || return 0
  [ -n "$bin" ] || return 0
  echo '{}' | (cd "$dest/home" && timeout 8 env -i PATH="$PATH" HOME="$dest/home" node "$dir/$bin" 2>&1 >/dev/null) | grep -oE "Cannot find (package|module) '[^'./][^']*'" | head -1 | sed -E "s/.*'([^']+)'/\1/"
}
export -f probe; export dest
find "$dest/flat/node_modules" -maxdepth 2 -name package.json -printf '%h\n' | xargs -P 8 -I{} bash -c 'probe {}' \
  | sed -E 's#^(@[^/]+/[^/]+|[^@/][^/]*).*#\1#' | grep -vE '^(node:|fs|path|os|url|crypto|child_process|http|https|stream|util|events)$' | sort | uniq -c | sort -rn > "$dest/missing.txt"
cut -c9- "$dest/missing.txt" | tr -d ' ' > "$dest/missing-names.txt"
echo "$(wc -l < "$dest/missing-names.txt") missing packages"
[ -s "$dest/missing-names.txt" ] && xargs npm install --prefix "$dest" --ignore-scripts --legacy-peer-deps --no-audit --no-fund --loglevel=error < "$dest/missing-names.txt"
