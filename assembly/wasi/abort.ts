import { logLine } from "./stderr";

// Replaces AssemblyScript's `env.abort` import, which Fluent Bit does not provide.
// Release builds compile with noAssert and avoid checked operations in the hot path,
// so reaching this is a bug: say where on stderr, then trap.
export function abort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  logLine("abort: " + (message ? message : "?") + " at " + (fileName ? fileName : "?") + ":" + line.toString() + ":" + column.toString());
  unreachable();
}
