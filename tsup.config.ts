import { defineConfig } from 'tsup';

// One build shape for every package: ESM + CJS + .d.ts from src/index.ts.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  treeshake: true,
});
