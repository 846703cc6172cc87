// Small helpers shared by the commands.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The release module, built by `make build`. */
export const MODULE_PATH = fileURLToPath(new URL("../build/logseal.wasm", import.meta.url));

export function requireModule(path = MODULE_PATH): string {
  if (!existsSync(path)) {
    throw new Error(`${path} not found: run 'make build' first`);
  }
  return path;
}

/**
 * A file the user named, read whole; an error says which file, as what, and why in words
 * (Node's own message for a directory names neither: "EISDIR: illegal operation on a directory, read").
 */
export function readInput(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "a directory, not a file" : code === "EACCES" ? "not readable (permission denied)" : (error as Error).message;
    throw new Error(`${what} ${path}: ${why}`);
  }
}

/** Prints an error and returns the exit code for it. */
export function fail(message: string, code = 2): number {
  process.stderr.write(`logseal: ${message}\n`);
  return code;
}
