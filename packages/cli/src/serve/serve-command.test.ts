import { describe, expect, it } from 'vitest';
import { parseServeArgs, runServeCommand } from './serve-command';
import { parseServeOptions } from './serve-options';

function buffers(): { stdout: { write(s: string): void; text: string }; stderr: { write(s: string): void; text: string } } {
  const make = () => {
    const b = { text: '', write: (s: string) => void (b.text += s) };
    return b;
  };
  return { stdout: make(), stderr: make() };
}

describe('warden serve flags', () => {
  it('maps every flag onto the options, and leaves the others to their defaults', () => {
    const options = parseServeArgs([
      '--port',
      '0',
      '--grpc-port',
      '0',
      '--host',
      '0.0.0.0',
      '--forward',
      'http://collector:4318',
      '--webhook',
      'http://hooks/w',
      '--alerts-file',
      'a.jsonl',
      '--alerts-otlp',
      'http://logs:4318',
      '--state',
      's.json',
      '--snapshot-interval',
      '30',
      '--max-queue',
      '500',
      '--max-body',
      '2mb',
      '--parent-wait',
      '5',
      '--analyzer',
      '{"warmup":300}',
    ]);
    expect(options).toEqual({
      port: 0,
      grpcPort: 0,
      host: '0.0.0.0',
      forward: 'http://collector:4318',
      webhook: 'http://hooks/w',
      alertsFile: 'a.jsonl',
      alertsOtlp: 'http://logs:4318',
      state: 's.json',
      snapshotIntervalMs: 30_000,
      maxQueue: 500,
      maxBodyBytes: 2 * 1024 * 1024,
      parentWaitMs: 5_000,
      analyzer: { warmup: 300 },
    });
    const defaults = parseServeOptions(parseServeArgs([]) as object);
    expect(parseServeArgs(['--grpc-port', 'off'])).not.toHaveProperty('grpcPort');
    expect(defaults).toMatchObject({
      port: 4318,
      grpcPort: 4317,
      host: '127.0.0.1',
      maxQueue: 20_000,
      maxBodyBytes: 8 * 1024 * 1024,
      snapshotIntervalMs: 60_000,
      parentWaitMs: 30_000,
    });
  });

  it('exits 2 naming the bad flag or option, before listening', async () => {
    for (const [argv, says] of [
      [['--port', 'eighty'], '--port'],
      [['--grpc-port', 'on'], '--grpc-port'],
      [['--max-body', 'lots'], '--max-body'],
      [['--parent-wait', '-1'], '--parent-wait'],
      [['--parent-wait', '601'], 'parentWaitMs'],
      [['--analyzer', '{nope'], '--analyzer'],
      [['--forward', 'not a url'], 'forward'],
      [['--port', '70000'], 'port'],
      [['--analyzer', '{"warmup":"many"}'], 'warmup'],
      [['--bogus'], 'bogus'],
    ] as const) {
      const io = buffers();
      expect(await runServeCommand([...argv], io)).toBe(2);
      expect(io.stderr.text).toContain(says);
    }
  });

  it('prints its usage on --help', async () => {
    const io = buffers();
    expect(await runServeCommand(['--help'], io)).toBe(0);
    expect(io.stdout.text).toContain('Usage: warden serve');
  });
});
