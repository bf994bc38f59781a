/** Two rules about how the client reaches a remote server. */
import { REF } from '../references';
import { defineRule } from './rule';

export const insecureTransport = defineRule(
  'WMCP016',
  'insecure-transport',
  'high',
  'Plain http:// to a host that is not loopback: traffic and tokens travel unencrypted.',
  [REF.LLM03, REF.MCP07],
);

export const missingAuthentication = defineRule(
  'WMCP017',
  'missing-authentication',
  'medium',
  'A remote server reached without an Authorization header or auth provider.',
  [REF.LLM03, REF.MCP07],
);

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || h.endsWith('.localhost');
}
