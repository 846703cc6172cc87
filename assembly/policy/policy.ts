// A whole policy: its identity and one section per concern, each parsed by its owner.
import { EnrichPolicy, parseEnrichPolicy } from "../enrichment/policy";
import { InputPolicy, parseInputPolicy, reserveSourceMember } from "../input/policy";
import { RedactPolicy, parseRedactPolicy } from "../redaction/policy";
import { SealPolicy, parseSealPolicy } from "../sealing/policy";
import { Issues } from "./issues";
import { Kind, describeOffset, parseJson } from "./value";

export class Policy {
  version: string = "";
  /** Where it came from: a file path, or "embedded default". */
  source: string = "";
  input: InputPolicy = new InputPolicy();
  redact: RedactPolicy = new RedactPolicy();
  enrich: EnrichPolicy = new EnrichPolicy();
  seal: SealPolicy = new SealPolicy();
  /** How often (seconds) the policy file is checked for changes; 0: never. */
  reloadSeconds: i32 = 5;
}

export class CompiledPolicy {
  constructor(public policy: Policy, public issues: string[]) {}
}

const TOP_KEYS = ["version", "description", "reload_seconds", "input", "redact", "enrich", "seal"];

/** Parses and validates a policy document; `issues` is empty when it is valid. */
export function compilePolicy(ptr: usize, len: usize, source: string): CompiledPolicy {
  const policy = new Policy();
  policy.source = source;
  const issues = new Issues(ptr, len);
  const parsed = parseJson(ptr, len);
  const root = parsed.value;
  if (root == null) {
    issues.messages.push(describeOffset(ptr, len, parsed.errorOffset) + ": not valid JSON: " + parsed.error);
    return new CompiledPolicy(policy, issues.messages);
  }
  if (root.kind != Kind.Object) {
    issues.add(root, "policy", "must be a JSON object");
    return new CompiledPolicy(policy, issues.messages);
  }
  issues.onlyKeys(root, "policy", TOP_KEYS);
  policy.version = issues.string(root.get("version"), "version", "");
  if (policy.version.length == 0) issues.add(root, "version", "is required (it is written into every record's seal so auditors know which policy applied)");
  policy.reloadSeconds = <i32>issues.integer(root.get("reload_seconds"), "reload_seconds", 5, 0, 86400);
  policy.input = parseInputPolicy(root.get("input"), issues);
  policy.redact = parseRedactPolicy(root.get("redact"), issues);
  policy.enrich = parseEnrichPolicy(root.get("enrich"), issues);
  policy.seal = parseSealPolicy(root.get("seal"), issues);
  reserveSourceMember(policy.input, policy.redact);
  return new CompiledPolicy(policy, issues.messages);
}
