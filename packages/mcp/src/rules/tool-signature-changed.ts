import { REF } from '../references';
import { defineRule } from './rule';

/** Raised by the pin comparison (`scanMcpConfig(..., { pins })`, `warden scan --pins`), not by reading text. */
export const toolSignatureChanged = defineRule(
  'WMCP018',
  'tool-signature-changed',
  'high',
  'A tool whose name, description, schemas or annotations changed since its signature was pinned (a rug pull until re-approved).',
  [REF.LLM03, REF.T0010, REF.MCP04],
);
