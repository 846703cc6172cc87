// The filter's long-lived state: the policy in force, compiled for the hot path, with its
// keys. Loaded on the first record (WASI is usable only once the host has set up the
// instance), and again when the policy file changes.
import { HMAC_KEY_SIZE, HmacKey } from "./crypto/hmac";
import { Captures } from "./enrichment/capture";
import { Enricher } from "./enrichment/enricher";
import { InputStage } from "./input/stage";
import { KeyVerdicts } from "./policy/keyverdicts";
import { requestCollection } from "./gc";
import { Sealer } from "./sealing/sealer";
import { KEY_ID_SIZE, keyIdOf } from "./sealing/sealkey";
import { DEFAULT_POLICY } from "./policy/default";
import { loadKey } from "./policy/keys";
import { CompiledPolicy, Policy, compilePolicy } from "./policy/policy";
import { Redactor } from "./redaction/redactor";
import { Action } from "./redaction/policy";
import { logLine } from "./wasi/stderr";
import { modifiedNs, readFile } from "./wasi/files";
import { wallClock } from "./wasi/wallclock";

export const POLICY_FILE = "logseal.policy.json";
/** The pseudonym key's one home: a reload re-keys it in place rather than allocating another. */
const PSEUDONYM_KEY = HmacKey.at(memory.data(<i32>HMAC_KEY_SIZE, 16));
const PSEUDONYM_KEY_ID = memory.data(<i32>KEY_ID_SIZE);
export const EMBEDDED = "embedded default";

export class Engine {
  /** Why the policy in force is not the one configured; carried by every record. */
  configError: string = "";
  /** The same, encoded once: it goes into every record. */
  configErrorUtf8: ArrayBuffer = new ArrayBuffer(0);
  /** Modification time of the policy file it was loaded from (0: none found). */
  policyMtime: u64 = 0;
  readonly captures: Captures;
  readonly input: InputStage;
  readonly redactor: Redactor;
  readonly enricher: Enricher;
  readonly sealer: Sealer;
  /** The key matchers' verdicts on the last records' members: valid for this policy's matchers only. */
  readonly verdicts: KeyVerdicts = new KeyVerdicts();

  constructor(public policy: Policy) {
    const captures = new Captures();
    this.captures = captures;
    this.input = new InputStage(policy.input);
    this.redactor = new Redactor(policy.redact, null);
    this.enricher = new Enricher(policy.enrich, captures, policy.version);
    this.sealer = new Sealer(policy.seal, captures, policy.version);
  }
}

let engine: Engine | null = null;
/** Wall-clock second from which the policy file may be checked for changes again. */
let nextCheckSec: i64 = 0;

export function currentEngine(): Engine {
  let current = engine;
  if (current == null) {
    current = startEngine();
    engine = current;
  }
  return current;
}

/**
 * Rebuilds the engine when the policy file has changed (a new mtime, or the file appeared or
 * went away), looking at most every `reload_seconds` of wall-clock time. A new policy is
 * loaded exactly as at start-up, so an invalid one fails closed to the embedded default with
 * the reason in every record's logseal_error. Call before `currentEngine()` for each record.
 */
export function maybeReload(sec: u32): void {
  const now = wallClock.tick(sec);
  const current = engine;
  if (current == null || current.policy.reloadSeconds == 0 || now < nextCheckSec) return;
  nextCheckSec = now + current.policy.reloadSeconds;
  if (modifiedNs(POLICY_FILE) == current.policyMtime) return;
  const next = startEngine();
  engine = next;
  requestCollection(); // the previous policy's objects
  logLine("policy changed: now " + next.policy.source + " version " + next.policy.version);
}

function startEngine(): Engine {
  const file = readFile(POLICY_FILE);
  const bytes = file.bytes;
  let configError = "";
  let compiled: CompiledPolicy;
  if (bytes == null) {
    compiled = compileDefault();
  } else {
    compiled = compilePolicy(changetype<usize>(bytes), <usize>bytes.byteLength, file.where);
    if (compiled.issues.length != 0) {
      configError = "policy " + file.where + " is invalid, the embedded default applies: " + compiled.issues[0];
      compiled = compileDefault();
    }
  }
  const engine = new Engine(compiled.policy);
  engine.policyMtime = file.mtimeNs;
  nextCheckSec = wallClock.nowSec + engine.policy.reloadSeconds;
  const problems = [configError, attachPseudonymKey(engine), engine.enricher.startupError(), engine.sealer.startupError()];
  configError = problems.filter((p: string) => p.length != 0).join("; ");
  engine.configError = configError;
  engine.configErrorUtf8 = String.UTF8.encode(configError);
  if (configError.length != 0) logLine(configError);
  return engine;
}

export function compileDefault(): CompiledPolicy {
  const text = String.UTF8.encode(DEFAULT_POLICY);
  return compilePolicy(changetype<usize>(text), <usize>text.byteLength, EMBEDDED);
}

/** Loads the pseudonym key; an error only matters if some rule hashes. */
function attachPseudonymKey(engine: Engine): string {
  const redact = engine.policy.redact;
  const key = loadKey(redact.pseudonymKeyFile);
  const bytes = key.bytes;
  if (bytes != null) {
    PSEUDONYM_KEY.set(changetype<usize>(bytes), <usize>bytes.byteLength);
    memory.fill(changetype<usize>(bytes), 0, <usize>bytes.byteLength);
    keyIdOf(PSEUDONYM_KEY, PSEUDONYM_KEY_ID);
    if (engine.sealer.sealsWithKey(PSEUDONYM_KEY_ID)) {
      // A pseudonym is HMAC(key, value): under the seal key it would hand out MACs (docs/redteam.md).
      memory.fill(changetype<usize>(PSEUDONYM_KEY), 0, HMAC_KEY_SIZE);
      return usesHash(engine.policy) ? "the pseudonym key " + key.where + " is the seal key: hashed values are masked instead (give pseudonyms a key of their own)" : "";
    }
    engine.redactor.renderer.pseudonyms.key = PSEUDONYM_KEY;
    return "";
  }
  return usesHash(engine.policy) ? key.error + ": hashed values are masked instead" : "";
}

function usesHash(policy: Policy): bool {
  const redact = policy.redact;
  for (let i = 0; i < redact.rules.length; i++) if (redact.rules[i].action == Action.Hash) return true;
  for (let i = 0; i < redact.detectors.length; i++) if (redact.detectors[i].treatment.action == Action.Hash) return true;
  return redact.allow != null && redact.allowTreatment.action == Action.Hash;
}
