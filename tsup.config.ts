import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

// Run in each package's folder: its own version, so a release never ships a stale hard-coded one.
const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

// One build shape for every package: ESM + CJS + .d.ts from src/index.ts.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  treeshake: true,
  define: { __WARDEN_VERSION__: JSON.stringify(version) },
});
