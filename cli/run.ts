// `logseal run`: NDJSON through the module exactly as Fluent Bit calls it (cli/host.ts),
// one record per line out. Lines may be plain records or Fluent Bit's `[time, record]`.
import { closeSync, createReadStream, existsSync, openSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { parseValue } from "./canonical.ts";
import { FilterHost } from "./host.ts";
import { readPolicy } from "./policy-file.ts";
import { fail, requireModule } from "./util.ts";
import { scratchDir } from "./scratch.ts";
import { MAX_LINE_BYTES, byteLines, trimJsonSpace } from "./utf8.ts";
import { skipSpace } from "./stores/scan.ts";

export interface RunOptions {
  policy?: string;
  /** Fluent Bit's accessible_paths (comma list); default ".". */
  accessiblePaths?: string;
}

/** Pre-opens as Fluent Bit makes them: each accessible path under its own name; a --policy file first. */
export function preopensFor(options: RunOptions): Record<string, string> {
  const preopens: Record<string, string> = {};
  if (options.policy) {
    const dir = scratchDir("logseal-policy-");
    writeFileSync(join(dir, "logseal.policy.json"), readPolicy(options.policy).json);
    preopens["/logseal-cli-policy"] = dir;
  }
  for (const path of (options.accessiblePaths ?? ".").split(",").map((p) => p.trim()).filter(Boolean)) {
    preopens[path] = resolve(path);
  }
  return preopens;
}

/**
 * Creates the chain state file (and in signed mode the signing file), empty and readable by its
 * owner only, where the module would create it (the first accessible path) unless one exists: they
 * will hold the epoch key or the signing key, and WASI cannot set a file's mode (the module's own
 * files get the host's umask).
 */
export function prepareStateFile(preopens: Record<string, string>): void {
  let stateFile: unknown = "logseal.state";
  let signingFile: unknown;
  for (const dir of Object.values(preopens)) {
    const policy = join(dir, "logseal.policy.json");
    if (!existsSync(policy)) continue;
    try {
      const seal = JSON.parse(readFileSync(policy, "utf8"))?.seal;
      stateFile = seal?.state_file ?? stateFile;
      if (seal?.mode === "signed") signingFile = seal?.signing_file ?? "logseal.signing";
    } catch {
      // the module reports an unreadable policy itself
    }
    break;
  }
  const dirs = Object.entries(preopens).filter(([name]) => name !== "/logseal-cli-policy").map(([, dir]) => dir);
  for (const file of [stateFile, signingFile]) {
    if (typeof file !== "string" || isAbsolute(file)) continue;
    if (dirs.length === 0 || dirs.some((dir) => existsSync(join(dir, file)))) continue;
    try {
      closeSync(openSync(join(dirs[0], file), "wx", 0o600));
    } catch {
      // not writable there: the module looks further and reports it
    }
  }
}

/**
 * Splits an input line into Fluent Bit's (time, body); plain objects get the current time. The
 * body is the line's own bytes, never decoded or re-serialised (invalid UTF-8, duplicate keys and
 * 64-bit integers reach the module as they are, as from Fluent Bit); only JSON's whitespace around
 * it is taken off.
 */
export function parseLine(line: Buffer, now: number): { sec: number; nsec: number; body: Buffer } {
  const trimmed = trimJsonSpace(line);
  if (trimmed[0] === 0x5b) {
    try {
      return splitTimed(trimmed);
    } catch {
      // not Fluent Bit's form: handed over as it is, like any other line
    }
  }
  const sec = Math.floor(now / 1000);
  return { sec, nsec: (now % 1000) * 1e6, body: trimmed };
}

const SECONDS = /^(\d+)(?:\.(\d*))?$/;

/**
 * `[time, {record}]` or `[[time, metadata], {record}]`: the time read digit by digit, the record's
 * bytes sliced out (read as Latin-1 text, one character per byte, so positions are byte offsets).
 */
function splitTimed(line: Buffer): { sec: number; nsec: number; body: Buffer } {
  const text = line.toString("latin1");
  let at = skipSpace(text, 1);
  const nested = text[at] === "[";
  if (nested) at = skipSpace(text, at + 1);
  const time = parseValue(text, at);
  const seconds = SECONDS.exec(text.slice(at, time.end));
  if (!seconds) throw new Error("no time");
  at = skipSpace(text, time.end);
  if (nested) {
    if (text[at] !== ",") throw new Error("no metadata");
    at = skipSpace(text, parseValue(text, at + 1).end);
    if (text[at] !== "]") throw new Error("no end of time");
    at = skipSpace(text, at + 1);
  }
  if (text[at] !== ",") throw new Error("no record");
  const start = skipSpace(text, at + 1);
  if (text[start] !== "{") throw new Error("no record");
  const end = parseValue(text, start).end;
  if (skipSpace(text, end) !== text.length - 1 || text[text.length - 1] !== "]") throw new Error("data after the record");
  return { sec: Number(seconds[1]) >>> 0, nsec: Number((seconds[2] ?? "").slice(0, 9).padEnd(9, "0")), body: line.subarray(start, end) };
}

/**
 * Whether the module reads `body` as a JSON object: valid JSON (invalid UTF-8 aside, which it
 * replaces and flags), an object, at most 512 levels deep (its reader's limit, the object itself one).
 */
export function isJsonObject(body: Buffer): boolean {
  if (body[0] !== 0x7b) return false;
  try {
    JSON.parse(body.toString("utf8"));
  } catch {
    return false;
  }
  let depth = 0, inString = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_DEPTH) return false;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return true;
}

const MAX_DEPTH = 512;

/** The module's reason when it passed a body on as text (`logseal_raw`: not a JSON object), else undefined. */
function unparsableBody(record: Record<string, unknown>): string | undefined {
  const error = record.logseal_error;
  return "logseal_raw" in record && typeof error === "string" && error.startsWith("body is not") ? error.split("; ")[0] : undefined;
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
  const file = positionals[0] && positionals[0] !== "-" ? positionals[0] : undefined;
  if (file && !existsSync(file)) return fail(`${file}: no such file`, 1);
  if (file && statSync(file).isDirectory()) return fail(`${file}: a directory, not a file`, 1);
  const input = file ? createReadStream(file) : process.stdin;
  let host: FilterHost;
  try {
    const preopens = preopensFor({ policy: values.policy, accessiblePaths: values["accessible-paths"] });
    prepareStateFile(preopens);
    host = FilterHost.load(requireModule(), { preopens });
  } catch (error) {
    return fail((error as Error).message, 1);
  }
  let lineNo = 0, passed = 0, dropped = 0, malformed = 0;
  let lastProgress = Date.now();
  const started = lastProgress;
  const out: string[] = [];
  try {
    for await (let line of byteLines(input, MAX_LINE_BYTES)) {
      lineNo++;
      if (!Buffer.isBuffer(line)) {
        // Not even its record could be read back as text: stopped, not skipped, so no record goes missing unsaid.
        if (out.length) process.stdout.write(out.join("\n") + "\n");
        process.stderr.write(`logseal: line ${lineNo}: ${line.long} bytes, longer than the longest line read (${MAX_LINE_BYTES}): stopped here, the ${passed} records before it written\n`);
        return 1;
      }
      if (lineNo === 1 && line[0] === 0xef && line[1] === 0xbb && line[2] === 0xbf) line = line.subarray(3); // a UTF-8 BOM
      const { sec, nsec, body } = parseLine(line, Date.now());
      if (body.length === 0) continue;
      // --strict checks first, so that a bad line is not sealed; otherwise the module's verdict counts.
      if (values.strict && !isJsonObject(body)) {
        // The records before it are sealed and the chain state has moved past them: write them.
        if (out.length) process.stdout.write(out.join("\n") + "\n");
        process.stderr.write(`logseal: line ${lineNo}: not a JSON object (--strict: stopped here, the ${passed} records before it written)\n`);
        return 1;
      }
      const result = host.call(values.tag!, body, sec, nsec);
      const unparsable = result.kind === "record" ? unparsableBody(result.record) : undefined;
      if (unparsable !== undefined) {
        malformed++;
        process.stderr.write(`logseal: line ${lineNo}: not a JSON object (${unparsable}; passed on with logseal_error)\n`);
      }
      if (result.kind === "record") {
        out.push(oneLine(result.json));
        passed++;
      } else {
        dropped++;
        // NULL or "" is the policy dropping the record; anything else is a module defect Fluent Bit would drop too.
        if (result.reason !== "NULL result" && result.reason !== "empty result") {
          process.stderr.write(`logseal: line ${lineNo}: the module returned no record (${result.reason}); Fluent Bit would drop it: a defect to report\n`);
        }
      }
      if (unparsable !== undefined && values.strict) {
        // The module refused what the check let through: its error record is sealed, so it goes out too.
        process.stdout.write(out.join("\n") + "\n");
        process.stderr.write(`logseal: line ${lineNo}: --strict: stopped here, written as an error record after the ${passed - 1} records before it\n`);
        return 1;
      }
      if (out.length >= 1024) process.stdout.write(out.splice(0).join("\n") + "\n");
      const now = Date.now();
      if (!values.quiet && now - lastProgress > 2000) {
        lastProgress = now;
        process.stderr.write(`logseal: ${lineNo} lines, ${Math.round(lineNo / ((now - started) / 1000))} records/s\n`);
      }
    }
  } catch (error) {
    // An error mid-stream (a read error, the module failing): the records sealed so far have moved the
    // chain state past them, so they are written, not lost with the error.
    if (out.length) process.stdout.write(out.join("\n") + "\n");
    return fail(`after ${lineNo} lines: ${(error as Error).message} (stopped there, the ${passed} records sealed before it written)`, 1);
  }
  if (out.length) process.stdout.write(out.join("\n") + "\n");
  if (!values.quiet) {
    process.stderr.write(`logseal: ${passed} records out, ${dropped} dropped by policy, ${malformed} malformed lines (of ${lineNo})\n`);
  }
  return 0;
}

/**
 * The module's record on one line. A lifted object keeps its text as written, line breaks between
 * its tokens included, and Fluent Bit writes every record re-serialised on one line. In valid JSON
 * a raw CR or LF can only be whitespace (a string holds them escaped), and the seal covers the
 * canonical form, not the whitespace: a space in their place keeps the record, its seal and the
 * output's one-record-per-line framing.
 */
function oneLine(json: string): string {
  return json.includes("\n") || json.includes("\r") ? json.replace(/[\r\n]/g, " ") : json;
}
