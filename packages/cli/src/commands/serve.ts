/** `warden serve`: the analyzer for a whole fleet, as an OTLP/HTTP destination (see src/serve/). */
export { runServeCommand as run, SERVE_USAGE } from '../serve/serve-command';
