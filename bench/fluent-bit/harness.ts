// Runs Fluent Bit on a file with one filter configuration and measures it: the pieces shared by
// `make bench-fluent-bit` (bench/fluent-bit.ts) and tests/peers.test.ts.
import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { parse, stringify } from "yaml";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const PEERS = join(ROOT, "bench/peers");
export const LUA_PEER = join(PEERS, "logseal-peer.lua");

/** The Fluent Bit binary: $FLUENT_BIT_BIN, else `fluent-bit` on PATH; undefined if none. */
export function findFluentBit(): string | undefined {
  const candidates = process.env.FLUENT_BIT_BIN
    ? [process.env.FLUENT_BIT_BIN]
    : (process.env.PATH ?? "").split(delimiter).filter(Boolean).map((dir) => join(dir, "fluent-bit"));
  for (const file of candidates) {
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // next
    }
  }
  return undefined;
}

/** The Fluent Bit binary, or a clear skip message and exit 0 (a benchmark is not a test). */
export function fluentBitOrSkip(benchmark: string): string {
  const bin = findFluentBit();
  if (bin) return bin;
  console.log(`${benchmark}: skipped, no Fluent Bit binary (set FLUENT_BIT_BIN or put fluent-bit on PATH)`);
  process.exit(0);
}

export function fluentBitVersion(bin: string): string {
  const out = spawnSync(bin, ["--version"], { encoding: "utf8" });
  return /Fluent Bit v(\S+)/.exec(out.stdout + out.stderr)?.[1] ?? "unknown";
}

export type Filter = Record<string, string | number | boolean>;

/** The native-filter peer: the filters of bench/peers/native.yaml. */
export function nativeFilters(): Filter[] {
  return parse(readFileSync(join(PEERS, "native.yaml"), "utf8")).pipeline.filters;
}

export function luaFilter(call: "logseal_peer" | "logseal_peer_redact"): Filter {
  return { name: "lua", match: "*", script: LUA_PEER, call, enable_flb_null: true };
}

export interface LogsealSetup {
  /** The .wasm or .aot file. */
  module: string;
  /** The directory given as accessible_paths (policy, seal.key, chain state). */
  dir: string;
  /** Written as logseal.policy.json; undefined: none (the embedded default). */
  policy?: Record<string, any>;
}

/** A fixed seal key, so runs are repeatable (never use a key like this outside a benchmark). */
export const BENCH_SEAL_KEY = Buffer.from("6c6f677365616c2062656e63686d61726b206b6579206e6f7420612073656372", "hex");

/** Empties the logseal directory and writes its policy and seal key (a fresh chain per run). */
export function prepareLogsealDir(setup: LogsealSetup): void {
  rmSync(setup.dir, { recursive: true, force: true });
  mkdirSync(setup.dir, { recursive: true });
  writeFileSync(join(setup.dir, "seal.key"), BENCH_SEAL_KEY);
  if (setup.policy) writeFileSync(join(setup.dir, "logseal.policy.json"), JSON.stringify(setup.policy, null, 2));
}

export function logsealFilter(setup: LogsealSetup, functionName = "logseal_filter"): Filter {
  return {
    name: "wasm",
    match: "*",
    wasm_path: setup.module,
    function_name: functionName,
    event_format: "json",
    accessible_paths: setup.dir,
    wasm_heap_size: "8K",
    wasm_stack_size: "64K",
  };
}

export type Output = { kind: "null" } | { kind: "file"; path: string };

/**
 * A configuration that reads `input` from its start with `tail` (json parser unless
 * `tail.parser` is false, page cache kept: `file_cache_advise off`, so the file is not re-read
 * from disk; `tail.extra`: more tail options), runs `filters`, writes to `output` and exits at
 * the end of the file.
 */
export function writeConfig(file: string, input: string, tag: string, filters: Filter[], output: Output, tail: { parser?: boolean; extra?: Filter } = {}): void {
  const parsers = join(dirname(file), "bench-parsers.yaml");
  writeFileSync(parsers, stringify({ parsers: [{ name: "bench-json", format: "json" }] }));
  const out: Filter = output.kind === "null"
    ? { name: "null", match: "*" }
    : { name: "file", match: "*", path: dirname(output.path), file: output.path.slice(dirname(output.path).length + 1), format: "plain" };
  const config = {
    service: { flush: 0.2, grace: 5, log_level: "info", parsers_file: parsers },
    pipeline: {
      inputs: [{
        name: "tail",
        tag,
        path: input,
        ...(tail.parser === false ? {} : { parser: "bench-json" }),
        read_from_head: true,
        exit_on_eof: true,
        file_cache_advise: false,
        ...tail.extra,
      }],
      filters,
      outputs: [out],
    },
  };
  writeFileSync(file, stringify(config));
}

export interface RunResult {
  exitCode: number;
  /** CPU seconds of the fluent-bit process (all threads), user and system. */
  user: number;
  sys: number;
  /** Seconds from spawning to exit (start-up, the work, the final flush, shutdown). */
  wall: number;
  /** Seconds from Fluent Bit's first log line to the input reaching the end of the file:
   * start-up plus reading and filtering every record (filters run as the input appends). */
  busy: number;
  /** [error] and [ warn] lines other than the expected shutdown notice. */
  problems: string[];
  log: string;
}

const TIMESTAMP = /^\[(\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3})\]/;
function logTime(line: string): number | undefined {
  const m = TIMESTAMP.exec(line);
  if (!m) return undefined;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], +m[7]) / 1000;
}

// Lines Fluent Bit prints on every clean exit_on_eof run.
const EXPECTED = [/\[engine\] service will shutdown in max/];

/**
 * The niceness timed runs get: BENCH_NICE, else -10 when running as root (a shared build machine's
 * other work then waits while Fluent Bit is measured), else 0.
 */
export function benchNiceness(): number {
  if (process.env.BENCH_NICE !== undefined) return Number(process.env.BENCH_NICE) || 0;
  return process.getuid?.() === 0 ? -10 : 0;
}

/**
 * The CPU timed runs are pinned to (`taskset -c`): BENCH_CPU, else the machine's last CPU when it
 * has more than one and `taskset` is at hand; "" (BENCH_CPU=none) for no pinning. Every thread of
 * Fluent Bit then shares one core's caches, and no run migrates halfway.
 */
export function benchCpu(): string {
  const set = process.env.BENCH_CPU;
  if (set !== undefined) return set === "none" ? "" : set;
  const cpus = availableParallelism();
  const taskset = spawnSync("bash", ["-c", "command -v taskset"], { encoding: "utf8" }).stdout.trim();
  return cpus > 1 && taskset ? String(cpus - 1) : "";
}

/**
 * Runs `fluent-bit -c config` to completion, at `niceness`, pinned to `cpu` (a taskset list; ""
 * for none). CPU time comes from bash's `times` builtin (the children's user and system time, from
 * wait4's rusage: every thread, millisecond resolution).
 */
export function runFluentBit(bin: string, config: string, logFile: string, timeoutSeconds = 900, niceness = 0, cpu = ""): RunResult {
  const script = 'if [ -n "$4" ]; then pin=(taskset -c "$4"); else pin=(); fi; '
    + 'nice -n "$3" "${pin[@]}" "$0" -c "$1" >/dev/null 2>"$2"; rc=$?; times; exit $rc';
  const started = performance.now();
  const run = spawnSync("bash", ["-c", script, bin, config, logFile, String(niceness), cpu], { encoding: "utf8", timeout: timeoutSeconds * 1000 });
  const wall = (performance.now() - started) / 1000;
  const log = existsSync(logFile) ? readFileSync(logFile, "utf8") : "";
  const lines = (run.stdout ?? "").trim().split("\n");
  const children = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s/.exec(lines[lines.length - 1] ?? "");
  const user = children ? +children[1] * 60 + +children[2] : NaN;
  const sys = children ? +children[3] * 60 + +children[4] : NaN;
  let first: number | undefined;
  let ended: number | undefined;
  const problems: string[] = [];
  for (const line of log.split("\n")) {
    const t = logTime(line);
    if (t !== undefined && first === undefined) first = t;
    if (t !== undefined && / ended, stop$/.test(line)) ended = t;
    if (/\[(error|\s?warn)\]/.test(line) && !EXPECTED.some((re) => re.test(line))) problems.push(line);
  }
  if (run.error) problems.push(`spawn: ${run.error.message}`);
  if (ended === undefined) problems.push("the input never reached the end of its file");
  const busy = first !== undefined && ended !== undefined ? ended - first : NaN;
  return { exitCode: run.status ?? -1, user, sys, wall, busy, problems, log };
}

/** Share of all CPUs busy (not idle or waiting for I/O) over `ms`, from /proc/stat. */
export function systemBusy(ms = 250): number {
  const sample = () => {
    const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = cpu[3] + (cpu[4] ?? 0);
    return { idle, total: cpu.reduce((a, b) => a + b, 0) };
  };
  try {
    const a = sample();
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    const b = sample();
    return b.total > a.total ? 1 - (b.idle - a.idle) / (b.total - a.total) : 0;
  } catch {
    return 0;
  }
}

/**
 * Waits (up to `maxSeconds`) until other processes leave the machine nearly idle, so a timed run
 * does not share its cores; returns the busy share seen last (0-1, all CPUs).
 */
export function waitForQuiet(threshold = 0.25, maxSeconds = 2): number {
  const until = Date.now() + maxSeconds * 1000;
  let busy = systemBusy();
  while (busy > threshold && Date.now() < until) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 750);
    busy = systemBusy();
  }
  return busy;
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
