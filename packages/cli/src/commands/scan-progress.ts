/**
 * Progress of `warden scan` on stderr while several servers start and answer (each may take up
 * to --timeout): one line, rewritten in place, saying how many are done and which are still
 * awaited, so a hanging server is visible before the table. Only on a terminal: piped or in CI,
 * stderr stays free of carriage returns and escape codes.
 */
import { printable } from '@warden/core/internal';
import type { ScannedServer } from '@warden/mcp';

export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const CLEAR_LINE = '\r\u001b[2K';

export class ScanProgress {
  private readonly waiting: Set<string>;
  private done = 0;

  constructor(
    private readonly stream: ProgressStream,
    private readonly names: readonly string[],
  ) {
    this.waiting = new Set(names);
    this.draw(`scanning ${names.length} MCP servers`);
  }

  /** One server finished (scanned or failed). */
  serverScanned(server: Pick<ScannedServer, 'name' | 'status' | 'durationMs'>): void {
    if (!this.waiting.delete(server.name)) return;
    this.done++;
    const result = server.status === 'scanned' ? `ok (${server.durationMs} ms)` : 'FAILED';
    // Server names come from the config file: no escape sequence of theirs reaches the terminal.
    this.draw(`${this.done}/${this.names.length} · ${printable(server.name)} ${result}`);
  }

  /** Clears the line, so the report that follows starts clean. */
  finish(): void {
    this.stream.write(CLEAR_LINE);
  }

  private draw(head: string): void {
    const waiting = [...this.waiting].map(printable);
    const tail = waiting.length > 0 ? ` · waiting for ${waiting.join(', ')}` : '';
    let line = `warden scan: ${head}${tail}`;
    // Longer than the terminal is wide, the line would wrap and \r could no longer rewrite it.
    const width = Math.max(20, (this.stream.columns ?? 80) - 1);
    if (line.length > width) line = `${line.slice(0, width - 1)}…`;
    this.stream.write(`${CLEAR_LINE}${line}`);
  }
}

/** A progress line when stderr is a terminal and there is more than one server; else nothing. */
export function scanProgress(stream: ProgressStream, names: readonly string[]): ScanProgress | undefined {
  return stream.isTTY === true && names.length > 1 ? new ScanProgress(stream, names) : undefined;
}
