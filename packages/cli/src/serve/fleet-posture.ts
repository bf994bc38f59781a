/**
 * The Level 3 posture of the fleet as `warden serve` sees it: a PostureLedger fed with every
 * accepted span and every alert. The one place serve touches @warden/posture.
 */
import { CONTROL_TITLES, PostureLedger } from '@warden/posture';
import { safely, type Alert } from '@warden/core';
import type { OtlpSpan } from './otlp-span';

export interface FleetPostureSummary {
  level: number;
  basis: string;
  controls: { id: string; title: string; status: string }[];
  next: string[];
  inventory: { models: number; agents: number; tools: number; mcpServers: number };
}

export class FleetPosture {
  private readonly ledger = new PostureLedger();

  observeSpan(span: OtlpSpan): void {
    safely('serve.posture.observeSpan', () => this.ledger.observeSpan(span));
  }

  observeAlert(alert: Alert): void {
    safely('serve.posture.observeAlert', () => this.ledger.observeAlert(alert));
  }

  summary(): FleetPostureSummary | undefined {
    return safely('serve.posture.summary', () => {
      const p = this.ledger.posture();
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
      };
    });
  }
}
