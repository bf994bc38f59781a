export { startServe, type ServeHandle } from './serve/serve';
export { ServeOptionsSchema, type ServeOptions, type ServeOptionsInput } from './serve/serve-options';
export { runServeCommand, parseServeArgs, SERVE_USAGE } from './serve/serve-command';
export { decodeTraceRequest, type DecodedSpan, type DecodedTraceRequest } from './serve/otlp-decode';
