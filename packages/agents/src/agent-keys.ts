/**
 * Per-agent Ed25519 keys: a key set file names each agent's public key and, in the process
 * that runs the agent, its private key. A process signs hand-offs only for the agents whose
 * private keys it holds, and verifies anyone whose public key it knows.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { WardenConfigError } from '@warden/core';
import { ed25519KeysMatch, generateEd25519KeyPair, parseConfig, parseEd25519PrivateKey, parseEd25519PublicKey, readConfigFile } from '@warden/core/internal';
import { z } from 'zod';

export const agentKeySetSchema = z
  .object({
    version: z.literal(1),
    agents: z
      .record(z.string(), z.object({ publicKey: z.string().min(1), privateKey: z.string().min(1).optional() }).strict())
      .refine((agents) => !Object.hasOwn(agents, ''), 'expected non-empty agent names'),
  })
  .strict();

/** The key set as written in the file: PEM text per agent. */
export type AgentKeySetFile = z.infer<typeof agentKeySetSchema>;

/** A validated key set: keys parsed once, looked up per hand-off. */
export class AgentKeySet {
  private constructor(
    private readonly publicKeys: ReadonlyMap<string, KeyObject>,
    private readonly privateKeys: ReadonlyMap<string, KeyObject>,
  ) {}

  /** Validates a key set object; every error names the field (`agents["billing"].publicKey`). */
  static parse(input: unknown, where = 'agent key set'): AgentKeySet {
    const file = parseConfig(agentKeySetSchema, input, where);
    const publicKeys = new Map<string, KeyObject>();
    const privateKeys = new Map<string, KeyObject>();
    for (const [agent, keys] of Object.entries(file.agents)) {
      const at = `${where}: agents[${JSON.stringify(agent)}]`;
      const pub = parseEd25519PublicKey(keys.publicKey, `${at}.publicKey`);
      publicKeys.set(agent, pub);
      if (keys.privateKey !== undefined) {
        const priv = parseEd25519PrivateKey(keys.privateKey, `${at}.privateKey`);
        if (!ed25519KeysMatch(priv, pub))
          throw new WardenConfigError(`${at}.privateKey: does not belong to the publicKey listed for this agent`, [
            { path: `agents.${agent}.privateKey`, message: 'does not match publicKey' },
          ]);
        privateKeys.set(agent, priv);
      }
    }
    return new AgentKeySet(publicKeys, privateKeys);
  }

  /** Agents with a public key. */
  agents(): string[] {
    return [...this.publicKeys.keys()];
  }

  /** Agents this process can sign for. */
  signers(): string[] {
    return [...this.privateKeys.keys()];
  }

  publicKey(agent: string): KeyObject | undefined {
    return this.publicKeys.get(agent);
  }

  privateKey(agent: string): KeyObject | undefined {
    return this.privateKeys.get(agent);
  }
}

/** Fresh keys for `agents` (private keys included): write with writeAgentKeySet, hand each process what it needs. */
export function generateAgentKeySet(agents: readonly string[]): AgentKeySetFile {
  const out: AgentKeySetFile = { version: 1, agents: {} };
  for (const agent of agents) {
    if (typeof agent !== 'string' || agent.length === 0) throw new WardenConfigError('generateAgentKeySet: agent names must be non-empty strings');
    out.agents[agent] = generateEd25519KeyPair();
  }
  return out;
}

/** The same key set without private keys: what other processes need to verify these agents. */
export function publicAgentKeySet(file: AgentKeySetFile): AgentKeySetFile {
  return { version: 1, agents: Object.fromEntries(Object.entries(file.agents).map(([a, k]) => [a, { publicKey: k.publicKey }])) };
}

/** Reads and validates a key set file (JSON). */
export function loadAgentKeySet(path: string): AgentKeySet {
  return AgentKeySet.parse(readConfigFile(`Agent key set ${path}`, path), `agent key set ${path}`);
}

/** Writes a key set file readable by its owner only (it may hold private keys). */
export function writeAgentKeySet(path: string, file: AgentKeySetFile): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}
