import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from './fixture-server';

describe('startFixtureServer', () => {
  let server: FixtureServer;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warden-fixtures-'));
    writeFileSync(join(dir, 'whole.json'), '{"id":"r1"}');
    writeFileSync(join(dir, 'stream.chunks.txt'), '{"type":"message_start"}\n\n{"id":"c1"}\n');
    server = await startFixtureServer(pathToFileURL(`${dir}/`));
  });
  afterAll(() => server.close());

  it('replays a whole response as JSON from the given folder', async () => {
    server.use('whole.json');
    const res = await fetch(`${server.url}/v1/anything`, { method: 'POST', body: '{}' });
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ id: 'r1' });
  });

  it('replays a stream as SSE, one data line per payload, named by its type when it has one', async () => {
    server.use('stream.chunks.txt');
    const res = await fetch(`${server.url}/v1/anything`, { method: 'POST', body: '{}' });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(await res.text()).toBe('event: message_start\ndata: {"type":"message_start"}\n\ndata: {"id":"c1"}\n\n');
  });
});
