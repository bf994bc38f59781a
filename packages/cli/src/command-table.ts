/**
 * The `warden` commands. Adding one is one file in src/commands/ exporting `run` and one
 * line here; modules load lazily so a command's dependencies cost nothing to the others.
 */

/** Where a command writes: process streams from the bin, buffers in tests. */
export interface CommandIO {
  stdout: { write(chunk: string): unknown };
  /** isTTY/columns as on process.stderr: progress lines only on a terminal. */
  stderr: { write(chunk: string): unknown; isTTY?: boolean; columns?: number };
  cwd?: string;
}

/** The streams a command's usage and usage errors go to. */
type UsageIO = { stdout: { write(chunk: string): unknown }; stderr: { write(chunk: string): unknown } };

/** `warden <command>: <message>` and the command's usage on stderr; the exit code of a usage error. */
export function usageError(io: UsageIO, command: string, usage: string, message: string): 2 {
  io.stderr.write(`warden ${command}: ${message}\n\n${usage}`);
  return 2;
}

/** A command's usage on stdout, for --help; exit code 0. */
export function printUsage(io: UsageIO, usage: string): 0 {
  io.stdout.write(usage);
  return 0;
}

export interface CommandModule {
  /** Runs the command with the arguments after its name; resolves to the exit code. */
  run(argv: string[], io: CommandIO): Promise<number>;
}

export interface CommandEntry {
  /** One line for `warden --help`. */
  summary: string;
  load(): Promise<CommandModule>;
}

export const COMMANDS: Record<string, CommandEntry> = {
  scan: { summary: 'Scan the MCP servers of an mcpServers config file before onboarding them', load: () => import('./commands/scan') },
  report: { summary: 'Write the AI security evidence report (HTML, Markdown or JSON) from recorded OTLP/JSON traces', load: () => import('./commands/report') },
  drill: {
    summary: 'Run safe synthetic attacks through the configured controls (policies, agent keys, audit log) and report which fired',
    load: () => import('./commands/drill'),
  },
  audit: { summary: 'Verify the hash chain of an audit log (warden audit verify <file>)', load: () => import('./commands/audit') },
  serve: {
    summary: "Receive a fleet's OTLP traces and run the analyzer over every GenAI span (behind the OTel Collector)",
    load: () => import('./commands/serve'),
  },
};
