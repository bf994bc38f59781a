import { describe, expect, it } from 'vitest';
import { runFleetDrills } from './fleet-drills';
import { FleetPosture } from './fleet-posture';

describe('warden serve --drills', () => {
  it("drills serve's analyzer with its options and shows the verdicts in the fleet posture", async () => {
    const posture = new FleetPosture();
    const report = await runFleetDrills({ warmup: 50 }, posture);
    expect(report?.results.map((r) => [r.id, r.status])).toEqual([
      ['drift', 'passed'],
      ['tool-anomaly', 'passed'],
    ]);
    expect(posture.summary()?.drills.map((d) => [d.id, d.status])).toEqual([
      ['drift', 'passed'],
      ['tool-anomaly', 'passed'],
    ]);
  });

  it('a broken analyzer configuration fails the drill instead of throwing', async () => {
    const posture = new FleetPosture();
    expect(await runFleetDrills({ warmup: 'soon' }, posture)).toBeUndefined();
  });
});

describe('startServe({ drills })', () => {
  it('runs the fleet drills after start and serves their verdicts on /api/posture', async () => {
    const { startServe } = await import('./serve');
    const serve = await startServe({ port: 0, drills: true, analyzer: { warmup: 50 } });
    try {
      let drills: { id: string; status: string }[] = [];
      for (let i = 0; i < 100 && drills.length < 2; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const res = await fetch(`${serve.url}/api/posture`);
        drills = res.ok ? (((await res.json()) as { drills?: typeof drills }).drills ?? []) : [];
      }
      expect(drills.map((d) => [d.id, d.status])).toEqual([
        ['drift', 'passed'],
        ['tool-anomaly', 'passed'],
      ]);
    } finally {
      await serve.close();
    }
  }, 30_000);
});
