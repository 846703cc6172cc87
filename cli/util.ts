// Small helpers shared by the commands.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The release module, built by `make build`. */
export const MODULE_PATH = fileURLToPath(new URL("../build/logseal.wasm", import.meta.url));

export function requireModule(path = MODULE_PATH): string {
  if (!existsSync(path)) {
    throw new Error(`${path} not found: run 'make build' first`);
  }
  return path;
}

/** Prints an error and returns the exit code for it. */
export function fail(message: string, code = 2): number {
  process.stderr.write(`logseal: ${message}\n`);
  return code;
}
