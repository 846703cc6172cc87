// The policies benchmarks compare, defined once: what each tier of work costs.
import { defaultPolicyJson } from "../cli/policy.ts";

const OFF = { enrich: { severity: false, audit: false }, seal: { enabled: false } };

/** No key rules, no detectors; enrichment and sealing at their defaults. */
export const PASS_THROUGH = { version: "pass-through", redact: { keys: [], scan: [] } };
/** Nothing but reading and writing the record: every stage off (output identical to input). */
export const JSON_CORE = { ...PASS_THROUGH, ...OFF };
/** The embedded default's redaction alone: key rules and detectors, no enrichment, no seal. */
export const REDACTION_ONLY = { ...JSON.parse(defaultPolicyJson()), version: "redaction-only", ...OFF };
/** The embedded default policy: redaction, enrichment, SHA-256 chain (no key file). */
export const DEFAULT_POLICY = undefined;
/** The default policy in signed mode (docs/signing.md), a checkpoint every 64 records (one per bench-iwasm pass). */
export const SIGNED_POLICY = { ...JSON.parse(defaultPolicyJson()), version: "signed", seal: { mode: "signed", origin: "bench", checkpoint_records: 64, checkpoint_seconds: 0 } };
/** The default policy in signed mode with no checkpoint but the segment start's (the floor for a checkpoint's cost). */
export const SIGNED_NO_CHECKPOINT = { ...SIGNED_POLICY, seal: { ...SIGNED_POLICY.seal, checkpoint_records: 0 } };
/** The default policy in signed mode with a checkpoint on every record: minus the floor, one signature's cost. */
export const SIGNED_EVERY_RECORD = { ...SIGNED_POLICY, seal: { ...SIGNED_POLICY.seal, checkpoint_records: 1 } };
/**
 * The default policy writing the chain state every 64 records instead of every record
 * (`seal.persist_every`): what the per-record state write costs, for comparison only (a crash
 * then loses up to 63 heads, docs/sealing.md).
 */
export const PERSIST_64 = (() => {
  const policy = JSON.parse(defaultPolicyJson());
  return { ...policy, version: "persist-64", seal: { ...policy.seal, persist_every: 64 } };
})();
