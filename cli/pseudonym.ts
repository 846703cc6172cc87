// `logseal pseudonym --key-file K VALUE`: the token logseal writes for VALUE, to find a data
// subject's records (GDPR access and erasure requests) without storing the value in clear.
import { createHmac } from "node:crypto";
import { parseArgs } from "node:util";
import { readKeyFile } from "./keys.ts";
import { checkPolicyJson } from "./policy.ts";
import { readPolicy } from "./policy-file.ts";
import { fail } from "./util.ts";

export interface PseudonymFormat {
  prefix: string;
  length: number;
}

export const DEFAULT_FORMAT: PseudonymFormat = { prefix: "pseu:", length: 16 };

/** prefix + the first `length` hex characters of HMAC-SHA256(key, UTF-8 of value). */
export function pseudonym(key: Buffer, value: string, format: PseudonymFormat = DEFAULT_FORMAT): string {
  return format.prefix + createHmac("sha256", key).update(value, "utf8").digest("hex").slice(0, format.length);
}

export async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { "key-file": { type: "string" }, policy: { type: "string" } },
  });
  if (!values["key-file"] || positionals.length === 0) {
    return fail("usage: logseal pseudonym --key-file K [--policy FILE] VALUE...");
  }
  const format = { ...DEFAULT_FORMAT };
  if (values.policy) {
    let settings;
    try {
      const source = readPolicy(values.policy);
      // An invalid policy is not the filter's: it fails closed to the embedded default, whose
      // pseudonyms these settings would not give.
      const check = checkPolicyJson(source.json);
      if (!check.ok) {
        for (const issue of check.issues) process.stderr.write(`${values.policy}: ${source.locate(issue)}\n`);
        return fail(`${values.policy}: invalid policy (the filter would fail closed to the embedded default): no pseudonym computed`, 1);
      }
      settings = JSON.parse(source.json)?.redact?.pseudonym ?? {};
    } catch (error) {
      return fail(`${values.policy}: ${(error as Error).message}`);
    }
    format.prefix = settings.prefix ?? format.prefix;
    format.length = settings.length ?? format.length;
  }
  let key: Buffer;
  try {
    key = readKeyFile(values["key-file"]);
  } catch (error) {
    return fail((error as Error).message, 1);
  }
  for (const value of positionals) process.stdout.write(`${pseudonym(key, value, format)}\t${value}\n`);
  return 0;
}
