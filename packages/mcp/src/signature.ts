import { createHash } from 'node:crypto';
import { canonicalJson } from '@warden/core/internal';
import type { ToolDefinition } from './scanner';

/** sha256 of everything the model reads about a tool: name, title, description, schemas, annotations. */
export function toolSignatureHash(tool: ToolDefinition): string {
  const signature = {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: tool.inputSchema,
    outputSchema: tool.outputSchema,
    annotations: tool.annotations,
  };
  return createHash('sha256').update(canonicalJson(signature)).digest('hex');
}
