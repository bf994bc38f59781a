/**
 * The evidence report as Markdown, and a parser + zod schema of its structure so tests (and
 * anyone archiving reports) can check that every required section is present.
 */
import { z } from 'zod';
import { ALERT_KINDS } from '@warden/core';
import { evidenceLabel, type EvidenceReport } from './evidence-report';
import { revealDeceptiveChars } from './deceptive-chars';
import { isoTime } from './inventory';
import type { InventoryItem } from './inventory';

/** The H2 sections, in order. */
export const REPORT_SECTIONS = [
  'Summary',
  'Self-assessment',
  'Controls',
  'Inventory',
  'Alerts',
  'Detectors',
  'Policies and decisions',
  'MCP servers',
  'Audit log',
  'Framework references',
  'Method and limitations',
] as const;

const STATUS_LABEL = { met: 'Met', partial: 'Partially met', not_met: 'Not met', not_applicable: 'Not applicable' } as const;

/** Text safe inside a Markdown table cell or line: no pipes, no line breaks, no raw HTML. */
export function mdText(value: unknown): string {
  return revealDeceptiveChars(String(value ?? ''))
    .replace(/\\/g, '\\\\')
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([*_`[\]])/g, '\\$1');
}

function table(header: string[], rows: (string | number)[][]): string {
  const lines = [`| ${header.map(mdText).join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const r of rows) lines.push(`| ${r.map(mdText).join(' | ')} |`);
  return lines.join('\n');
}

function inventoryTable(items: InventoryItem[]): string {
  if (items.length === 0) return '_None seen._';
  return table(
    ['Name', 'First seen (UTC)', 'Last seen (UTC)', 'Spans'],
    items.map((i) => [i.name, i.firstSeen, i.lastSeen, i.count]),
  );
}

function list(values: string[] | undefined): string {
  return values && values.length ? values.join(', ') : '—';
}

function refs(values: string[]): string {
  return values.length ? values.join(', ') : '—';
}

export function formatRate(expected: number | undefined, falseAlarmRate?: number): string {
  if (expected === undefined) return falseAlarmRate === 0 ? 'none (deterministic rule)' : 'not calibrated';
  return `1 per ${Math.round(expected).toLocaleString('en-US')} records`;
}

/** A bucket width a person reads: "1 min", "16 min", "4.3 h", "2.7 d". */
export function formatDuration(ms: number): string {
  const min = ms / 60_000;
  if (min < 60) return `${Math.round(min)} min`;
  if (min < 60 * 48) return `${Number((min / 60).toFixed(1))} h`;
  return `${Number((min / 1440).toFixed(1))} d`;
}

export function renderMarkdown(r: EvidenceReport): string {
  const out: string[] = [];
  const push = (...s: string[]): void => {
    out.push(...s);
  };
  push(`# ${mdText(r.title)}`, '');
  push(
    `Generated ${mdText(r.generatedAt)} by Warden from ${r.source === 'live' ? 'the live telemetry of a running process' : 'recorded OTLP traces'}.` +
      (r.period.from ? ` Evidence period: ${mdText(r.period.from)} to ${mdText(r.period.to ?? r.period.from)}.` : ' No GenAI span was recorded in the period.'),
    '',
  );

  push('## Summary', '');
  push(`**Maturity level supported by the evidence: Level ${r.maturity.level} – ${r.maturity.name}.**`, '');
  push(mdText(r.maturity.basis), '');
  push(
    table(
      ['Control', 'Status'],
      r.controls.map((c) => [`${c.id} — ${c.title}`, STATUS_LABEL[c.status]]),
    ),
    '',
  );
  if (r.maturity.next.length) {
    push('Next steps:', '');
    r.maturity.next.forEach((n, i) => push(`${i + 1}. ${mdText(n)}`));
    push('');
  }

  push('## Self-assessment', '');
  push(
    table(
      ['Question', 'Answer', 'Evidence'],
      r.answers.map((a) => [a.question, a.yes ? 'Yes' : 'No', a.evidence]),
    ),
    '',
  );

  push('## Controls', '');
  for (const c of r.controls) {
    push(`### ${c.id} — ${mdText(c.title)}`, '');
    push(`Status: **${STATUS_LABEL[c.status]}**`, '');
    push(
      table(
        ['Evidence', 'Value'],
        Object.entries(c.evidence).map(([k, v]) => [evidenceLabel(k), v]),
      ),
      '',
    );
    if (c.next) push(`Next: ${mdText(c.next)}`, '');
    push(`Alert kinds counted toward this control: ${mdText(c.alertKinds.join(', '))}.`, '');
    push(
      `References: OWASP LLM Top 10 (2025): ${mdText(refs(c.references.owaspLlm))}; MITRE ATLAS: ${mdText(refs(c.references.mitreAtlas))}; EU AI Act: ${mdText(refs(c.references.euAiAct))}; NIST AI RMF 1.0: ${mdText(refs(c.references.nistAiRmf))}.`,
      '',
    );
  }

  push('## Inventory', '');
  const cov = r.coverage;
  push(
    `${cov.genAiSpans} GenAI span(s): ${cov.modelCalls} model call(s), ${cov.toolCalls} tool call(s), ${cov.invokeAgentSpans} agent invocation(s); ` +
      `${cov.withAgentIdentity} with agent identity, ${cov.withConversationId} with a conversation id; ` +
      `${cov.contentCaptured} with (redacted) content, ${cov.metadataOnly} metadata only. ` +
      `${cov.uncoveredModelCalls} model call(s) were seen without a GenAI span.` +
      (r.inventory.dropped ? ` ${r.inventory.dropped} name(s) exceeded the inventory cap and are counted, not listed.` : ''),
    '',
  );
  for (const [label, items] of [
    ['Models', r.inventory.models],
    ['Providers', r.inventory.providers],
    ['Agents', r.inventory.agents],
    ['Tools', r.inventory.tools],
    ['MCP servers', r.inventory.mcpServers],
  ] as const) {
    push(`### ${label}`, '', inventoryTable(items), '');
  }

  push('## Alerts', '');
  push(
    `${r.alerts.total} alert(s) in the period; ${r.alerts.subscribers === undefined ? 'the number of alert subscribers is unknown' : `${r.alerts.subscribers} subscriber(s) receive them`}.`,
    '',
  );
  push(
    table(
      ['Kind', 'Alerts'],
      ALERT_KINDS.map((k) => [k, r.alerts.byKind[k]]),
    ),
    '',
  );
  const tl = r.alerts.timeline;
  if (tl.buckets.length) {
    push(`Alerts over time (buckets of ${formatDuration(tl.bucketMs)}, UTC):`, '');
    push(
      table(
        ['Bucket start (UTC)', ...ALERT_KINDS],
        tl.buckets.map((b) => [isoTime(b.start), ...ALERT_KINDS.map((k) => b.counts[k])]),
      ),
      '',
    );
  }
  if (r.alerts.recent.length) {
    push('Latest alerts received (up to 20, newest first):', '');
    push(
      table(
        ['Time (UTC)', 'Kind', 'Severity', 'Detector', 'Message'],
        [...r.alerts.recent].reverse().map((a) => [a.time, a.kind, a.severity, a.detector, a.message]),
      ),
      '',
    );
  }

  push('## Detectors', '');
  push(`Learned baselines: ${r.baselines === undefined ? 'unknown' : r.baselines}.`, '');
  push(
    r.detectors.length
      ? table(
          ['Detector', 'Feature', 'Threshold', 'Calibrated false-alarm rate'],
          r.detectors.map((d) => [d.id, d.feature ?? '—', d.threshold, formatRate(d.expectedRecordsBetweenFalseAlarms, d.falseAlarmRate)]),
        )
      : '_No detector configuration was supplied._',
    '',
  );

  push('## Policies and decisions', '');
  push(
    r.policies.length
      ? table(
          ['Agent', 'Mode', 'Allowed tools', 'Allowed MCP servers', 'Needs approval', 'Argument constraints'],
          r.policies.map((p) => [p.agent, p.mode, list(p.allowedTools), list(p.allowedMcpServers), list(p.requireApproval), list(p.argumentConstraints)]),
        )
      : '_No policy is configured._',
    '',
  );
  const d = r.decisions;
  push(
    `Decisions recorded: ${d.allow} allowed, ${d.deny} denied, ${d.audit_deny} audit-mode violations that ran, ${d.approved} approved by a human, ${d.approval_denied} refused by a human (${d.byMode.enforce} under enforce, ${d.byMode.audit} under audit).`,
    '',
  );

  push('## MCP servers', '');
  push(
    r.mcpServers.length
      ? table(
          ['Server', 'Tool calls', 'Scanned before first call', 'Scans', 'Last decision', 'Findings (crit/high/med/low)', 'Pinned', 'Changed'],
          r.mcpServers.map((m) => [
            m.name,
            m.toolCalls,
            m.scannedBeforeFirstCall ? 'yes' : 'NO',
            m.scans,
            m.lastDecision ?? '—',
            `${m.findings.critical}/${m.findings.high}/${m.findings.medium}/${m.findings.low}`,
            m.pins.pinned + m.pins.unchanged + m.pins.approved,
            m.pins.changed,
          ]),
        )
      : '_No MCP server connection was observed._',
    '',
  );

  push('## Audit log', '');
  const log = r.auditLog;
  push(
    !log
      ? '_No audit log is configured._'
      : `Audit log \`${mdText(log.path).replace(/`/g, "'")}\`: ${log.verified === true ? '**hash chain verified**' : log.verified === false ? '**verification FAILED**' : 'not verified'}` +
          (log.entries !== undefined ? `, ${log.entries} entries` : '') +
          (log.checkedAt ? `, checked ${mdText(log.checkedAt)}` : '') +
          (log.error ? ` (${mdText(log.error)})` : '') +
          '.',
    '',
  );

  push('## Framework references', '');
  push(
    table(
      ['Framework', 'Edition'],
      r.frameworks.editions.map((e) => [e.name, e.edition]),
    ),
    '',
  );
  push(
    `Level 4 (automated scoring and evidence): EU AI Act ${mdText(refs(r.frameworks.level4.euAiAct))}; NIST AI RMF 1.0 ${mdText(refs(r.frameworks.level4.nistAiRmf))}.`,
    '',
  );
  push(mdText(r.frameworks.disclaimer), '');

  push('## Method and limitations', '');
  push(
    '- Figures are counted from OpenTelemetry GenAI spans and Warden evidence events; memory is bounded, so inventories are capped and alert history is kept as counts per time bucket.',
    '- A model call counts as uncovered when an HTTP client span reaches a known model API host with no GenAI span around it; calls made without any tracing cannot be seen at all.',
    '- Tool-call coverage compares the tool calls models requested with execute_tool spans of the same name.',
    '- The maturity level is the highest level the evidence supports; missing evidence lowers it. Level 4 also needs adversarial simulation in production, which telemetry cannot show.',
    '',
  );
  return out.join('\n');
}

export interface MarkdownSection {
  title: string;
  body: string;
  subsections: { title: string; body: string }[];
}

/** Split a Markdown report into its H1 title, H2 sections and H3 subsections. */
export function parseMarkdownReport(md: string): { title: string; sections: MarkdownSection[] } {
  let title = '';
  const sections: MarkdownSection[] = [];
  for (const line of md.split(/\r?\n/)) {
    const h = /^(#{1,3}) (.*)$/.exec(line);
    const current = sections[sections.length - 1];
    const sub = current?.subsections[current.subsections.length - 1];
    if (h && h[1] === '#') title = h[2];
    else if (h && h[1] === '##') sections.push({ title: h[2], body: '', subsections: [] });
    else if (h && h[1] === '###' && current) current.subsections.push({ title: h[2], body: '' });
    else if (sub) sub.body += `${line}\n`;
    else if (current) current.body += `${line}\n`;
  }
  return { title, sections };
}

const controlSubsection = z.object({
  title: z.string().regex(/^L3\.[a-z-]+ — .+/, 'a control heading is "<id> — <title>"'),
  body: z
    .string()
    .regex(/^Status: \*\*(Met|Partially met|Not met|Not applicable)\*\*$/m, 'each control states its status')
    .regex(/^\| Evidence \| Value \|$/m, 'each control has an evidence table')
    .regex(/^References: OWASP LLM Top 10 \(2025\): .*EU AI Act: .*NIST AI RMF 1\.0: /m, 'each control lists its framework references'),
});

/** The structure every Markdown evidence report must have. */
export const MarkdownReportStructureSchema = z.object({
  title: z.string().startsWith('AI security evidence report'),
  sections: z
    .array(z.object({ title: z.string(), body: z.string(), subsections: z.array(z.object({ title: z.string(), body: z.string() })) }))
    .refine((s) => s.map((x) => x.title).join('|') === REPORT_SECTIONS.join('|'), {
      message: `sections must be, in order: ${REPORT_SECTIONS.join(', ')}`,
    })
    .refine((s) => /\*\*Maturity level supported by the evidence: Level [0-4] – \w+\.\*\*/.test(s[0]?.body ?? ''), {
      message: 'the Summary states the maturity level',
    })
    .refine((s) => s.find((x) => x.title === 'Controls')?.subsections.length === 5, { message: 'Controls has one subsection per Level 3 control (5)' })
    .refine((s) => (s.find((x) => x.title === 'Controls')?.subsections ?? []).every((c) => controlSubsection.safeParse(c).success), {
      message: 'every control subsection has a status, an evidence table and framework references',
    })
    .refine((s) => /references, not legal advice/.test(s.find((x) => x.title === 'Framework references')?.body ?? ''), {
      message: 'Framework references says they are not legal advice',
    }),
});
