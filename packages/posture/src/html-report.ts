/**
 * The evidence report as one self-contained HTML page: inline CSS, an inline SVG chart, no
 * script and no network (a Content-Security-Policy forbids both), so it can be archived,
 * mailed and opened offline. Every piece of data goes through `escapeHtml`.
 */
import { ALERT_KINDS } from '@warden/core';
import { evidenceLabel, type EvidenceReport } from './evidence-report';
import type { InventoryItem } from './inventory';
import { revealDeceptiveChars } from './deceptive-chars';
import { isoTime } from './inventory';
import { formatDuration, formatRate, REPORT_SECTIONS } from './markdown-report';

export function escapeHtml(value: unknown): string {
  return revealDeceptiveChars(String(value ?? ''))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const e = escapeHtml;
const STATUS_LABEL = { met: 'Met', partial: 'Partially met', not_met: 'Not met', not_applicable: 'Not applicable' } as const;
const KIND_COLOURS: Record<(typeof ALERT_KINDS)[number], string> = {
  drift: '#3b6fb6',
  tool_anomaly: '#d08c1b',
  policy_violation: '#b3392f',
  agent_anomaly: '#7b4fa6',
  multi_turn: '#2f8f6b',
  mcp_risk: '#5a5a5a',
};

const CSS = `
:root{--ink:#1d2430;--muted:#5b6472;--line:#d9dde3;--met:#1e7b4d;--partial:#9a6700;--notmet:#b3261e;--bg:#fff;--panel:#f6f7f9}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
main{max-width:1040px;margin:0 auto;padding:32px 28px 64px}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:20px;margin:40px 0 12px;padding-bottom:6px;border-bottom:2px solid var(--line)}
h3{font-size:16px;margin:24px 0 8px}
p.meta{color:var(--muted);margin:0 0 20px}
table{border-collapse:collapse;width:100%;margin:8px 0 16px;font-size:14px}
th,td{border:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:var(--panel);font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.level{display:flex;gap:20px;align-items:center;background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:16px 20px}
.level .n{font-size:44px;font-weight:700;line-height:1;white-space:nowrap}
td:has(.badge){white-space:nowrap}
.level .name{font-size:18px;font-weight:600}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:13px;font-weight:600;color:#fff}
.badge.met{background:var(--met)}.badge.partial{background:var(--partial)}.badge.not_met{background:var(--notmet)}.badge.not_applicable{background:#888}
.badge.yes{background:var(--met)}.badge.no{background:var(--notmet)}
.control{border:1px solid var(--line);border-radius:8px;padding:4px 16px 8px;margin:16px 0}
.next{background:#fff8e6;border-left:4px solid var(--partial);padding:8px 12px;margin:8px 0}
.refs{font-size:13px;color:var(--muted)}
.disclaimer{font-size:13px;color:var(--muted);font-style:italic}
nav ol{columns:2;font-size:14px}
svg text{font:12px system-ui,sans-serif;fill:var(--ink)}
@media print{h2{break-after:avoid}.control{break-inside:avoid}}
`;

function table(header: string[], rows: string[][], numeric: number[] = []): string {
  const head = `<tr>${header.map((h) => `<th scope="col">${e(h)}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${numeric.includes(i) ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`).join('');
  return `<table><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

function inventoryTable(items: InventoryItem[]): string {
  if (!items.length) return '<p><em>None seen.</em></p>';
  return table(
    ['Name', 'First seen (UTC)', 'Last seen (UTC)', 'Spans'],
    items.map((i) => [e(i.name), e(i.firstSeen), e(i.lastSeen), e(i.count)]),
    [3],
  );
}

function list(values: string[] | undefined): string {
  return values && values.length ? e(values.join(', ')) : '—';
}

function refs(values: string[]): string {
  return values.length ? e(values.join(', ')) : '—';
}

function slug(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** A stacked bar chart of alerts per time bucket and kind, as inline SVG with a text fallback. */
export function alertsChartSvg(r: EvidenceReport): string {
  const buckets = r.alerts.timeline.buckets;
  const width = 960;
  const height = 240;
  const left = 44;
  const bottom = 40;
  const top = 16;
  const plotW = width - left - 12;
  const plotH = height - top - bottom;
  const totals = buckets.map((b) => ALERT_KINDS.reduce((n, k) => n + b.counts[k], 0));
  const max = Math.max(1, ...totals);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="chart-title" viewBox="0 0 ${width} ${height + 28}" width="100%">`);
  parts.push(`<title id="chart-title">Alerts over time by kind: ${e(r.alerts.total)} alert(s)</title>`);
  parts.push(`<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#888"/>`);
  parts.push(`<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="#888"/>`);
  parts.push(`<text x="${left - 6}" y="${top + 4}" text-anchor="end">${max}</text><text x="${left - 6}" y="${top + plotH}" text-anchor="end">0</text>`);
  if (!buckets.length) {
    parts.push(`<text x="${left + plotW / 2}" y="${top + plotH / 2}" text-anchor="middle">No alerts were raised in the period.</text>`);
  } else {
    const first = buckets[0].start;
    const last = buckets[buckets.length - 1].start;
    const span = Math.max(1, Math.round((last - first) / r.alerts.timeline.bucketMs) + 1);
    const slot = plotW / span;
    const barW = Math.max(1, slot * 0.8);
    buckets.forEach((b, i) => {
      const x = left + Math.round((b.start - first) / r.alerts.timeline.bucketMs) * slot + (slot - barW) / 2;
      let y = top + plotH;
      for (const k of ALERT_KINDS) {
        const n = b.counts[k];
        if (!n) continue;
        const h = (n / max) * plotH;
        y -= h;
        parts.push(
          `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${KIND_COLOURS[k]}"><title>${e(`${isoTime(b.start)} ${k}: ${n} (bucket total ${totals[i]})`)}</title></rect>`,
        );
      }
    });
    parts.push(`<text x="${left}" y="${top + plotH + 16}">${e(isoTime(first).replace('.000Z', 'Z'))}</text>`);
    parts.push(
      `<text x="${left + plotW}" y="${top + plotH + 16}" text-anchor="end">${e(isoTime(last + r.alerts.timeline.bucketMs).replace('.000Z', 'Z'))}</text>`,
    );
  }
  ALERT_KINDS.forEach((k, i) => {
    const x = left + i * 150;
    parts.push(
      `<rect x="${x}" y="${height + 8}" width="12" height="12" fill="${KIND_COLOURS[k]}"/><text x="${x + 16}" y="${height + 18}">${e(`${k} (${r.alerts.byKind[k]})`)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}

export function renderHtml(r: EvidenceReport): string {
  const s: string[] = [];
  const section = (title: (typeof REPORT_SECTIONS)[number], body: string): void => {
    s.push(`<section id="${slug(title)}"><h2>${e(title)}</h2>${body}</section>`);
  };
  const period = r.period.from ? `Evidence period ${e(r.period.from)} to ${e(r.period.to ?? r.period.from)}.` : 'No GenAI span was recorded in the period.';

  section(
    'Summary',
    `<div class="level"><div class="n">Level ${e(r.maturity.level)}</div><div><div class="name">${e(r.maturity.name)} — the maturity level supported by the evidence</div><div>${e(r.maturity.basis)}</div></div></div>` +
      table(
        ['Control', 'Status'],
        r.controls.map((c) => [`<a href="#${slug(c.id)}">${e(c.id)}</a> — ${e(c.title)}`, `<span class="badge ${c.status}">${STATUS_LABEL[c.status]}</span>`]),
      ) +
      (r.maturity.next.length ? `<h3>Next steps</h3><ol>${r.maturity.next.map((n) => `<li>${e(n)}</li>`).join('')}</ol>` : ''),
  );

  section(
    'Self-assessment',
    table(
      ['Question', 'Answer', 'Evidence'],
      r.answers.map((a) => [e(a.question), `<span class="badge ${a.yes ? 'yes' : 'no'}">${a.yes ? 'Yes' : 'No'}</span>`, e(a.evidence)]),
    ),
  );

  section(
    'Controls',
    r.controls
      .map(
        (c) =>
          `<div class="control" id="${slug(c.id)}"><h3>${e(c.id)} — ${e(c.title)} <span class="badge ${c.status}">${STATUS_LABEL[c.status]}</span></h3>` +
          table(
            ['Evidence', 'Value'],
            Object.entries(c.evidence).map(([k, v]) => [e(evidenceLabel(k)), e(v)]),
            [1],
          ) +
          (c.next ? `<div class="next"><strong>Next:</strong> ${e(c.next)}</div>` : '') +
          `<p class="refs">Alert kinds counted: ${e(c.alertKinds.join(', '))}.<br>OWASP LLM Top 10 (2025): ${refs(c.references.owaspLlm)} · MITRE ATLAS: ${refs(c.references.mitreAtlas)} · EU AI Act: ${refs(c.references.euAiAct)} · NIST AI RMF 1.0: ${refs(c.references.nistAiRmf)}</p></div>`,
      )
      .join(''),
  );

  const cov = r.coverage;
  section(
    'Inventory',
    `<p>${e(cov.genAiSpans)} GenAI span(s): ${e(cov.modelCalls)} model call(s), ${e(cov.toolCalls)} tool call(s), ${e(cov.invokeAgentSpans)} agent invocation(s); ${e(cov.withAgentIdentity)} with agent identity, ${e(cov.withConversationId)} with a conversation id; ${e(cov.contentCaptured)} with (redacted) content, ${e(cov.metadataOnly)} metadata only. ${e(cov.uncoveredModelCalls)} model call(s) were seen without a GenAI span.${r.inventory.dropped ? ` ${e(r.inventory.dropped)} name(s) exceeded the inventory cap and are counted, not listed.` : ''}</p>` +
      (
        [
          ['Models', r.inventory.models],
          ['Providers', r.inventory.providers],
          ['Agents', r.inventory.agents],
          ['Tools', r.inventory.tools],
          ['MCP servers', r.inventory.mcpServers],
        ] as const
      )
        .map(([label, items]) => `<h3>${e(label)}</h3>${inventoryTable(items)}`)
        .join(''),
  );

  section(
    'Alerts',
    `<p>${e(r.alerts.total)} alert(s) in the period; ${r.alerts.subscribers === undefined ? 'the number of alert subscribers is unknown' : `${e(r.alerts.subscribers)} subscriber(s) receive them`}.</p>` +
      `<figure>${alertsChartSvg(r)}<figcaption class="refs">Alerts per ${e(formatDuration(r.alerts.timeline.bucketMs))} bucket (UTC), stacked by kind.</figcaption></figure>` +
      (r.alerts.recent.length
        ? `<h3>Latest alerts received (up to 20, newest first)</h3>` +
          table(
            ['Time (UTC)', 'Kind', 'Severity', 'Detector', 'Message'],
            [...r.alerts.recent].reverse().map((a) => [e(a.time), e(a.kind), e(a.severity), e(a.detector), e(a.message)]),
          )
        : ''),
  );

  section(
    'Detectors',
    `<p>Learned baselines: ${r.baselines === undefined ? 'unknown' : e(r.baselines)}.</p>` +
      (r.detectors.length
        ? table(
            ['Detector', 'Feature', 'Threshold', 'Calibrated false-alarm rate'],
            r.detectors.map((d) => [e(d.id), e(d.feature ?? '—'), e(d.threshold), e(formatRate(d.expectedRecordsBetweenFalseAlarms, d.falseAlarmRate))]),
            [2],
          )
        : '<p><em>No detector configuration was supplied.</em></p>'),
  );

  const d = r.decisions;
  section(
    'Policies and decisions',
    (r.policies.length
      ? table(
          ['Agent', 'Mode', 'Allowed tools', 'Allowed MCP servers', 'Needs approval', 'Argument constraints'],
          r.policies.map((p) => [e(p.agent), e(p.mode), list(p.allowedTools), list(p.allowedMcpServers), list(p.requireApproval), list(p.argumentConstraints)]),
        )
      : '<p><em>No policy is configured.</em></p>') +
      `<p>Decisions recorded: ${e(d.allow)} allowed, ${e(d.deny)} denied, ${e(d.audit_deny)} audit-mode violations that ran, ${e(d.approved)} approved by a human, ${e(d.approval_denied)} refused by a human (${e(d.byMode.enforce)} under enforce, ${e(d.byMode.audit)} under audit).</p>`,
  );

  section(
    'MCP servers',
    r.mcpServers.length
      ? table(
          ['Server', 'Tool calls', 'Scanned before first call', 'Scans', 'Last decision', 'Findings (crit/high/med/low)', 'Pinned', 'Changed'],
          r.mcpServers.map((m) => [
            e(m.name),
            e(m.toolCalls),
            m.scannedBeforeFirstCall ? 'yes' : '<strong>NO</strong>',
            e(m.scans),
            e(m.lastDecision ?? '—'),
            e(`${m.findings.critical}/${m.findings.high}/${m.findings.medium}/${m.findings.low}`),
            e(m.pins.pinned + m.pins.unchanged + m.pins.approved),
            e(m.pins.changed),
          ]),
          [1, 3, 6, 7],
        )
      : '<p><em>No MCP server connection was observed.</em></p>',
  );

  const log = r.auditLog;
  section(
    'Audit log',
    !log
      ? '<p><em>No audit log is configured.</em></p>'
      : `<p>Audit log <code>${e(log.path)}</code>: ${log.verified === true ? '<span class="badge met">hash chain verified</span>' : log.verified === false ? '<span class="badge not_met">verification FAILED</span>' : '<span class="badge partial">not verified</span>'}${log.entries !== undefined ? `, ${e(log.entries)} entries` : ''}${log.checkedAt ? `, checked ${e(log.checkedAt)}` : ''}${log.error ? ` (${e(log.error)})` : ''}.</p>`,
  );

  section(
    'Framework references',
    table(
      ['Framework', 'Edition'],
      r.frameworks.editions.map((x) => [e(x.name), e(x.edition)]),
    ) +
      `<p>Level 4 (automated scoring and evidence): EU AI Act ${refs(r.frameworks.level4.euAiAct)}; NIST AI RMF 1.0 ${refs(r.frameworks.level4.nistAiRmf)}.</p>` +
      `<p class="disclaimer">${e(r.frameworks.disclaimer)}</p>`,
  );

  section(
    'Method and limitations',
    '<ul><li>Figures are counted from OpenTelemetry GenAI spans and Warden evidence events; memory is bounded, so inventories are capped and alert history is kept as counts per time bucket.</li>' +
      '<li>A model call counts as uncovered when an HTTP client span reaches a known model API host with no GenAI span around it; calls made without any tracing cannot be seen at all.</li>' +
      '<li>Tool-call coverage compares the tool calls models requested with execute_tool spans of the same name.</li>' +
      '<li>The maturity level is the highest level the evidence supports; missing evidence lowers it. Level 4 also needs adversarial simulation in production, which telemetry cannot show.</li></ul>',
  );

  const nav = `<nav aria-label="Contents"><ol>${REPORT_SECTIONS.map((t) => `<li><a href="#${slug(t)}">${e(t)}</a></li>`).join('')}</ol></nav>`;
  return (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<meta name="generator" content="Warden ${e(r.schema)}">` +
    `<title>${e(r.title)}</title><style>${CSS}</style></head><body><main>` +
    `<h1>${e(r.title)}</h1><p class="meta">Generated ${e(r.generatedAt)} by Warden from ${r.source === 'live' ? 'the live telemetry of a running process' : 'recorded OTLP traces'}. ${period}</p>` +
    nav +
    s.join('') +
    '</main></body></html>\n'
  );
}
