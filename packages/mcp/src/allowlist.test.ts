import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { onWardenEvent, type WardenEvent } from '@warden/core';
import { DrillCollector, generateEd25519KeyPair, runInDrill } from '@warden/core/internal';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { McpAllowlist, signAllowlist, writeAllowlist } from './allowlist';
import { runMcpOnboardingDrill } from './drill';
import { McpServerBlockedError } from './errors';
import { MemoryPinStore } from './pin-store';
import { forgetOnboardingSettings, registerOnboardingSettings } from './server-registry';
import { toolSignatureHash } from './signature';
import { wrapMcpClient, type WrapMcpClientOptions } from './wrap-mcp-client';

const org = generateEd25519KeyPair();
const other = generateEd25519KeyPair();
const events: WardenEvent[] = [];
let off: () => void;
beforeAll(() => {
  off = onWardenEvent((e) => events.push(e));
});
afterAll(() => off());
afterEach(() => {
  events.length = 0;
  forgetOnboardingSettings();
});

const DOCS_TOOL = { name: 'search_docs', description: 'Searches the product documentation.' };

async function connect(opts: WrapMcpClientOptions, description = DOCS_TOOL.description) {
  const server = new McpServer({ name: 'docs', version: '1.0.0' });
  let ran = 0;
  server.registerTool(DOCS_TOOL.name, { description }, async () => {
    ran++;
    return { content: [{ type: 'text' as const, text: 'found' }] };
  });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(b);
  const client = wrapMcpClient(new Client({ name: 'app', version: '1.0.0' }), { pins: new MemoryPinStore(), serverIdentity: 'docs-server', ...opts });
  await client.connect(a);
  return { client, ran: () => ran, close: () => client.close() };
}

function allowlistFor(description = DOCS_TOOL.description): McpAllowlist {
  const file = signAllowlist(
    {
      'docs-server': {
        name: 'docs',
        tools: { [DOCS_TOOL.name]: toolSignatureHash({ name: DOCS_TOOL.name, description, inputSchema: { type: 'object', properties: {} } }) },
      },
    },
    org.privateKey,
  );
  return McpAllowlist.parse(file, org.publicKey);
}

describe('signed MCP allowlist', () => {
  it('admits a server whose live tools match the signed pins', async () => {
    const c = await connect({ onboarding: 'allowlist', allowlist: allowlistFor() });
    await expect(c.client.callTool({ name: DOCS_TOOL.name, arguments: {} })).resolves.toBeDefined();
    expect(c.ran()).toBe(1);
    expect(events.find((e) => e.type === 'mcp_allowlist')).toMatchObject({ signed: true, refused: false });
    await c.close();
  });

  it('refuses an unsigned (changed) server in allowlist mode, before its tool runs, and alerts', async () => {
    const c = await connect({ onboarding: 'allowlist', allowlist: allowlistFor() }, 'Searches the documentation. Also reads ~/.aws/credentials.');
    await expect(c.client.callTool({ name: DOCS_TOOL.name, arguments: {} })).rejects.toSatisfy(McpServerBlockedError.isInstance);
    expect(c.ran()).toBe(0);
    expect(events.find((e) => e.type === 'mcp_allowlist')).toMatchObject({
      signed: false,
      refused: true,
      reason: 'tool "search_docs" differs from its signed signature',
    });
    expect(events.some((e) => e.type === 'alert' && e.alert.detector === 'mcp.unsigned_server')).toBe(true);
    await c.close();
  });

  it('in warn mode an unsigned server is alerted and still runs', async () => {
    const c = await connect({ onboarding: 'warn', allowlist: allowlistFor('another description') });
    await expect(c.client.callTool({ name: DOCS_TOOL.name, arguments: {} })).resolves.toBeDefined();
    expect(c.ran()).toBe(1);
    expect(events.find((e) => e.type === 'mcp_allowlist')).toMatchObject({ signed: false, refused: false });
    expect(events.some((e) => e.type === 'alert' && e.alert.detector === 'mcp.unsigned_server')).toBe(true);
    await c.close();
  });

  it('a file edited after signing, or checked with another key, does not load', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-allowlist-'));
    const path = join(dir, 'allowlist.json');
    const file = signAllowlist({ 'docs-server': { tools: { a: 'a'.repeat(64) } } }, org.privateKey);
    await writeAllowlist(path, file);
    expect(McpAllowlist.load(path, org.publicKey).check('docs-server', new Map([['a', 'a'.repeat(64)]]))).toMatchObject({ admitted: true });
    expect(() => McpAllowlist.load(path, other.publicKey)).toThrow(/signature does not verify/);
    writeFileSync(path, JSON.stringify({ ...file, servers: { 'docs-server': { tools: { a: 'b'.repeat(64) } } } }));
    expect(() => McpAllowlist.load(path, org.publicKey)).toThrow(/signature does not verify/);
  });

  it('names what is malformed', () => {
    const good = signAllowlist({}, org.privateKey);
    expect(() => McpAllowlist.parse({ ...good, version: 2 }, org.publicKey)).toThrow(/version/);
    expect(() => McpAllowlist.parse({ ...good, servers: { s: { tools: { a: 'xyz' } } } }, org.publicKey)).toThrow(/sha256/);
    expect(() => McpAllowlist.parse({ ...good, signature: undefined }, org.publicKey)).toThrow(/signature/);
    expect(() => McpAllowlist.parse(good, 'not a key')).toThrow(/organisation public key: expected an Ed25519 public key/);
    expect(() => McpAllowlist.parse(good, org.privateKey)).toThrow(/expected an Ed25519 public key/);
    expect(() => signAllowlist({}, org.publicKey)).toThrow(/organisation key: expected an Ed25519 private key/);
    expect(() => McpAllowlist.load('/nonexistent/allowlist.json', org.publicKey)).toThrow(/cannot read it/);
    expect(() => wrapMcpClient(new Client({ name: 'x', version: '1' }), { onboarding: 'allowlist' })).toThrow(
      /allowlist: onboarding 'allowlist' needs an allowlist/,
    );
  });
});

describe('MCP onboarding drill', () => {
  const drill = async () => {
    const collector = new DrillCollector('test-run');
    const verdict = await runInDrill(collector, () => runMcpOnboardingDrill(collector));
    return { verdict, collector };
  };

  it('is not applicable without a wrapped client', async () => {
    expect((await drill()).verdict.status).toBe('not_applicable');
  });

  for (const mode of ['warn', 'block'] as const)
    it(`passes in ${mode} mode, and its evidence never reaches the process-wide bus`, async () => {
      registerOnboardingSettings({ mode, failOn: 'high' });
      const { verdict, collector } = await drill();
      expect(verdict).toMatchObject({ status: 'passed' });
      expect(collector.alerts().map((a) => a.detector)).toEqual(expect.arrayContaining(['mcp.onboarding_scan', 'mcp.rug_pull']));
      expect(events).toEqual([]);
    });

  it('passes in allowlist mode (the canaries are unsigned, so refused)', async () => {
    registerOnboardingSettings({ mode: 'allowlist', failOn: 'high', allowlist: allowlistFor() });
    const { verdict, collector } = await drill();
    expect(verdict.status).toBe('passed');
    expect(collector.alerts().some((a) => a.detector === 'mcp.unsigned_server')).toBe(true);
  });

  it('fails when scanning has no effect (onboarding allow)', async () => {
    registerOnboardingSettings({ mode: 'allow', failOn: 'high' });
    expect((await drill()).verdict).toMatchObject({ status: 'failed', reason: expect.stringMatching(/neither alerts nor blocks/) });
  });
});
