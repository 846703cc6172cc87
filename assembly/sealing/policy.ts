// The `seal` section of the policy (chain, key, state file, key evolution).
import { Issues } from "../policy/issues";
import { JsonValue } from "../policy/value";

export class SealPolicy {}

export function parseSealPolicy(section: JsonValue | null, issues: Issues): SealPolicy {
  issues.object(section, "seal");
  return new SealPolicy();
}
