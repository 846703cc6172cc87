// The `enrich` section of the policy (static fields, severity, gating, audit rules).
import { Issues } from "../policy/issues";
import { JsonValue } from "../policy/value";

export class EnrichPolicy {}

export function parseEnrichPolicy(section: JsonValue | null, issues: Issues): EnrichPolicy {
  issues.object(section, "enrich");
  return new EnrichPolicy();
}
