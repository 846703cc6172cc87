// What bench/aot-profile.ts (perf, time) and bench/aot-count.ts (callgrind, instructions) share:
// the driver they run (64 container records, AOT for x86-64-v3 with the wasm names kept) and the
// names of the functions WAMR's perf map calls `aot_func#<index>`.
import { dirname, join } from "node:path";
import { compileAot, findWamrc } from "./aot.ts";
import { containerWorkload } from "./fluent-bit/workload.ts";
import { buildDriver } from "./iwasm-driver.ts";
import * as policies from "./policies.ts";

/** The driver's records: the first 64 of the container workload. */
export const DRIVER_RECORDS = 64;

/** The policy BENCH_POLICY names in bench/policies.ts (default: the embedded default). */
export function benchPolicy(tool: string): { name: string; policy: Record<string, any> | undefined } {
  const name = process.env.BENCH_POLICY ?? "DEFAULT_POLICY";
  if (!(name in policies)) throw new Error(`${tool}: no policy ${name} in bench/policies.ts`);
  return { name, policy: (policies as Record<string, unknown>)[name] as Record<string, any> | undefined };
}

/** Builds the driver and its x86-64-v3 AOT file under build/<tool>/; returns both paths. */
export function buildAotDriver(tool: string, wamrc: string): { wasm: string; aot: string } {
  const bodies = containerWorkload(DRIVER_RECORDS).text.trimEnd().split("\n").map((line) => Buffer.from(line));
  const wasm = buildDriver(tool, bodies, "kube.var.log.containers.web", ["--debug"]);
  const aot = join(dirname(wasm), "driver.x86-64-v3.aot");
  const error = compileAot(wamrc, wasm, aot, "x86-64-v3");
  if (error) throw new Error(`${tool}: ${error}`);
  return { wasm, aot };
}

export { findWamrc };

/** The module's own functions by folder; everything else is the runtime, libc or the kernel. */
export function partOf(name: string): string {
  const m = /^(?:assembly\/)([a-z]+)\//.exec(name);
  if (m) return `module: ${m[1]}/`;
  if (name.startsWith("~lib/")) return "module: AssemblyScript runtime";
  if (name.endsWith("(kernel)")) return "kernel (system calls, page faults)";
  return "iwasm and libc (WASI calls, memmove)";
}

/** `aot_func#<index>` as its wasm name, else the symbol as given. */
export function aotName(names: Map<number, string>, symbol: string): string {
  const index = /aot_func#(\d+)/.exec(symbol);
  return index ? names.get(Number(index[1])) ?? symbol : symbol;
}

/** Defined-function index -> name, from the wasm name section (imports come first in the index space). */
export function functionNames(bytes: Buffer): Map<number, string> {
  let p = 8, imported = 0;
  const names = new Map<number, string>();
  const leb = (): number => {
    let result = 0, shift = 0, byte;
    do {
      byte = bytes[p++];
      result |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    return result >>> 0;
  };
  const skipName = () => { const n = leb(); p += n; };
  while (p < bytes.length) {
    const id = bytes[p++], size = leb(), end = p + size;
    if (id === 2) {
      for (let n = leb(); n > 0; n--) {
        skipName();
        skipName();
        const kind = bytes[p++];
        if (kind === 0) { leb(); imported++; }
        else if (kind === 1) { p++; if (leb() & 1) leb(); leb(); }
        else if (kind === 2) { if (leb() & 1) leb(); leb(); }
        else p += 2; // a global: type and mutability
      }
    } else if (id === 0) {
      const length = leb();
      const section = bytes.subarray(p, p + length).toString();
      p += length;
      while (section === "name" && p < end) {
        const sub = bytes[p++], subSize = leb(), subEnd = p + subSize;
        if (sub === 1) for (let n = leb(); n > 0; n--) { const index = leb(), len = leb(); names.set(index - imported, bytes.subarray(p, p + len).toString()); p += len; }
        p = subEnd;
      }
    }
    p = end;
  }
  return names;
}
