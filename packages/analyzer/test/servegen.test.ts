/** The real-traffic bench's reader of ServeGen's files, on small hand-written inputs (no ServeGen data needed). */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '@warden/testing';
import { describe, expect, it } from 'vitest';
import { drawRequests, expectedRequests, loadServeGenModel, parseDistribution, sampleDistribution } from '../bench/data/servegen';

describe('ServeGen reader', () => {
  it('parses the Python dict literals, scientific notation included, and drops zero weights', () => {
    const d = parseDistribution('{1: 0.25, 8192: 2.5e-1, 3: 0, 40: 0.5}')!;
    expect(Array.from(d.values)).toEqual([1, 8192, 40]);
    expect(Array.from(d.cumulative)).toEqual([0.25, 0.5, 1]);
    expect(parseDistribution('{}')).toBeUndefined();
  });

  it('samples each value with its probability', () => {
    const d = parseDistribution('{10: 0.7, 20: 0.2, 30: 0.1}')!;
    const rand = seededRandom(1);
    const counts = new Map<number, number>();
    for (let i = 0; i < 20_000; i++) {
      const v = sampleDistribution(d, rand);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    expect(counts.get(10)! / 20_000).toBeCloseTo(0.7, 1);
    expect(counts.get(30)! / 20_000).toBeCloseTo(0.1, 1);
  });

  it('draws arrivals at each slot rate, skips idle slots, and takes lengths from the window the request falls in', () => {
    const root = mkdtempSync(join(tmpdir(), 'servegen-'));
    const dir = join(root, 'data', 'language', 'm-test');
    mkdirSync(dir, { recursive: true });
    // Slot 0 idle, slots 1-2 at 2 requests/s (cv 1), then the next 6-hour window at 1 request/s.
    const slots = ['0,0,0,,0,0', '600,2,1,Gamma,1,0.5', '1200,2,1,Gamma,1,0.5'];
    for (let t = 1800; t < 21_600; t += 600) slots.push(`${t},0,0,,0,0`);
    slots.push('21600,1,1,Gamma,1,1');
    writeFileSync(join(dir, 'chunk-7-trace.csv'), `${slots.join('\n')}\n`);
    writeFileSync(
      join(dir, 'chunk-7-dataset.json'),
      JSON.stringify({
        '0': { input_tokens: '{100: 1.0}', output_tokens: '{5: 1.0}' },
        '21600': { input_tokens: '{900: 1.0}', output_tokens: '{50: 1.0}' },
      }),
    );
    const [client] = loadServeGenModel('language/m-test', root);
    expect(client.id).toBe('language/m-test/7');
    expect(expectedRequests(client, 0)).toBe(2400);
    const drawn = [...drawRequests(client, 0, seededRandom(3))];
    const first = drawn.filter((r) => r.time < 21_600);
    const second = drawn.filter((r) => r.time >= 21_600);
    expect(first.every((r) => r.time >= 600 && r.time < 1800 && r.inputTokens === 100 && r.outputTokens === 5)).toBe(true);
    expect(first.length).toBeGreaterThan(2400 * 0.9);
    expect(first.length).toBeLessThan(2400 * 1.1);
    expect(second.every((r) => r.time < 22_200 && r.inputTokens === 900 && r.outputTokens === 50)).toBe(true);
    expect(second.length).toBeGreaterThan(500);
    expect(drawn.every((r, i) => i === 0 || r.time >= drawn[i - 1].time)).toBe(true);
  });
});
