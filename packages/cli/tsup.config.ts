import { defineConfig, type Options } from 'tsup';
import base from '../../tsup.config';

// The library surface (ESM + CJS + .d.ts) and the `warden` executable (ESM, shebang kept from src/bin.ts).
// clean is off: the two builds share dist/ and may run concurrently.
const shared = base as Options;
export default defineConfig([
  { ...shared, entry: ['src/index.ts'], clean: false },
  { ...shared, entry: ['src/bin.ts'], format: ['esm'], dts: false, clean: false },
]);
