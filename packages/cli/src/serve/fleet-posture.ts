/**
 * The Level 3 posture of the fleet as `warden serve` sees it: a PostureLedger fed with every
 * accepted span and every alert. The one place serve touches @warden/posture.
 */
import { PostureLedger } from '@warden/posture';
import { assessPosture, CONTROL_TITLES } from '@warden/posture/internal';
import type { Alert, DrillResult } from '@warden/core';
import { safely, type OtlpSpan } from '@warden/core/internal';

export interface FleetPostureSummary {
  level: number;
  basis: string;
  controls: { id: string; title: string; status: string }[];
  next: string[];
  inventory: { models: number; agents: number; tools: number; mcpServers: number };
  /** Each drill's latest verdict (`warden serve --drills`). */
  drills: { id: string; status: string; lastRun: string; reason: string }[];
}

export class FleetPosture {
  private readonly ledger = new PostureLedger();

  observeSpan(span: OtlpSpan): void {
    safely('serve.posture.observeSpan', () => this.ledger.observeSpan(span));
  }

  observeAlert(alert: Alert): void {
    safely('serve.posture.observeAlert', () => this.ledger.observeAlert(alert));
  }

  /** A drill run of serve's own controls (fleet-drills.ts). */
  recordDrills(report: { runId: string; time: string; results: DrillResult[] }): void {
    safely('serve.posture.recordDrills', () =>
      this.ledger.recordDrillRun({
        runId: report.runId,
        time: report.time,
        results: report.results.map(({ id, control, status, time, reason }) => ({ id, control, status, time, reason })),
      }),
    );
  }

  summary(): FleetPostureSummary | undefined {
    return safely('serve.posture.summary', () => {
      const snapshot = this.ledger.snapshot();
      const p = assessPosture(snapshot);
      return {
        level: p.level,
        basis: p.basis,
        controls: Object.entries(p.controls).map(([id, c]) => ({
          id,
          title: CONTROL_TITLES[id as keyof typeof CONTROL_TITLES] ?? id,
          status: c.status,
        })),
        next: p.next.slice(0, 3),
        inventory: {
          models: p.inventory.models.length,
          agents: p.inventory.agents.length,
          tools: p.inventory.tools.length,
          mcpServers: p.inventory.mcpServers.length,
        },
        drills: Object.values(snapshot.drills.byId).map((d) => ({ id: d.id, status: d.lastStatus, lastRun: d.lastRun, reason: d.lastReason })),
      };
    });
  }
}
