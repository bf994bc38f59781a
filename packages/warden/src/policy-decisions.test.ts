import { tool } from '@langchain/core/tools';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ATTR_WARDEN_POLICY_DECISION, onWardenEvent, type PolicyDecisionEvidence } from '@warden/core';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { monitor, traceTool, wrapLangChain, wrapMcpClient, type Warden } from './index';

// One policy path: an audit-mode violation reads `audit_deny` on the span and in the evidence,
// whichever integration ran the tool (traceTool, LangChain, MCP).
describe('audit-mode policy decisions', () => {
  let warden: Warden | undefined;
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    await warden?.shutdown();
    warden = undefined;
  });

  async function mcpClient(): Promise<Client> {
    const server = new McpServer({ name: 'files', version: '1.0.0' });
    server.registerTool('delete_file', { description: 'Deletes a file.', inputSchema: { path: z.string() } }, async ({ path }) => ({
      content: [{ type: 'text', text: `deleted ${path}` }],
    }));
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = wrapMcpClient(new Client({ name: 'app', version: '1.0.0' }), { agent: 'auditor', pins: false, serverName: 'files' });
    await client.connect(clientSide);
    closers.push(
      () => client.close(),
      () => server.close(),
    );
    return client;
  }

  it('records audit_deny from traceTool, LangChain and MCP alike, and the tool runs', async () => {
    warden = monitor({
      exporter: 'memory',
      metrics: 'none',
      analyzer: false,
      policies: [{ agent: 'auditor', mode: 'audit', allowedTools: ['lookup'], allowedMcpServers: ['files'] }],
    });
    const evidence: PolicyDecisionEvidence[] = [];
    const off = onWardenEvent((e) => {
      if (e.type === 'policy_decision') evidence.push(e);
    });
    try {
      const traced = traceTool('delete_file', (path: string) => `deleted ${path}`, { agent: 'auditor' });
      await expect(traced('/tmp/a')).resolves.toBe('deleted /tmp/a');

      const lcTool = tool(async ({ path }: { path: string }) => `deleted ${path}`, {
        name: 'delete_file',
        description: 'Deletes a file.',
        schema: z.object({ path: z.string() }),
      });
      await expect(wrapLangChain(lcTool, { agent: 'auditor' }).invoke({ path: '/tmp/b' })).resolves.toBe('deleted /tmp/b');

      const client = await mcpClient();
      const result = await client.callTool({ name: 'delete_file', arguments: { path: '/tmp/c' } });
      expect(result.content).toEqual([{ type: 'text', text: 'deleted /tmp/c' }]);
    } finally {
      off();
    }

    const toolSpans = warden.finishedSpans().filter((s) => s.name === 'execute_tool delete_file');
    expect(toolSpans).toHaveLength(3);
    expect(toolSpans.map((s) => s.attributes[ATTR_WARDEN_POLICY_DECISION])).toEqual(['audit_deny', 'audit_deny', 'audit_deny']);
    expect(evidence.map((d) => [d.source, d.mode, d.decision])).toEqual([
      ['traceTool', 'audit', 'audit_deny'],
      ['langchain', 'audit', 'audit_deny'],
      ['mcp', 'audit', 'audit_deny'],
    ]);
  });
});
