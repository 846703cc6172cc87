// Ahead-of-time compilation for the benchmarks, with the Makefile's flags (`make aot`; a test
// checks they agree): Fluent Bit's WAMR has no SIMD, the medium code model loads anywhere.
import { spawnSync } from "node:child_process";

export const AOT_FLAGS = ["--target=x86_64", "--opt-level=3", "--size-level=1", "--disable-simd"];

/** The AOT compiler: $WAMRC, else flb-wamrc or wamrc on PATH; "" if none. */
export function findWamrc(): string {
  const which = (name: string) => spawnSync("bash", ["-c", `command -v ${name}`], { encoding: "utf8" }).stdout.trim();
  return process.env.WAMRC || which("flb-wamrc") || which("wamrc");
}

/** Compiles `wasm` to `out` for an x86-64 level (x86-64-v2, x86-64-v3); the error text, or "" on success. */
export function compileAot(wamrc: string, wasm: string, out: string, cpu: string): string {
  const run = spawnSync(wamrc, [...AOT_FLAGS, `--cpu=${cpu}`, "-o", out, wasm], { encoding: "utf8" });
  return run.status === 0 ? "" : (run.stderr || run.stdout).trim().split("\n").pop() ?? "wamrc failed";
}
