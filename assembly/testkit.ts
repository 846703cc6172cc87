// Entry of build/testkit.wasm: the module's internals exported for the vitest suites,
// without the Fluent Bit boundary. Each concern exports its probes from testkit/<concern>.ts.
import "./wasi/abort";
export { malloc, free } from "./memory";
export * from "./testkit/detectors";
export * from "./testkit/crypto";
export * from "./testkit/sealing";
export * from "./testkit/enrichment";
