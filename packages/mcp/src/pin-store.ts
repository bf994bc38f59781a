import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { parseConfig } from '@warden/core/internal';

export interface PinnedTool {
  /** sha256 of the tool's canonical signature. */
  hash: string;
  /** ISO 8601: when this hash was pinned or approved. */
  pinnedAt: string;
}

/** Where tool signatures are pinned, per server identity (command + args, or URL). */
export interface PinStore {
  load(server: string): Promise<Record<string, PinnedTool>>;
  save(server: string, tools: Record<string, PinnedTool>): Promise<void>;
}

export const DEFAULT_PIN_FILE = '.warden/mcp-pins.json';

/** Pins kept for the life of the process (tests, short-lived agents). */
export class MemoryPinStore implements PinStore {
  private readonly servers = new Map<string, Record<string, PinnedTool>>();
  async load(server: string): Promise<Record<string, PinnedTool>> {
    return { ...this.servers.get(server) };
  }
  async save(server: string, tools: Record<string, PinnedTool>): Promise<void> {
    this.servers.set(server, { ...tools });
  }
}

const pinnedToolSchema = z.object({ hash: z.string().regex(/^[0-9a-f]{64}$/), pinnedAt: z.string() });
const pinFileSchema = z.object({
  version: z.literal(1),
  servers: z.record(z.string(), z.record(z.string(), pinnedToolSchema)),
});
type PinFile = z.infer<typeof pinFileSchema>;

/**
 * Rebuild a validated record from the parsed JSON with Object.entries / Object.fromEntries:
 * zod's record drops a `__proto__` key, and a tool may well be named that.
 */
function ownEntries<T>(raw: unknown, each: (key: string, value: unknown) => T): Record<string, T> {
  return Object.fromEntries(Object.entries(raw as Record<string, unknown>).map(([k, v]) => [k, each(k, v)]));
}

/**
 * Pins in a JSON file (default `.warden/mcp-pins.json`), written atomically (temp file +
 * rename) so a crash never leaves half a file; writes from one process are serialised.
 */
export class JsonFilePinStore implements PinStore {
  private queue: Promise<unknown> = Promise.resolve();
  constructor(readonly path: string = DEFAULT_PIN_FILE) {}

  private async read(): Promise<PinFile> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, servers: {} };
      throw e;
    }
    const raw = JSON.parse(text) as { servers: unknown };
    const what = `pin file ${this.path}`;
    parseConfig(pinFileSchema, raw, what);
    const servers = ownEntries(raw.servers, (server, tools) =>
      ownEntries(tools, (tool, pin) => parseConfig(pinnedToolSchema, pin, `${what} (servers[${JSON.stringify(server)}][${JSON.stringify(tool)}])`)),
    );
    return { version: 1, servers };
  }

  async load(server: string): Promise<Record<string, PinnedTool>> {
    await this.queue.catch(() => undefined);
    const servers = (await this.read()).servers;
    return Object.hasOwn(servers, server) ? { ...servers[server] } : {};
  }

  save(server: string, tools: Record<string, PinnedTool>): Promise<void> {
    const run = this.queue
      .catch(() => undefined)
      .then(async () => {
        const file = await this.read();
        file.servers = Object.fromEntries([...Object.entries(file.servers).filter(([k]) => k !== server), [server, { ...tools }]]);
        await mkdir(dirname(this.path), { recursive: true });
        const tmp = `${this.path}.${process.pid}.${Date.now()}.tmp`;
        await writeFile(tmp, JSON.stringify(file, null, 2) + '\n', 'utf8');
        await rename(tmp, this.path);
      });
    this.queue = run;
    return run;
  }
}
