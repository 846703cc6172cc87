// Replaces AssemblyScript's env.abort (Fluent Bit offers no env imports): trap.
export function abort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  unreachable();
}
