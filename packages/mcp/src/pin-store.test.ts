import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WardenConfigError } from '@warden/core';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonFilePinStore, MemoryPinStore } from './pin-store';
import { canonicalJson } from '@warden/core/internal';
import { toolSignatureHash } from './signature';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function tempDir() {
  const d = await mkdtemp(join(tmpdir(), 'warden-pins-'));
  dirs.push(d);
  return d;
}
const pin = (hash: string) => ({ hash, pinnedAt: '2026-01-01T00:00:00.000Z' });

describe('tool signatures', () => {
  it('hash the whole signature with key order not mattering', () => {
    const a = { name: 't', description: 'd', inputSchema: { type: 'object', properties: { x: { type: 'string' } } } };
    const b = { inputSchema: { properties: { x: { type: 'string' } }, type: 'object' }, description: 'd', name: 't' };
    expect(toolSignatureHash(a)).toBe(toolSignatureHash(b));
    expect(toolSignatureHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(toolSignatureHash({ ...a, annotations: { destructiveHint: true } })).not.toBe(toolSignatureHash(a));
    expect(toolSignatureHash({ ...a, outputSchema: { type: 'object' } })).not.toBe(toolSignatureHash(a));
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
  });
});

describe('pin stores', () => {
  it('MemoryPinStore keeps pins per server and hands out copies', async () => {
    const store = new MemoryPinStore();
    const pins = { echo: pin('a'.repeat(64)) };
    await store.save('node server.mjs', pins);
    const loaded = await store.load('node server.mjs');
    expect(loaded).toEqual(pins);
    loaded.other = pin('b'.repeat(64));
    expect(await store.load('node server.mjs')).toEqual(pins);
    expect(await store.load('unknown')).toEqual({});
  });

  it('JsonFilePinStore persists atomically across instances and leaves no temp files', async () => {
    const dir = await tempDir();
    const path = join(dir, '.warden', 'mcp-pins.json');
    const store = new JsonFilePinStore(path);
    expect(await store.load('srv')).toEqual({});
    await Promise.all([store.save('srv', { echo: pin('a'.repeat(64)) }), store.save('other', { add: pin('b'.repeat(64)) })]);
    expect(await new JsonFilePinStore(path).load('srv')).toEqual({ echo: pin('a'.repeat(64)) });
    expect(await new JsonFilePinStore(path).load('other')).toEqual({ add: pin('b'.repeat(64)) });
    expect(JSON.parse(await readFile(path, 'utf8')).version).toBe(1);
    expect(await readdir(join(dir, '.warden'))).toEqual(['mcp-pins.json']);
  });

  it('JsonFilePinStore rejects a corrupt file with the bad field named', async () => {
    const dir = await tempDir();
    const path = join(dir, 'pins.json');
    await writeFile(path, JSON.stringify({ version: 1, servers: { srv: { echo: { hash: 'nothex', pinnedAt: 'x' } } } }));
    const err = await new JsonFilePinStore(path).load('srv').catch((e: unknown) => e);
    expect(WardenConfigError.isInstance(err)).toBe(true);
    expect(String((err as Error).message)).toContain('servers.srv.echo.hash');
  });
});
