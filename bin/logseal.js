#!/usr/bin/env node
// The `logseal` command: runs the TypeScript CLI through tsx, so no build step is needed.
import { register } from "tsx/esm/api";

// node:wasi is marked experimental; its warning would interleave with the commands' output.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  if (String(warning?.message ?? warning).includes("WASI")) return;
  emitWarning(warning, ...rest);
};

register();
await import("../cli/main.ts");
