// Key files as the module reads them (assembly/policy/keys.ts): the file's bytes, with spaces,
// tabs, CRs and LFs around them ignored, at least 32 of them. Byte for byte what the module keeps:
// read as UTF-8 text, a key file that is not (e.g. `openssl rand 32` instead of `-hex 32`) would
// become another key here (invalid bytes turned into U+FFFD, other Unicode spaces trimmed), and
// every record it sealed would fail as wrong-key, every pseudonym computed here would differ.
import { readInput } from "./util.ts";
import { trimJsonSpace } from "./utf8.ts";

export const MIN_KEY_CHARS = 32;

export function readKeyFile(path: string): Buffer {
  const bytes = readInput(path, "key file");
  const key = Buffer.from(trimJsonSpace(bytes));
  bytes.fill(0);
  if (key.length < MIN_KEY_CHARS) throw new Error(`key file ${path} is shorter than ${MIN_KEY_CHARS} characters (space, tab, CR and LF around it not counted: a key file is text, e.g. \`openssl rand -hex 32\`)`);
  return key;
}
