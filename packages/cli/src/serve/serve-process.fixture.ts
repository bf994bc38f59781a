/** `warden serve` as its own process, for the SIGTERM test: the command exactly as the bin runs it. */
import { runServeCommand } from './serve-command';

runServeCommand(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
  (code) => process.exit(code),
  () => process.exit(70),
);
