import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

// --expose-gc lets the stream tests prove a dropped stream's span ends when it is collected.
export default mergeConfig(shared, defineConfig({ test: { execArgv: ['--expose-gc'] } }));
