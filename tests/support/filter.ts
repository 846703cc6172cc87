// Builds filter instances the way Fluent Bit would, with a policy and files in a
// pre-opened directory (its `accessible_paths`).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { FilterHost } from "../../cli/host.js";
import { scratchDir } from "../../cli/scratch.js";

export const RELEASE_WASM = new URL("../../build/logseal.wasm", import.meta.url).pathname;

/** Fields logseal may append; removed when comparing a record with its input. */
export const ADDED_FIELDS = ["_seal", "logseal_error", "logseal_raw", "redaction", "severity_text", "severity_number", "audit", "logseal_policy"];

export interface FilterSetup {
  policy?: object | string;
  files?: Record<string, string>;
  wasm?: string;
}

/** A directory holding the given files (and the policy as logseal.policy.json). */
export function makeDir(setup: FilterSetup = {}): string {
  const dir = scratchDir("logseal-test-");
  if (setup.policy !== undefined) {
    const text = typeof setup.policy === "string" ? setup.policy : JSON.stringify(setup.policy);
    writeFileSync(join(dir, "logseal.policy.json"), text);
  }
  for (const [name, content] of Object.entries(setup.files ?? {})) writeFileSync(join(dir, name), content);
  return dir;
}

export function makeFilter(setup: FilterSetup = {}): FilterHost {
  return FilterHost.load(setup.wasm ?? RELEASE_WASM, { preopens: { ".": makeDir(setup) } });
}

/** The record the filter makes of `body` (sent under `tag`), without its seal; throws when it is dropped. */
export function recordOf(filter: FilterHost, body: object | string, tag = "kube.app"): Record<string, any> {
  const result = filter.call(tag, typeof body === "string" ? body : JSON.stringify(body));
  if (result.kind !== "record") throw new Error(`dropped: ${result.reason}`);
  const { _seal, ...record } = result.record;
  return record;
}

/** Drops the fields logseal adds, to compare a record with what went in. */
export function withoutAdded(record: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...record };
  for (const field of ADDED_FIELDS) delete copy[field];
  return copy;
}

/** A policy that changes nothing: no key rules, every detector off, nothing added. */
export const PASS_THROUGH_POLICY = {
  version: "pass-through",
  redact: { keys: [], scan: [] },
};
