/**
 * Replays recorded wire shapes from a package's `__fixtures__/` folder on 127.0.0.1, for odd
 * responses the scripted fake does not produce. `<case>.json` is a whole response;
 * `<case>.chunks.txt` is a stream, one SSE data payload per line (sent with an `event:` line
 * named after its `type` field when it has one, as Anthropic streams are). One server for the
 * openai and anthropic wrappers' tests: the two differ only in where their fixtures live.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FixtureServer {
  url: string;
  /** Answer the next requests with this fixture file name. */
  use(fixture: string): void;
  close(): Promise<void>;
}

/** `fixturesDir` is the folder of fixture files, e.g. `new URL('./__fixtures__/', import.meta.url)`. */
export async function startFixtureServer(fixturesDir: URL): Promise<FixtureServer> {
  let fixture = '';
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const body = readFileSync(new URL(fixture, fixturesDir), 'utf8');
      if (fixture.endsWith('.chunks.txt')) {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'req_fixture' });
        for (const line of body.split('\n')) {
          if (!line.trim()) continue;
          const type = /^\{"type":"([a-z_.]+)"/.exec(line)?.[1];
          res.write(`${type ? `event: ${type}\n` : ''}data: ${line}\n\n`);
        }
        res.end();
      } else {
        res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_fixture' });
        res.end(body);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    use(name) {
      fixture = name;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
