import { describe, expect, it } from 'vitest';
import { WELL_KNOWN_MCP_PACKAGES } from '../data/well-known-mcp-packages';
import { editDistance, isExactVersion, nearMiss, packageLaunch, supplyChainHits } from './supply-chain';

describe('supply chain: what a stdio server is launched from', () => {
  it('reads the package (and version) from npx, pnpm dlx, yarn dlx, npm exec, bunx and uvx command lines', () => {
    expect(packageLaunch('npx', ['-y', '@modelcontextprotocol/server-github@2025.4.8'])).toEqual({
      runner: 'npx',
      name: '@modelcontextprotocol/server-github',
      version: '2025.4.8',
    });
    expect(packageLaunch('/usr/local/bin/npx', ['--yes', 'firecrawl-mcp'])).toMatchObject({ name: 'firecrawl-mcp', version: undefined });
    expect(packageLaunch('npx.cmd', ['-p', 'tavily-mcp@0.2.1', 'tavily-mcp'])).toMatchObject({ name: 'tavily-mcp', version: '0.2.1' });
    expect(packageLaunch('pnpm', ['dlx', 'mcp-remote@latest', 'https://x'])).toMatchObject({ name: 'mcp-remote', version: 'latest' });
    expect(packageLaunch('npm', ['exec', '--', 'some-mcp@1.0.0'])).toMatchObject({ name: 'some-mcp', version: '1.0.0' });
    expect(packageLaunch('uvx', ['mcp-server-time==1.2.0'])).toMatchObject({ runner: 'uvx', name: 'mcp-server-time', version: '1.2.0' });
    expect(packageLaunch('node', ['server.js'])).toBeUndefined();
    expect(packageLaunch('npx', ['./local-server'])).toBeUndefined();
    expect(packageLaunch('pnpm', ['install'])).toBeUndefined();
  });

  it('calls only exact versions pinned', () => {
    expect(['1.2.3', 'v1.2.3', '1.0.0-beta.2'].every(isExactVersion)).toBe(true);
    expect([undefined, 'latest', '^1.2.3', '~1.2', '1', '1.x', '*'].some(isExactVersion)).toBe(false);
  });

  it('finds near misses of well-known packages: edits, scope swaps, look-alike characters', () => {
    const github = '@modelcontextprotocol/server-github';
    expect(WELL_KNOWN_MCP_PACKAGES.some(([n]) => n === github)).toBe(true);
    expect(nearMiss('@modelcontextprotocol/server-githb')?.target).toBe(github);
    expect(nearMiss('@modelcontextprotocol/server-gihtub')?.target).toBe(github);
    expect(nearMiss('@modelcontextprotcol/server-github')?.how).toMatch(/scope/);
    expect(nearMiss('@mcp-official/server-github')?.how).toMatch(/scope/);
    expect(nearMiss('server-github')?.how).toMatch(/without the @modelcontextprotocol scope/);
    expect(nearMiss('@modelcontextprotocol/server-gіthub')?.how).toMatch(/look-alike/); // Cyrillic і
    expect(nearMiss('chrome-devtoo1s-mcp')?.target).toBe('chrome-devtools-mcp');
    // The well-known packages themselves, and unrelated names, are not near misses.
    expect(nearMiss(github)).toBeUndefined();
    expect(nearMiss('@upstash/context7-mcp')).toBeUndefined();
    expect(nearMiss('my-own-weather-mcp')).toBeUndefined();
    expect(nearMiss('@acme/mcp-server')).toBeUndefined(); // generic names collide by design
  });

  it('gives findings for a look-alike package and for an unpinned one', () => {
    const hits = supplyChainHits('npx', ['-y', '@modelcontextprotocol/server-githb']);
    expect(hits.map((h) => h.rule.name)).toEqual(['look-alike-package', 'unpinned-package']);
    expect(hits[0].message).toContain('@modelcontextprotocol/server-github');
    expect(supplyChainHits('npx', ['-y', '@modelcontextprotocol/server-github@2025.4.8'])).toEqual([]);
    expect(supplyChainHits('npx', ['-y', 'firecrawl-mcp']).map((h) => h.rule.name)).toEqual(['unpinned-package']);
  });

  it('computes a bounded Damerau-Levenshtein distance', () => {
    expect(editDistance('github', 'gihtub', 3)).toBe(1);
    expect(editDistance('abc', 'abc', 3)).toBe(0);
    expect(editDistance('kitten', 'sitting', 3)).toBe(3);
    expect(editDistance('a'.repeat(50), 'b'.repeat(50), 2)).toBe(3);
  });
});
