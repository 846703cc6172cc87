// Key files as the module reads them (assembly/policy/keys.ts): text, surrounding
// whitespace ignored, at least 32 characters.
import { readFileSync } from "node:fs";

export const MIN_KEY_CHARS = 32;

export function readKeyFile(path: string): Buffer {
  const key = Buffer.from(readFileSync(path, "utf8").trim(), "utf8");
  if (key.length < MIN_KEY_CHARS) throw new Error(`key file ${path} is shorter than ${MIN_KEY_CHARS} characters`);
  return key;
}
