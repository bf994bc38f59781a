export { startFakeLlmServer, type FakeLlmServer } from './fake-llm-server';
export { fillerText, type FakeBehaviour, type FakeReply, type FakeRequest } from './fake-reply';
export { createTestTracing, type TestTracing } from './test-tracing';
export { startOtlpReceiver, type OtlpReceiver, type ReceivedExport } from './otlp-receiver';
export { startFixtureServer, type FixtureServer } from './fixture-server';
export { startTwinClients, both, drain, errorShape, type TwinClients, type Outcome } from './twin-clients';
export {
  runOverheadBench,
  printOverhead,
  DroppingExporter,
  fetchFromMemory,
  chatCompletionsFromMemory,
  sseBody,
  type OverheadBench,
  type OverheadBenchOptions,
  type OverheadRow,
  type OverheadScenario,
  type OverheadVariant,
} from './bench-harness';
export { seededRandom, normal, logNormal, poisson } from './seeded-random';
