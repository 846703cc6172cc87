// The `seal` section of the policy: which chains, which key, where the chain state lives, and
// how often the key evolves (docs/sealing.md).
import { KeyMatcher } from "../policy/keymatch";
import { Issues } from "../policy/issues";
import { JsonValue, Kind } from "../policy/value";

export const CHAIN_BY_TAG = "tag";
export const MAX_CHAINS_LIMIT: i64 = 65536;
/** seal.mode: MACs (HMAC-SHA256 with a key file, else SHA-256), or per-node Ed25519 signatures (docs/signing.md). */
export const MODES = ["mac", "signed"];
/** seal.mac: the MAC of keyed seals in mode "mac": keyed BLAKE2b, or HMAC-SHA256 (what logseal sealed with before December 2026). */
export const MACS = ["blake2b-keyed", "hmac-sha256"];
/** Signed mode's key evolution when the policy sets no epoch: hourly. */
export const SIGNED_EPOCH_SECONDS: i64 = 3600;

export class SealPolicy {
  enabled: bool = true;
  keyFile: string = "seal.key";
  /** The policy names its key file: a missing key is then an error (sealing falls back to SHA-256). */
  keyRequired: bool = false;
  /** Keyed seals by HMAC-SHA256 (seal.mac "hmac-sha256"), not keyed BLAKE2b. */
  macHmacSha256: bool = false;
  /** "tag", or the dotted path of a field whose value names the chain. */
  chainBy: string = CHAIN_BY_TAG;
  stateFile: string = "logseal.state";
  /** Write a chain's state after every n-th record (1: every record). */
  persistEvery: i32 = 1;
  maxChains: i32 = 1024;
  /** The origin named in every seal: this text, else the first line of `originFile` (docs/sealing.md). */
  origin: string = "";
  originFile: string = "logseal.origin";
  /** The policy names its origin file: a missing one is then an error. */
  originRequired: bool = false;
  /** Forward security: a new key every so many records and/or seconds (0: never). */
  epochRecords: i64 = 0;
  epochSeconds: i64 = 0;
  /** Signed mode (docs/signing.md): a node key pair, checkpoints signed every so many records or seconds. */
  signed: bool = false;
  checkpointRecords: i64 = 1000;
  checkpointSeconds: i64 = 60;
  signingFile: string = "logseal.signing";

  get chainsByTag(): bool {
    return this.chainBy == CHAIN_BY_TAG;
  }

  get forwardSecure(): bool {
    return this.epochRecords > 0 || this.epochSeconds > 0;
  }
}

const SECTION_KEYS = ["enabled", "key_file", "mac", "chain_by", "state_file", "persist_every", "max_chains", "epoch_records", "epoch_seconds", "origin", "origin_file",
  "mode", "checkpoint_records", "checkpoint_seconds", "signing_file"];

export function parseSealPolicy(section: JsonValue | null, issues: Issues): SealPolicy {
  const policy = new SealPolicy();
  const object = issues.object(section, "seal");
  if (object == null) return policy;
  issues.onlyKeys(object, "seal", SECTION_KEYS);
  policy.enabled = issues.bool(object.get("enabled"), "seal.enabled", true);
  const keyFile = object.get("key_file");
  policy.keyFile = nonEmpty(issues, keyFile, "seal.key_file", policy.keyFile);
  policy.keyRequired = keyFile != null;
  policy.macHmacSha256 = issues.choice(object.get("mac"), "seal.mac", MACS, 0) == 1;
  policy.stateFile = nonEmpty(issues, object.get("state_file"), "seal.state_file", policy.stateFile);
  policy.origin = issues.string(object.get("origin"), "seal.origin", "");
  const originFile = object.get("origin_file");
  policy.originFile = nonEmpty(issues, originFile, "seal.origin_file", policy.originFile);
  policy.originRequired = originFile != null;
  const chainBy = object.get("chain_by");
  policy.chainBy = nonEmpty(issues, chainBy, "seal.chain_by", CHAIN_BY_TAG);
  if (!policy.chainsByTag && (policy.chainBy.split(".").includes("") || !new KeyMatcher().addPath(policy.chainBy, 0))) {
    issues.add(chainBy, "seal.chain_by", "must be \"tag\" or a dotted field path (e.g. \"kubernetes.namespace_name\")");
    policy.chainBy = CHAIN_BY_TAG;
  }
  policy.persistEvery = <i32>issues.integer(object.get("persist_every"), "seal.persist_every", 1, 1, 1000000);
  policy.maxChains = <i32>issues.integer(object.get("max_chains"), "seal.max_chains", 1024, 1, MAX_CHAINS_LIMIT);
  // Epochs are numbered below 2^32 (the key tree's depth): these bounds keep that for centuries.
  policy.epochRecords = issues.integer(object.get("epoch_records"), "seal.epoch_records", 0, 0, 1 << 40);
  policy.epochSeconds = issues.integer(object.get("epoch_seconds"), "seal.epoch_seconds", 0, 0, 1 << 40);
  parseSigning(policy, object, issues);
  return policy;
}

/** seal.mode and the settings only signed mode has. */
function parseSigning(policy: SealPolicy, object: JsonValue, issues: Issues): void {
  policy.signed = issues.choice(object.get("mode"), "seal.mode", MODES, 0) == 1;
  const signingOnly = ["checkpoint_records", "checkpoint_seconds", "signing_file"];
  if (!policy.signed) {
    for (let i = 0; i < signingOnly.length; i++) {
      const value = object.get(signingOnly[i]);
      if (value != null) issues.add(value, "seal." + signingOnly[i], "only with seal.mode \"signed\"");
    }
    return;
  }
  const keyFile = object.get("key_file");
  if (keyFile != null) issues.add(keyFile, "seal.key_file", "not with seal.mode \"signed\": each node makes its own key pair");
  const mac = object.get("mac");
  if (mac != null) issues.add(mac, "seal.mac", "not with seal.mode \"signed\": its links are SHA-256, its checkpoints signed");
  policy.macHmacSha256 = false;
  policy.keyRequired = false;
  policy.checkpointRecords = issues.integer(object.get("checkpoint_records"), "seal.checkpoint_records", 1000, 0, 1 << 40);
  policy.checkpointSeconds = issues.integer(object.get("checkpoint_seconds"), "seal.checkpoint_seconds", 60, 0, 1 << 40);
  policy.signingFile = nonEmpty(issues, object.get("signing_file"), "seal.signing_file", policy.signingFile);
  if (object.get("epoch_records") == null && object.get("epoch_seconds") == null) policy.epochSeconds = SIGNED_EPOCH_SECONDS;
}

function nonEmpty(issues: Issues, value: JsonValue | null, path: string, fallback: string): string {
  const text = issues.string(value, path, fallback);
  if (value != null && value.kind == Kind.String && text.length == 0) {
    issues.add(value, path, "must not be empty");
    return fallback;
  }
  return text;
}
