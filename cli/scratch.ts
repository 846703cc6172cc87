// Temporary directories that go away with the process: `logseal run --policy` copies the policy
// into one (the module reads it through a pre-opened directory), and the test and bench helpers
// make hundreds; left behind, they fill /tmp one run at a time.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const made: string[] = [];
let hooked = false;

/** Removes every directory made so far (the test runner's workers are stopped without an `exit`
 * event, so the suites call this after each file: tests/support/scratch-cleanup.ts). */
export function removeScratchDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A new directory under the system's temporary directory, removed when the process exits. */
export function scratchDir(prefix: string): string {
  if (!hooked) (hooked = true), process.once("exit", removeScratchDirs);
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
