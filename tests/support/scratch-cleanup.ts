// Vitest setup file: the temporary directories a test file made (cli/scratch.ts) go when it ends;
// the pool's workers are stopped without an `exit` event, which would otherwise remove them.
import { afterAll } from "vitest";
import { removeScratchDirs } from "../../cli/scratch.js";

afterAll(removeScratchDirs);
