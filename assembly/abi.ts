// The Fluent Bit boundary (filter_wasm, event_format json): the only file that knows how
// Fluent Bit calls the module. See ../shared/fluent-bit-wasm-abi.md.
import "./wasi/abort";
import { filterRecord } from "./pipeline";
import { checkPolicy, defaultPolicyText } from "./policy/check";
import { collectIfDue } from "./gc";

// WAMR copies the tag and the body in through these (preferred over its small app heap).
export { malloc, free } from "./memory";

/** Fluent Bit's per-record call: returns a NUL-terminated JSON object, or 0 to drop the record. */
export function logseal_filter(tag: usize, tagLen: u32, timeSec: u32, timeNsec: u32, body: usize, bodyLen: u32): usize {
  collectIfDue();
  return filterRecord(tag, tagLen, timeSec, timeNsec, body, bodyLen);
}

/** For the CLI's `policy check`: validation of a policy document, as NUL-terminated JSON. */
export function logseal_policy_check(ptr: usize, len: u32): usize {
  collectIfDue();
  return checkPolicy(ptr, len);
}

/** For the CLI and docs: the embedded default policy, NUL-terminated. */
export function logseal_default_policy(): usize {
  return defaultPolicyText();
}
