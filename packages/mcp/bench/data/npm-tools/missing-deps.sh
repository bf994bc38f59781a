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
find "$dest/flat/node_modules" -maxdepth 2 -name package.json -printf '%h\n' | xargs -P "${JOBS:-2}" -I{} bash -c 'probe {}' \
  | sed -E 's#^(@[^/]+/[^/]+|[^@/][^/]*).*#\1#' | grep -vE '^(node:|fs|path|os|url|crypto|child_process|http|https|stream|util|events)$' | sort | uniq -c | sort -rn > "$dest/missing.txt"
cut -c9- "$dest/missing.txt" | tr -d ' ' > "$dest/missing-names.txt"
echo "$(wc -l < "$dest/missing-names.txt") missing packages"
# Native modules and ones that need a browser download are left out (install scripts never run).
grep -vxE 'sqlite3|better-sqlite3|@nut-tree-fork/nut-js|lighthouse' "$dest/missing-names.txt" > "$dest/wanted.txt" || true
# One npm call for all; a name the registry does not know (a private or platform-only package)
# fails the whole call with a 404, so it is dropped and the call retried (at most 5 times).
for _ in 1 2 3 4 5; do
  [ -s "$dest/wanted.txt" ] || break
  out=$(xargs npm install --prefix "$dest" --ignore-scripts --legacy-peer-deps --no-audit --no-fund --loglevel=error < "$dest/wanted.txt" 2>&1) && break
  bad=$(echo "$out" | grep -oE "'[^' ]+@[^' ]*' (could not be found|is not in this registry)" | sed -E "s/'(@?[^@']+)@.*/\1/" | head -1)
  [ -n "$bad" ] || { echo "$out" | tail -3; break; }
  echo "not in the registry, dropped: $bad"
  grep -vxF "$bad" "$dest/wanted.txt" > "$dest/wanted.tmp"; mv "$dest/wanted.tmp" "$dest/wanted.txt"
done
