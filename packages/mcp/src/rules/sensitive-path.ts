import type { Severity } from '@warden/core';
import { REF } from '../references';
import { defineRule, matchAll, type TextRule } from './rule';

const meta = defineRule(
  'WMCP010',
  'sensitive-path',
  'high',
  'A reference to credential or configuration files (~/.ssh, id_rsa, .env, mcp.json, cloud credentials).',
  [REF.LLM02, REF.T0057, REF.MCP01],
);

export const SENSITIVE_PATHS: readonly [RegExp, Severity | 'config'][] = [
  [/(?:~|\$HOME|%USERPROFILE%)?[\\/]?\.ssh\b(?:[\\/][\w.-]+)?/, 'high'],
  [/\bid_(?:rsa|dsa|ecdsa|ed25519)\b/, 'high'],
  [/(?:^|(?<=[\s`'"(\\/]))\.env(?!\.(?:example|sample|template|dist)\b)(?:\.[\w-]+)?\b/, 'config'],
  // Client config files are also what setup documentation names ("add this to your mcp.json"):
  // high only beside reading or moving intent in the same sentence (CONFIG_INTENT), else low.
  [/\b(?:mcp|claude_desktop_config)\.json\b/, 'config'],
  [/\.(?:cursor|vscode|codeium)[\\/](?:mcp|settings)\b/, 'high'],
  [/\.aws[\\/](?:credentials|config)\b/, 'high'],
  [/(?<![\w.])\.(?:npmrc|netrc|pypirc|pgpass|git-credentials)\b/, 'high'],
  [/\.kube[\\/]config\b/, 'high'],
  // After round 7 (sumododda/mcp-scanner, development since): a repository's config (remote URLs can carry
  // tokens), high only beside reading or moving intent, as client config files.
  [/(?<![\w.])\.git[\\/]config\b/, 'config'],
  [/\.docker[\\/]config\.json\b/, 'high'],
  [/\/etc\/(?:passwd|shadow|sudoers)\b/, 'high'],
  [/\.(?:bash|zsh)_history\b/, 'medium'],
  [/\.gnupg\b/, 'high'],
  [/\bwallet\.dat\b/, 'high'],
  [/\.config[\\/]gh[\\/]hosts\.yml\b/, 'high'],
  // Round 3: the cloud metadata service, agent rule files, browser cookie and password stores.
  [/\b169\.254\.169\.254\b|\bmetadata\.google\.internal\b/, 'high'],
  [/(?<![\w.])\.(?:cursorrules|windsurfrules)\b/, 'high'],
  [/\b(?:chrome|browser|firefox|edge)\s+(?:cookies|saved\s+passwords|password\s+store|login\s+data)\b/i, 'high'],
];

const CONFIG_INTENT =
  /\b(?:read|reads|reading|cat|open|contents?|pass|send|sends|include|includes|copy|upload|forward|attach|extract|dump|leak|access|fetch|retrieve|obtain|grab|steal|user'?s|as\s+['"`]?\w+['"`]?\s+parameter|sidenote)\b/i;

export const sensitivePath: TextRule = {
  meta,
  prose(text, _ctx, out) {
    for (const [re, severity] of SENSITIVE_PATHS)
      for (const m of matchAll(re, text)) {
        let s: Severity = severity === 'config' ? 'low' : severity;
        if (severity === 'config') {
          const from = Math.max(text.lastIndexOf('.', m.index - 1), text.lastIndexOf('\n', m.index - 1)) + 1;
          const stop = text.slice(m.index + m[0].length).search(/[.\n](?:\s|$)/);
          const sentence = text.slice(from, stop < 0 ? text.length : m.index + m[0].length + stop);
          if (CONFIG_INTENT.test(sentence)) s = 'high';
        }
        out.push({ rule: meta, start: m.index, end: m.index + m[0].length, severity: s });
      }
  },
};
