// `logseal policy check FILE` and `logseal policy default`: validation through the module
// itself, so the CLI and the filter can never disagree on what a valid policy is.
import { GuestMemory, instantiate } from "./host.ts";
import { readPolicy } from "./policy-file.ts";
import { fail, requireModule } from "./util.ts";

interface CheckResult {
  ok: boolean;
  version: string;
  issues: string[];
}

function moduleExports() {
  const instance = instantiate(requireModule());
  const exports = instance.exports as Record<string, any>;
  return { exports, memory: new GuestMemory(exports as any) };
}

/** Validates policy JSON text with the module's own parser. */
export function checkPolicyJson(json: string): CheckResult {
  const { exports, memory } = moduleExports();
  const bytes = new TextEncoder().encode(json);
  const ptr = memory.dup(bytes);
  const result = exports.logseal_policy_check(ptr, bytes.length) >>> 0;
  memory.free(ptr);
  return JSON.parse(new TextDecoder().decode(memory.readCString(result)));
}

export function defaultPolicyJson(): string {
  const { exports, memory } = moduleExports();
  return new TextDecoder().decode(memory.readCString(exports.logseal_default_policy() >>> 0));
}

export async function main(args: string[]): Promise<number> {
  const [sub, file] = args;
  if (sub === "default") {
    process.stdout.write(defaultPolicyJson());
    return 0;
  }
  if ((sub !== "check" && sub !== "json") || !file) {
    return fail("usage: logseal policy check FILE | logseal policy json FILE | logseal policy default");
  }
  let source;
  try {
    source = readPolicy(file);
  } catch (error) {
    return fail((error as Error).message, 1);
  }
  const result = checkPolicyJson(source.json);
  if (result.ok) {
    // `json` prints what to put in the ConfigMap as logseal.policy.json.
    process.stdout.write(sub === "json" ? JSON.stringify(JSON.parse(source.json), null, 2) + "\n" : `${file}: valid policy (version ${result.version})\n`);
    return 0;
  }
  for (const issue of result.issues) process.stderr.write(`${file}: ${source.locate(issue)}\n`);
  process.stderr.write(`${file}: ${result.issues.length} problem(s); the filter would fail closed to the embedded default\n`);
  return 1;
}
