import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
export declare const POISONS: Record<string, [string, Record<string, unknown>]>;
export declare function createFixtureServer(options?: { variant?: string; name?: string; version?: string }): McpServer;
export declare function startHttpFixture(options?: { variant?: string; name?: string; version?: string }): Promise<{ url: string; close(): Promise<void> }>;
