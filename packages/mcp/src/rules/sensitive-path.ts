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

export const SENSITIVE_PATHS: readonly [RegExp, Severity][] = [
  [/(?:~|\$HOME|%USERPROFILE%)?[\\/]?\.ssh\b(?:[\\/][\w.-]+)?/, 'high'],
  [/\bid_(?:rsa|dsa|ecdsa|ed25519)\b/, 'high'],
  [/(?:^|(?<=[\s`'"(\\/]))\.env(?!\.(?:example|sample|template|dist)\b)(?:\.[\w-]+)?\b/, 'medium'],
  [/\b(?:mcp|claude_desktop_config)\.json\b/, 'high'],
  [/\.(?:cursor|vscode|codeium)[\\/](?:mcp|settings)\b/, 'high'],
  [/\.aws[\\/](?:credentials|config)\b/, 'high'],
  [/(?<![\w.])\.(?:npmrc|netrc|pypirc|pgpass|git-credentials)\b/, 'high'],
  [/\.kube[\\/]config\b/, 'high'],
  [/\.docker[\\/]config\.json\b/, 'high'],
  [/\/etc\/(?:passwd|shadow|sudoers)\b/, 'high'],
  [/\.(?:bash|zsh)_history\b/, 'medium'],
  [/\.gnupg\b/, 'high'],
  [/\bwallet\.dat\b/, 'high'],
  [/\.config[\\/]gh[\\/]hosts\.yml\b/, 'high'],
];

export const sensitivePath: TextRule = {
  meta,
  prose(text, _ctx, out) {
    for (const [re, severity] of SENSITIVE_PATHS)
      for (const m of matchAll(re, text)) out.push({ rule: meta, start: m.index, end: m.index + m[0].length, severity });
  },
};
