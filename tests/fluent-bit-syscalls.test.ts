// The system calls logseal makes per record inside a real Fluent Bit, counted with strace (skipped
// with a message when either is missing). The per-record save of the chain state is the one
// system call per record the durability contract needs (docs/sealing.md, "State file and
// restarts"); on a host where a system call is dear it is the largest single cost after Fluent
// Bit's own (docs/measuring.md, "The per-record system call"). These tests keep it at one for a
// run of one chain's records (one tag; a switch between chains also writes the previous chain's
// line, docs/sealing.md): a change that quietly turned the tally off (back to pwrite and WAMR's
// two rt_sigprocmask around it) or added a call per record fails here, where the timed benchmark
// could not tell.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PERSIST_64 } from "../bench/policies.js";
import { RELEASE_WASM } from "./support/filter.js";
import { FLUENT_BIT, NO_FLUENT_BIT_MESSAGE, errorLines, runFluentBit } from "./support/fluent-bit.js";

// strace that can trace (ptrace may be refused in a container even where strace is installed).
const HAVE_STRACE = spawnSync("strace", ["-f", "-c", "-o", "/dev/null", "true"], { encoding: "utf8" }).status === 0;
const skip = () => {
  if (!FLUENT_BIT) console.warn(NO_FLUENT_BIT_MESSAGE);
  else if (!HAVE_STRACE) console.warn("no strace on PATH: system call counts inside Fluent Bit skipped");
  return !FLUENT_BIT || !HAVE_STRACE;
};

const record = (i: number) => JSON.stringify({
  time: `2026-12-05T10:00:${String(i % 60).padStart(2, "0")}.000Z`, stream: "stdout",
  log: `GET /api/orders/${i} 200 in ${i % 97}ms user u-${i % 13}`,
  kubernetes: { namespace_name: "shop", pod_name: "web-0", container_name: "web" },
});

/** strace -c's summary: calls per system call name. */
function parseSummary(text: string): Map<string, number> {
  const calls = new Map<string, number>();
  for (const line of text.split("\n")) {
    // "% time     seconds  usecs/call     calls    errors syscall"; errors may be blank
    const m = /^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?([a-z_0-9]+)\s*$/.exec(line);
    if (m && m[2] !== "total") calls.set(m[2], Number(m[1]));
  }
  return calls;
}

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** System calls of a run over `n` records under `policy` (undefined: the embedded default), with or without a seal key. */
function countRun(n: number, keyed: boolean, policy?: object): Map<string, number> {
  const dir = mkdtempSync(join(tmpdir(), "logseal-syscalls-"));
  scratch.push(dir);
  const moduleDir = join(dir, "module");
  mkdirSync(moduleDir);
  if (keyed) writeFileSync(join(moduleDir, "seal.key"), randomBytes(32).toString("hex"));
  if (policy) writeFileSync(join(moduleDir, "logseal.policy.json"), JSON.stringify(policy));
  const summary = join(dir, "strace.txt");
  const result = runFluentBit({ lines: Array.from({ length: n }, (_, i) => record(i)), wasmPath: RELEASE_WASM, moduleDir, syscallSummary: summary });
  scratch.push(result.dir);
  expect(result.status, result.log).toBe(0);
  expect(errorLines(result.log), result.log).toEqual([]);
  expect(result.records).toHaveLength(n);
  expect(result.records.every((r) => r._seal !== undefined && r.logseal_error === undefined)).toBe(true);
  return parseSummary(readFileSync(summary, "utf8"));
}

interface Added {
  (name: string): number;
  /** All calls but Fluent Bit's waits between events (their number follows the clock, not the records). */
  total: number;
}

const WAITS = new Set(["epoll_wait", "epoll_pwait", "futex", "clock_nanosleep", "nanosleep"]);

/** Calls that `n` more records add: a run over 2n records less one over n (start-up and shutdown cancel out). */
function perRecords(n: number, keyed: boolean, policy?: object): Added {
  const small = countRun(n, keyed, policy);
  const large = countRun(2 * n, keyed, policy);
  const added = ((name: string) => (large.get(name) ?? 0) - (small.get(name) ?? 0)) as Added;
  added.total = [...new Set([...small.keys(), ...large.keys()])].filter((name) => !WAITS.has(name)).reduce((sum, name) => sum + added(name), 0);
  return added;
}

// Fluent Bit's own calls for N more records (tail's reads, the file output's writes): ~0.15 N here.
const FLUENT_BITS_OWN = 0.3;

const N = 1024;
// logseal writes its state with WASI fd_pwrite (pwritev); the file output writes with write().
const writes = (added: Added) => added("pwritev") + added("pwrite64");

describe.skipIf(!FLUENT_BIT || !HAVE_STRACE)(`system calls per record inside Fluent Bit (${N} records more)`, () => {
  it("the default policy with a seal key: one futimens per record (the tally), the chain's line every 256 records", () => {
    if (skip()) return;
    const added = perRecords(N, true);
    expect(added("utimensat")).toBe(N);
    // one chain: its line every 256 records; nothing else of logseal's writes per record
    expect(writes(added)).toBeLessThanOrEqual(N / 256 + 2);
    expect(added("rt_sigprocmask")).toBeLessThanOrEqual(2 * (N / 256 + 2));
    // and nothing else per record: an fsync, a stat or a read of a file per record would show here
    expect(added.total).toBeLessThanOrEqual(N * (1 + FLUENT_BITS_OWN));
  });

  it("persist_every 64: no call per record, the line every 64 records", () => {
    if (skip()) return;
    const added = perRecords(N, true, PERSIST_64);
    expect(added("utimensat")).toBe(0);
    expect(writes(added)).toBeGreaterThanOrEqual(N / 64 - 1);
    expect(writes(added)).toBeLessThanOrEqual(N / 64 + 2);
    expect(added.total).toBeLessThanOrEqual(N * FLUENT_BITS_OWN + 3 * (N / 64 + 2));
  });

  it("without a seal key (SHA-256 chain, not tallied): the chain's line written with every record", () => {
    if (skip()) return;
    const added = perRecords(N, false);
    expect(added("utimensat")).toBe(0);
    expect(writes(added)).toBeGreaterThanOrEqual(N);
    expect(writes(added)).toBeLessThanOrEqual(N + 2);
    // the write and WAMR's two rt_sigprocmask around it
    expect(added.total).toBeLessThanOrEqual(N * (3 + FLUENT_BITS_OWN));
  });
});
