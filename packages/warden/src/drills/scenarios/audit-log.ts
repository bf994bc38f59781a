import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { verifyAuditLogText } from '@warden/agents';
import type { Drill } from '../drill-deployment';

/** Bytes of the log's end that the drill copies (it checks a copy, never the log itself). */
const TAIL_BYTES = 256 * 1024;

function readTail(path: string): string {
  const size = statSync(path).size;
  const n = Math.min(size, TAIL_BYTES);
  const buf = Buffer.alloc(n);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buf, 0, n, size - n);
  } finally {
    closeSync(fd);
  }
  let text = buf.toString('utf8');
  if (n < size) text = text.slice(text.indexOf('\n') + 1); // drop the partial first line
  return text;
}

/** A copy of the audit log's last entries with one line edited must fail verification at that line. */
export const auditLogDrill: Drill = {
  id: 'audit-log',
  control: 'L3.agent-audit',
  async run(deployment) {
    const log = deployment.auditLog;
    if (!log) return { status: 'failed', reason: 'no audit log is configured: nothing would show an edited record' };
    if (!log.path) return { status: 'failed', reason: 'the audit log writes to a stream: the drill needs a file to copy' };
    await log.flush();
    const lines = readTail(log.path)
      .split('\n')
      .filter((l) => l.trim() !== '');
    if (lines.length < 2)
      return { status: 'failed', reason: `the audit log has ${lines.length} entr${lines.length === 1 ? 'y' : 'ies'}: too few to test (needs 2)` };
    const first = JSON.parse(lines[0]!) as { seq: number; prevHash: string };
    const options = {
      start: { seq: first.seq, prevHash: first.prevHash },
      checkpoint: false as const,
      ...(log.hmacKey !== undefined ? { hmacKey: log.hmacKey } : {}),
    };
    const clean = verifyAuditLogText(lines.join('\n'), options);
    if (!clean.ok) return { status: 'failed', reason: `the unedited copy already fails verification: ${clean.problem}` };
    const target = Math.floor(lines.length / 2);
    const entry = JSON.parse(lines[target]!) as Record<string, unknown>;
    entry.time = new Date(Date.parse(String(entry.time)) + 1000).toISOString();
    const edited = [...lines];
    edited[target] = JSON.stringify(entry);
    const result = verifyAuditLogText(edited.join('\n'), options);
    if (result.ok) return { status: 'failed', reason: `a copy with line ${target + 1} edited still verifies: the hash chain does not detect edits` };
    if (result.firstBadLine !== target + 1)
      return { status: 'failed', reason: `the edit of line ${target + 1} was reported at line ${result.firstBadLine ?? '?'}, not at the edited line` };
    return {
      status: 'passed',
      reason: `a copy of the last ${lines.length} audit entries with line ${target + 1} edited failed verification at that line`,
      details: { entriesCopied: lines.length, editedLine: target + 1, editedSeq: Number(entry.seq) },
    };
  },
};
