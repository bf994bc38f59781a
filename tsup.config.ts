import { existsSync, readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

// Run in each package's folder: its own version, so a release never ships a stale hard-coded one.
const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

// A package with plumbing for Warden's other packages has a second entry, src/internal.ts
// (its `./internal` subpath export). The two entries then share chunks in both formats, so
// there is one copy of each module (one PolicyDeniedError class, one ModelCallSpan), not one
// per entry.
const internal = existsSync('src/internal.ts');

// One build shape for every package: ESM + CJS + .d.ts from src/index.ts (and src/internal.ts).
export default defineConfig({
  entry: internal ? ['src/index.ts', 'src/internal.ts'] : ['src/index.ts'],
  splitting: internal,
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  treeshake: true,
  define: { __WARDEN_VERSION__: JSON.stringify(version) },
});
