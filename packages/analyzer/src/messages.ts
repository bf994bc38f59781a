/** The prose of alerts and summaries: number formatting, who an alert is about, quantile summaries. */
import { quantileSorted } from 'simple-statistics';
import type { AlertSubject } from '@warden/core';
import type { GroupKey, QuantileSummary } from './state';

export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 100) return String(Math.round(v));
  if (a >= 10) return v.toFixed(1).replace(/\.0$/, '');
  return String(Number(v.toPrecision(2)));
}

export function pct(v: number): string {
  return `${fmt(v * 100)}%`;
}

export function quantiles(sorted: Float32Array): QuantileSummary | undefined {
  if (sorted.length === 0) return undefined;
  const arr = Array.from(sorted);
  return { n: arr.length, p50: quantileSorted(arr, 0.5), p90: quantileSorted(arr, 0.9), p99: quantileSorted(arr, 0.99) };
}

export function isoTime(ms: number): string {
  const d = new Date(Number.isFinite(ms) ? ms : 0);
  return Number.isNaN(d.getTime()) ? new Date(0).toISOString() : d.toISOString();
}

export function subjectOf(key: GroupKey, feature: string): AlertSubject {
  return { service: key.service, agent: key.agent, model: key.model, tool: key.tool, feature };
}

export function describeSubject(s: AlertSubject): string {
  const who = s.agent ? `agent ${s.agent}` : s.service ? `service ${s.service}` : 'unnamed agent';
  const tool = s.tool ? `tool ${s.tool} of ` : '';
  return `${tool}${who}${s.model ? ` on ${s.model}` : ''}`;
}
