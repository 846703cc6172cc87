// Temporary directories that go away with the process: `logseal run --policy` copies the policy
// into one (the module reads it through a pre-opened directory), and the test and bench helpers
// make hundreds; left behind, they fill /tmp one run at a time.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const made: string[] = [];

function removeAll(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A new directory under the system's temporary directory, removed when the process exits. */
export function scratchDir(prefix: string): string {
  if (made.length === 0) process.once("exit", removeAll);
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
