// How the tamper suite gets legitimately sealed records and the verifier's verdict: the real module
// (through the Node host that `logseal run` uses, or `logseal run` itself) and `logseal verify`
// spawned as a user runs it. No MAC logic here; the forging is in forger.ts.
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { FilterHost } from "../../cli/host.js";
import { RELEASE_WASM } from "../support/filter.js";
import { keyFromFile } from "./forger.js";

export const REPO = new URL("../../", import.meta.url).pathname;
export const BIN = join(REPO, "bin/logseal.js");

export type Mode = "sha256" | "hmac" | "hmac-fs" | "signed";
export const MODES: Mode[] = ["sha256", "hmac", "hmac-fs", "signed"];

/** The seal key of the hmac modes (the key file's text; whitespace around it is not part of K0). */
export const KEY_TEXT = "9c1e5a7f3b2d4c6e8a0b1d3f5e7c9a2b4d6f8e0a1c3b5d7f";
export const K0 = keyFromFile(KEY_TEXT);
/** Records per epoch in hmac-fs and signed: twelve records make epochs 1, 2 and 3. */
export const EPOCH_RECORDS = 4;
/** Signed mode: a checkpoint every 3 records of a chain (seq 0, 3, 6, 9 of a 12-record chain). */
export const CHECKPOINT_RECORDS = 3;
export const ORIGIN = "hostA";

/** Where the suite leaves what it observed, for table.ts (outside the repository). */
export const OBSERVED_PATH = process.env.REDTEAM_OBSERVED ?? join(tmpdir(), "logseal-redteam-observed.json");

/** Everything a test writes lives under one temporary directory, removed at the end. */
export const WORK = mkdtempSync(join(tmpdir(), "logseal-redteam-"));
let counter = 0;
export function tempDir(prefix: string): string {
  const dir = join(WORK, `${prefix}-${++counter}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}
export function cleanUp(): void {
  rmSync(WORK, { recursive: true, force: true });
}

/** The seal section of a mode's policy, plus extra settings. Paths absolute under the directory. */
export function sealSettings(mode: Mode, dir: string, extra: object = {}): object {
  const seal: Record<string, unknown> = { origin: ORIGIN, state_file: join(dir, "logseal.state") };
  if (mode === "hmac" || mode === "hmac-fs") seal.key_file = join(dir, "seal.key");
  if (mode === "hmac-fs") seal.epoch_records = EPOCH_RECORDS;
  if (mode === "signed") {
    // docs/signing.md, "Policy": no key file; checkpoints by count only, epochs by count only.
    Object.assign(seal, { mode: "signed", signing_file: join(dir, "logseal.signing"), epoch_records: EPOCH_RECORDS, checkpoint_records: CHECKPOINT_RECORDS, checkpoint_seconds: 0 });
  }
  return { ...seal, ...extra };
}

/** A directory as Fluent Bit's accessible path: the policy, the key (hmac modes), later the state. */
export function modeDir(mode: Mode, extra: object = {}): string {
  const dir = tempDir(`dir-${mode}`);
  const policy = { version: "redteam-1", redact: { keys: [], scan: [] }, seal: sealSettings(mode, dir, extra) };
  writeFileSync(join(dir, "logseal.policy.json"), JSON.stringify(policy));
  if (mode === "hmac" || mode === "hmac-fs") writeFileSync(join(dir, "seal.key"), KEY_TEXT + "\n");
  return dir;
}

export const signingPath = (dir: string): string => join(dir, "logseal.signing");

export const keyPath = (dir: string): string => join(dir, "seal.key");
export const statePath = (dir: string): string => join(dir, "logseal.state");

/** A copy of the state file as it is now, with its modification time (what an auditor keeps apart from the host: docs/sealing.md). */
export function copyState(dir: string): string {
  const copy = join(tempDir("state"), "logseal.state");
  copyFileSync(statePath(dir), copy);
  const { atime, mtime } = statSync(statePath(dir));
  utimesSync(copy, atime, mtime);
  return copy;
}

export interface Input {
  tag: string;
  /** the record's JSON text */
  body: string;
  sec: number;
  nsec: number;
}

let devNull: number | undefined;

/** One filter instance on the directory, as Fluent Bit 4.1 keeps one per process. */
export function instance(dir: string): FilterHost {
  devNull ??= openSync("/dev/null", "w");
  return FilterHost.load(RELEASE_WASM, { preopens: { [dir]: dir }, stderrFd: devNull });
}

/** Seals the inputs in one new instance (a process start); returns the output lines. */
export function sealRun(dir: string, inputs: Input[]): string[] {
  const filter = instance(dir);
  const out: string[] = [];
  for (const input of inputs) {
    const raw = filter.callRaw(input.tag, input.body, input.sec, input.nsec);
    if (raw !== null && raw.length > 0) out.push(Buffer.from(raw).toString("utf8"));
  }
  return out;
}

/**
 * Seals the inputs in one new instance, reading the signing file after each record (what a
 * break-in at that moment would find): the output lines and, per epoch, the file as it was then.
 */
export function sealRunWatching(dir: string, inputs: Input[]): { lines: string[]; signingFiles: Map<number, string> } {
  const filter = instance(dir);
  const lines: string[] = [];
  const signingFiles = new Map<number, string>();
  for (const input of inputs) {
    const raw = filter.callRaw(input.tag, input.body, input.sec, input.nsec);
    if (raw !== null && raw.length > 0) lines.push(Buffer.from(raw).toString("utf8"));
    const text = readFileSync(signingPath(dir), "latin1");
    const epoch = /epoch=(\d+)/.exec(text);
    if (epoch && !signingFiles.has(Number(epoch[1]))) signingFiles.set(Number(epoch[1]), text);
  }
  return { lines, signingFiles };
}

/** Plain records on a tag, with distinct event times. */
export function inputs(tag: string, count: number, from = 0, body = (i: number) => JSON.stringify({ msg: `record ${i}`, i, ratio: i / 7 })): Input[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return { tag, body: body(i), sec: 1_700_000_000 + i, nsec: 250_000_000 + i };
  });
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * bin/logseal.js starts the TypeScript CLI through tsx, which costs ~0.4 s of CPU per process: over
 * a hundred verify runs, most of the suite's time. So the suite bundles the same CLI sources once
 * (esbuild, which tsx itself uses) and spawns the bundle; `import.meta.url` keeps pointing into
 * cli/ so the CLI finds build/ as it would. A test checks both give the same answers, and
 * REDTEAM_CLI=bin runs everything through bin/logseal.js.
 */
let bundle: string | undefined;

export async function prepareCli(): Promise<string | undefined> {
  if (process.env.REDTEAM_CLI === "bin" || bundle) return bundle;
  try {
    const esbuild = createRequire(join(REPO, "package.json"))("esbuild") as typeof import("esbuild");
    const mainUrl = pathToFileURL(join(REPO, "cli/main.ts")).href;
    const outfile = join(WORK, "cli", "logseal.mjs");
    await esbuild.build({
      entryPoints: [join(REPO, "cli/main.ts")],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      outfile,
      logLevel: "silent",
      define: { "import.meta.url": JSON.stringify(mainUrl) },
      banner: { js: `import { createRequire as __redteamRequire } from "node:module"; const require = __redteamRequire(${JSON.stringify(mainUrl)});` },
    });
    bundle = outfile;
  } catch (error) {
    process.stderr.write(`redteam: bundling the CLI failed, spawning bin/logseal.js instead: ${String(error)}\n`);
  }
  return bundle;
}

/** `logseal ARGS` as a user runs it (the bundled CLI once prepared, or bin/logseal.js). */
export function cli(args: string[], options: { timeoutMs?: number; viaBin?: boolean } = {}): Promise<CliResult> {
  const entry = options.viaBin || !bundle ? BIN : bundle;
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ["--disable-warning=ExperimentalWarning", entry, ...args], {
      cwd: REPO,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, TMPDIR: WORK }, // `run --policy` copies the policy to a temp directory: ours, removed at the end
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => stdout.push(b));
    child.stderr.on("data", (b: Buffer) => stderr.push(b));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({
        code: code ?? (signal ? 128 : -1),
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
        ms: performance.now() - started,
      });
    });
  });
}

/** `logseal run` over `[time, record]` lines, in the mode's directory. */
export async function runCli(dir: string, tag: string, lines: string[]): Promise<string[]> {
  const input = join(tempDir("run"), "input.ndjson");
  writeFileSync(input, lines.join("\n") + "\n");
  const r = await cli(["run", "--policy", join(dir, "logseal.policy.json"), "--accessible-paths", dir, "--tag", tag, input], { viaBin: true });
  if (r.code !== 0) throw new Error(`logseal run exited ${r.code}: ${r.stderr}`);
  return r.stdout.split("\n").filter((l) => l.length > 0);
}

export interface Failure {
  chain: string;
  file: string;
  line: number;
  reason: string;
  detail: string;
}

export interface Verdict {
  code: number;
  ms: number;
  ok?: boolean;
  records?: number;
  failures: Failure[];
  reasons: string[];
  byReason: Record<string, number>;
  stdout: string;
  stderr: string;
}

/** A file's content: lines, or the exact text. */
export type FileContent = string[] | { text: string };

/** Writes the files and runs `logseal verify --json FLAGS FILES`. */
export async function verify(files: FileContent[], flags: string[], viaBin = false): Promise<Verdict> {
  const dir = tempDir("verify");
  const paths = files.map((content, n) => {
    const path = join(dir, `part-${n + 1}.ndjson`);
    writeFileSync(path, Array.isArray(content) ? content.map((l) => l + "\n").join("") : content.text);
    return path;
  });
  const r = await cli(["verify", "--json", ...flags, ...paths], { viaBin });
  let json: any;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    json = undefined;
  }
  const failures: Failure[] = Array.isArray(json?.failures) ? json.failures : [];
  return {
    code: r.code,
    ms: r.ms,
    ok: json?.ok,
    records: json?.records,
    failures,
    reasons: [...new Set(failures.map((f) => f.reason))],
    byReason: json?.byReason ?? {},
    stdout: r.stdout,
    stderr: r.stderr,
  };
}
