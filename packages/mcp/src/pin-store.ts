import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { parseConfig } from '@warden/core';

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

const pinFileSchema = z.object({
  version: z.literal(1),
  servers: z.record(z.string(), z.record(z.string(), z.object({ hash: z.string().regex(/^[0-9a-f]{64}$/), pinnedAt: z.string() }))),
});
type PinFile = z.infer<typeof pinFileSchema>;

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
    return parseConfig(pinFileSchema, JSON.parse(text), `pin file ${this.path}`);
  }

  async load(server: string): Promise<Record<string, PinnedTool>> {
    await this.queue.catch(() => undefined);
    return { ...(await this.read()).servers[server] };
  }

  save(server: string, tools: Record<string, PinnedTool>): Promise<void> {
    const run = this.queue.catch(() => undefined).then(async () => {
      const file = await this.read();
      file.servers[server] = { ...tools };
      await mkdir(dirname(this.path), { recursive: true });
      const tmp = `${this.path}.${process.pid}.${Date.now()}.tmp`;
      await writeFile(tmp, JSON.stringify(file, null, 2) + '\n', 'utf8');
      await rename(tmp, this.path);
    });
    this.queue = run;
    return run;
  }
}
