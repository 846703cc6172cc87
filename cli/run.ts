// `logseal run`: NDJSON through the module exactly as Fluent Bit calls it (cli/host.ts),
// one record per line out. Lines may be plain records or Fluent Bit's `[time, record]`.
import { createReadStream, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { FilterHost } from "./host.ts";
import { readPolicy } from "./policy-file.ts";
import { fail, requireModule } from "./util.ts";

export interface RunOptions {
  policy?: string;
  /** Fluent Bit's accessible_paths (comma list); default ".". */
  accessiblePaths?: string;
}

/** Pre-opens as Fluent Bit makes them: each accessible path under its own name; a --policy file first. */
export function preopensFor(options: RunOptions): Record<string, string> {
  const preopens: Record<string, string> = {};
  if (options.policy) {
    const dir = mkdtempSync(join(tmpdir(), "logseal-policy-"));
    writeFileSync(join(dir, "logseal.policy.json"), readPolicy(options.policy).json);
    preopens["/logseal-cli-policy"] = dir;
  }
  for (const path of (options.accessiblePaths ?? ".").split(",").map((p) => p.trim()).filter(Boolean)) {
    preopens[path] = resolve(path);
  }
  return preopens;
}

/** Splits an input line into Fluent Bit's (time, body); plain objects get the current time. */
export function parseLine(line: string, now: number): { sec: number; nsec: number; body: string } {
  const trimmed = line.trim();
  if (trimmed.startsWith("[")) {
    try {
      const parsed = JSON.parse(trimmed);
      if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[1] === "object") {
        const time = Array.isArray(parsed[0]) ? parsed[0][0] : parsed[0];
        if (typeof time === "number") {
          const sec = Math.floor(time);
          return { sec, nsec: Math.round((time - sec) * 1e9), body: JSON.stringify(parsed[1]) };
        }
      }
    } catch {
      // not Fluent Bit's form: handed over as it is, like any other line
    }
  }
  const sec = Math.floor(now / 1000);
  return { sec, nsec: (now % 1000) * 1e6, body: trimmed };
}

export async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      policy: { type: "string" },
      "accessible-paths": { type: "string" },
      tag: { type: "string", default: "kube.var.log.containers.app" },
      strict: { type: "boolean", default: false },
      quiet: { type: "boolean", default: false },
    },
  });
  const input = positionals[0] && positionals[0] !== "-" ? createReadStream(positionals[0]) : process.stdin;
  let host: FilterHost;
  try {
    host = FilterHost.load(requireModule(), {
      preopens: preopensFor({ policy: values.policy, accessiblePaths: values["accessible-paths"] }),
    });
  } catch (error) {
    return fail((error as Error).message, 1);
  }
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0, passed = 0, dropped = 0, malformed = 0;
  let lastProgress = Date.now();
  const started = lastProgress;
  const out: string[] = [];
  for await (const line of lines) {
    lineNo++;
    if (line.trim() === "") continue;
    const { sec, nsec, body } = parseLine(line, Date.now());
    if (!body.startsWith("{")) {
      malformed++;
      process.stderr.write(`logseal: line ${lineNo}: not a JSON object (passed on with logseal_error)\n`);
      if (values.strict) return 1;
    }
    const result = host.call(values.tag!, body, sec, nsec);
    if (result.kind === "record") {
      out.push(result.json);
      passed++;
    } else {
      dropped++;
    }
    if (out.length >= 1024) process.stdout.write(out.splice(0).join("\n") + "\n");
    const now = Date.now();
    if (!values.quiet && now - lastProgress > 2000) {
      lastProgress = now;
      process.stderr.write(`logseal: ${lineNo} lines, ${Math.round(lineNo / ((now - started) / 1000))} records/s\n`);
    }
  }
  if (out.length) process.stdout.write(out.join("\n") + "\n");
  if (!values.quiet) {
    process.stderr.write(`logseal: ${passed} records out, ${dropped} dropped by policy, ${malformed} malformed lines (of ${lineNo})\n`);
  }
  return 0;
}
