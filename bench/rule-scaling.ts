// What the number of rules costs: executed wasm instructions per byte on the 1 KiB container
// record (bench/workload.ts) with the default policy and 17, 50 or every rule enabled (the
// others set to `keep`). The anchor table picks candidates in one pass, so the count should
// hardly move with the rule count (issue 12: under 10% from 17 to 150+).
//   node --import tsx bench/rule-scaling.ts [--size BYTES]
import { defaultPolicyJson } from "../cli/policy.ts";
import { loadTestkit } from "../tests/support/testkit.ts";
import { countInstructions } from "./instructions.ts";
import { containerRecord } from "./workload.ts";

/** Rule ids and families of the built-in table, in id order (from build/testkit.wasm). */
export function builtinRules(): { name: string; family: string }[] {
  const kit = loadTestkit();
  const count = kit.exports.rulesCount();
  const out: { name: string; family: string }[] = [];
  for (let r = 0; r < count; r++) {
    const ptr = kit.exports.ruleInfo(r);
    const bytes = kit.memory.bytes;
    let end = ptr;
    while (bytes[end]) end++;
    const [name, family] = new TextDecoder().decode(bytes.slice(ptr, end)).split(" ");
    out.push({ name, family });
  }
  return out;
}

// The 17 that stand for the detectors before rules were data: the code rules and one data
// rule for each token family they had.
const FIRST_17 = [
  "card", "ssn", "iban", "email", "ipv4", "ipv6", "jwt", "pem_private_key", "aws_secret_key", "url_password",
  "auth_header", "secret_pair", "aws_access_key", "github_classic_pat", "slack_bot_token", "stripe_secret_key",
  "google_api_key_aiza",
];

/** The default policy with only `count` rules enabled (the first 17 above, then in id order). */
export function policyWithRules(count: number | "all", rules = builtinRules()): object {
  const policy = JSON.parse(defaultPolicyJson());
  if (count === "all") return { ...policy, version: "all-rules" };
  const on = new Set(FIRST_17.slice(0, count));
  for (const r of rules) {
    if (on.size >= count) break;
    on.add(r.name);
  }
  const detectors = { ...policy.redact.detectors } as Record<string, unknown>;
  for (const r of rules) if (!on.has(r.name)) detectors[r.name] = "keep";
  return { ...policy, version: `${count}-rules`, redact: { ...policy.redact, detectors } };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizeArg = process.argv.indexOf("--size");
  const size = sizeArg >= 0 ? Number(process.argv[sizeArg + 1]) : 1024;
  const rules = builtinRules();
  const body = JSON.stringify(containerRecord(0, size));
  const rows: [string, number][] = [];
  for (const count of [17, 50, "all"] as const) {
    const n = count === "all" ? rules.length : count;
    const c = countInstructions(policyWithRules(count, rules), [body]);
    rows.push([`${n} rules`, c.perByte]);
    console.log(`${String(n).padStart(4)} rules enabled: ${c.perByte.toFixed(2)} instr/byte (${body.length} B record)`);
  }
  console.log(`growth from 17 to ${rules.length}: ${(((rows[2][1] - rows[0][1]) / rows[0][1]) * 100).toFixed(2)}%`);
}
