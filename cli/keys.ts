// Key files as the module reads them (assembly/policy/keys.ts): the file's bytes, with spaces,
// tabs, CRs and LFs around them ignored, at least 32 of them. Byte for byte what the module keeps:
// read as UTF-8 text, a key file that is not (e.g. `openssl rand 32` instead of `-hex 32`) would
// become another key here (invalid bytes turned into U+FFFD, other Unicode spaces trimmed), and
// every record it sealed would fail as wrong-key, every pseudonym computed here would differ.
import { readInput } from "./util.ts";

export const MIN_KEY_CHARS = 32;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

export function readKeyFile(path: string): Buffer {
  const bytes = readInput(path, "key file");
  let from = 0, to = bytes.length;
  while (from < to && isSpace(bytes[from])) from++;
  while (to > from && isSpace(bytes[to - 1])) to--;
  const key = Buffer.from(bytes.subarray(from, to));
  bytes.fill(0);
  if (key.length < MIN_KEY_CHARS) throw new Error(`key file ${path} is shorter than ${MIN_KEY_CHARS} characters`);
  return key;
}
