// Sealing through the real module: a directory as Fluent Bit's accessible path (policy, key,
// state), instances of the Node host on it, and the verifier over what they wrote.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FilterHost } from "../../cli/host.js";
import { Verifier, type VerifyOptions, type VerifyResult } from "../../cli/verify.js";
import { RELEASE_WASM } from "./filter.js";
import { scratchDir } from "../../cli/scratch.js";

export const KEY = "4f1d0c8a2b7e6d5c3b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e"; // the key file's text
export const KEY_BYTES = Buffer.from(KEY);

/** Policy with a seal section; redaction and enrichment left out of the way. */
export function sealPolicy(seal: object = {}, extra: object = {}): object {
  return { version: "seal-test-1", redact: { keys: [], scan: [] }, seal, ...extra };
}

/** A directory holding the policy and (unless `key` is false) seal.key. */
export function sealDir(policy: object, key: string | false = KEY): string {
  const dir = scratchDir("logseal-seal-");
  writeFileSync(join(dir, "logseal.policy.json"), JSON.stringify(policy));
  if (key !== false) writeFileSync(join(dir, "seal.key"), key + "\n");
  return dir;
}

export const startFilter = (dir: string): FilterHost => FilterHost.load(RELEASE_WASM, { preopens: { ".": dir } });

export interface Input {
  tag: string;
  body: string | object;
  sec?: number;
  nsec?: number;
}

/**
 * Sends records through instances on `dir`: a new instance every `perInstance` records (Fluent Bit
 * before 4.1 instantiates per chunk), one for all when 0. Returns the output lines (drops omitted).
 */
export function sealAll(dir: string, inputs: Iterable<Input>, perInstance = 0): string[] {
  const lines: string[] = [];
  let filter = startFilter(dir);
  let n = 0;
  for (const input of inputs) {
    if (perInstance > 0 && n > 0 && n % perInstance === 0) filter = startFilter(dir);
    n++;
    const body = typeof input.body === "string" ? input.body : JSON.stringify(input.body);
    const raw = filter.callRaw(input.tag, body, input.sec ?? 1_700_000_000 + n, input.nsec ?? n % 1_000_000_000);
    if (raw !== null && raw.length > 0) lines.push(Buffer.from(raw).toString("utf8"));
  }
  return lines;
}

/** Records `count` plain records on the given tags, round robin. */
export function* records(count: number, tags = ["app"], from = 0): Generator<Input> {
  for (let i = from; i < from + count; i++) yield { tag: tags[i % tags.length], body: { msg: `record ${i}`, i, ratio: i / 7 } };
}

export function verifyLines(lines: string[], options: VerifyOptions = { keys: [KEY_BYTES] }, file = "sealed.ndjson"): VerifyResult {
  const verifier = new Verifier(options);
  lines.forEach((line, i) => verifier.addLine(line, file, i + 1));
  return verifier.finish();
}

export const sealOf = (line: string): Record<string, any> => JSON.parse(line)._seal;
export const readState = (dir: string): string => readFileSync(join(dir, "logseal.state"), "utf8");
export const removeState = (dir: string): void => rmSync(join(dir, "logseal.state"));
