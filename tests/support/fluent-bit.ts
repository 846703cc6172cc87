// Runs a real Fluent Bit (FLUENT_BIT_BIN or `fluent-bit` on PATH) over local files: tail an
// NDJSON input to its end, filter with logseal, write the records to a file.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function findFluentBit(): string | null {
  const configured = process.env.FLUENT_BIT_BIN;
  if (configured) return existsSync(configured) ? configured : null;
  try {
    return execFileSync("sh", ["-c", "command -v fluent-bit"], { encoding: "utf8" }).trim() || null;
  } catch {
    return null;
  }
}

export const FLUENT_BIT = findFluentBit();
export const NO_FLUENT_BIT_MESSAGE =
  "no fluent-bit binary (set FLUENT_BIT_BIN or put fluent-bit on PATH): real Fluent Bit tests skipped";

export interface RunSpec {
  /** Input lines (record bodies as JSON text). */
  lines: string[];
  wasmPath: string;
  /** Directory pre-opened for the module (policy, keys, state); a new one if absent. */
  moduleDir?: string;
  tag?: string;
  /** Extra [SERVICE]/filter settings, e.g. { wasm_heap_size: "8192" }. */
  filterOptions?: Record<string, string>;
}

export interface RunResult {
  records: Record<string, unknown>[];
  /** The output file's raw lines, as the verifier would read them. */
  outputLines: string[];
  log: string;
  dir: string;
  moduleDir: string;
  status: number | null;
}

/** One Fluent Bit run: tail (to end of file) -> wasm filter -> file output (JSON lines). */
export function runFluentBit(spec: RunSpec): RunResult {
  if (!FLUENT_BIT) throw new Error(NO_FLUENT_BIT_MESSAGE);
  const dir = mkdtempSync(join(tmpdir(), "logseal-fb-"));
  const moduleDir = spec.moduleDir ?? join(dir, "module");
  mkdirSync(moduleDir, { recursive: true });
  writeFileSync(join(dir, "in.ndjson"), spec.lines.join("\n") + "\n");
  writeFileSync(join(dir, "parsers.conf"), "[PARSER]\n    name json\n    format json\n");
  const filterOptions = Object.entries(spec.filterOptions ?? {}).map(([k, v]) => `    ${k} ${v}`).join("\n");
  writeFileSync(join(dir, "fluent-bit.conf"), `[SERVICE]
    flush 0.2
    grace 1
    log_level info
    parsers_file ${join(dir, "parsers.conf")}
[INPUT]
    name tail
    tag ${spec.tag ?? "kube.app"}
    path ${join(dir, "in.ndjson")}
    read_from_head true
    exit_on_eof true
    parser json
    buffer_chunk_size 1M
    buffer_max_size 32M
[FILTER]
    name wasm
    match *
    wasm_path ${spec.wasmPath}
    function_name logseal_filter
    event_format json
    accessible_paths ${moduleDir}
${filterOptions}
[OUTPUT]
    name file
    match *
    path ${dir}
    file out.ndjson
    format plain
`);
  const run = spawnSync(FLUENT_BIT, ["-c", join(dir, "fluent-bit.conf")], { encoding: "utf8", timeout: 120_000 });
  const outPath = join(dir, "out.ndjson");
  const outputLines = existsSync(outPath) ? readFileSync(outPath, "utf8").split("\n").filter((l) => l.length > 0) : [];
  return {
    records: outputLines.map((l) => JSON.parse(l)),
    outputLines,
    log: (run.stdout ?? "") + (run.stderr ?? ""),
    dir,
    moduleDir,
    status: run.status,
  };
}

/** Log lines Fluent Bit wrote at error level or about wasm exceptions. */
export function errorLines(log: string): string[] {
  return log.split("\n").filter((l) => /\[\s*error\]|exception|warning: a module/i.test(l));
}

export function fluentBitVersion(): string {
  if (!FLUENT_BIT) return "";
  return spawnSync(FLUENT_BIT, ["--version"], { encoding: "utf8" }).stdout.split("\n")[0];
}

/** Builds build/logseal.aot with `make aot` if a wamrc is available; null otherwise. */
export function buildAot(): string | null {
  const aot = new URL("../../build/logseal.aot", import.meta.url).pathname;
  const made = spawnSync("make", ["-s", "aot"], { cwd: new URL("../..", import.meta.url).pathname, encoding: "utf8" });
  return made.status === 0 && existsSync(aot) ? aot : null;
}
