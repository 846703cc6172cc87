// Crash points for the chain state (docs/sealing.md, "State file and restarts"): runs the module
// on a directory with every system call that changes a file intercepted, and keeps a copy of the
// directory's files (bytes and modification time) before each such call and after each record.
// Any copy is what a process killed at that point leaves behind; a new instance started on it must
// continue the chains so that the verifier accepts the old output up to that point plus the new.
import { openSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { WASI } from "node:wasi";
import { FilterHost } from "../../cli/host.js";
import { scratchDir } from "../../cli/scratch.js";
import { RELEASE_WASM } from "./filter.js";

let compiled: WebAssembly.Module | undefined;
const devNull = openSync("/dev/null", "w");

/** WASI calls that change a file (path_open only when it creates or truncates). */
const MUTATING = ["fd_pwrite", "fd_write", "fd_filestat_set_times", "fd_filestat_set_size", "fd_allocate", "path_open", "path_unlink_file", "path_rename", "path_filestat_set_times"];

/** An instance on `dir`; `before(call)` runs before each call that changes a file. */
export function startHooked(dir: string, before?: (call: string) => void): FilterHost {
  compiled ??= new WebAssembly.Module(readFileSync(process.env.LOGSEAL_WASM ?? RELEASE_WASM));
  const wasi = new WASI({ version: "preview1", args: [], env: {}, preopens: { ".": dir }, stderr: devNull, returnOnExit: true });
  const imports: Record<string, (...args: any[]) => any> = { ...(wasi.wasiImport as any) };
  if (before) {
    for (const name of MUTATING) {
      const call = imports[name];
      imports[name] = (...args: any[]) => {
        const quiet = (name === "fd_write" && args[0] <= 2) || (name === "path_open" && (args[4] & 9) === 0); // stdio; opens that create nothing
        if (!quiet) before(name);
        return call(...args);
      };
    }
  }
  const instance = new WebAssembly.Instance(compiled, { wasi_snapshot_preview1: imports } as WebAssembly.Imports);
  wasi.initialize(instance);
  return new FilterHost(instance);
}

export interface FileCopy {
  bytes: Buffer;
  atimeMs: number;
  mtimeMs: number;
}

/** What a crash leaves: the module's files, and how many output lines were returned before it. */
export interface CrashPoint {
  label: string;
  files: Map<string, FileCopy>;
  /** Output lines returned to Fluent Bit before the crash. */
  emitted: number;
  /** The crash is inside a call: that record's line (if it makes one) was never returned. */
  inflight: boolean;
}

const OWN = new Set(["logseal.policy.json", "seal.key"]);

export function copyFiles(dir: string): Map<string, FileCopy> {
  const files = new Map<string, FileCopy>();
  for (const name of readdirSync(dir)) {
    if (OWN.has(name)) continue;
    const path = join(dir, name);
    const stat = statSync(path);
    if (!stat.isFile()) continue;
    files.set(name, { bytes: readFileSync(path), atimeMs: stat.atimeMs, mtimeMs: stat.mtimeMs });
  }
  return files;
}

function sameFiles(a: Map<string, FileCopy>, b: Map<string, FileCopy>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, x] of a) {
    const y = b.get(name);
    if (!y || !x.bytes.equals(y.bytes) || Math.floor(x.mtimeMs / 1000) !== Math.floor(y.mtimeMs / 1000)) return false;
  }
  return true;
}

/** A new directory with the policy, key and the crash point's files (their times kept). */
export function restore(from: string, point: CrashPoint): string {
  const dir = scratchDir("logseal-crash-");
  for (const name of OWN) {
    try {
      writeFileSync(join(dir, name), readFileSync(join(from, name)));
    } catch {
      // no key file (signed mode)
    }
  }
  for (const [name, copy] of point.files) {
    const path = join(dir, name);
    writeFileSync(path, copy.bytes);
    utimesSync(path, copy.atimeMs / 1000, copy.mtimeMs / 1000);
  }
  return dir;
}

export interface Event {
  tag: string;
  body: object;
}

/**
 * Runs `events` through one instance on `dir`, keeping a crash point before every file change and
 * after every record. Returns each event's output line (null when dropped) and the points.
 */
export function runWithCrashPoints(dir: string, events: Event[], sec = 1_700_000_000): { outputs: (string | null)[]; lines: string[]; points: CrashPoint[] } {
  const points: CrashPoint[] = [];
  const lines: string[] = [];
  const outputs: (string | null)[] = [];
  let current = -1;
  const keep = (label: string, inflight: boolean) => {
    const files = copyFiles(dir);
    const last = points.at(-1);
    if (last && last.emitted === lines.length && sameFiles(last.files, files)) return;
    points.push({ label, files, emitted: lines.length, inflight });
  };
  const filter = startHooked(dir, (call) => keep(`event ${current} before ${call}`, current >= 0));
  keep("started", false);
  events.forEach((event, i) => {
    current = i;
    const raw = filter.callRaw(event.tag, JSON.stringify(event.body), sec + i, i);
    current = -1;
    const line = raw !== null && raw.length > 0 ? Buffer.from(raw).toString("utf8") : null;
    outputs.push(line);
    if (line !== null) lines.push(line);
    keep(`after event ${i}`, false);
  });
  return { outputs, lines, points };
}

/** Runs `events` through a new instance on `dir`: the output lines. */
export function runPlain(dir: string, events: Event[], sec = 1_800_000_000): string[] {
  const filter = startHooked(dir);
  const lines: string[] = [];
  events.forEach((event, i) => {
    const raw = filter.callRaw(event.tag, JSON.stringify(event.body), sec + i, i);
    if (raw !== null && raw.length > 0) lines.push(Buffer.from(raw).toString("utf8"));
  });
  return lines;
}
