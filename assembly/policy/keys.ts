// Key files (a mounted Kubernetes Secret): text, surrounding whitespace ignored, at least
// 32 characters, e.g. made by `openssl rand -hex 32`. Text, not raw bytes, so that the CLI,
// kubectl and editors all read the same key.
import { readFile, wipe } from "../wasi/files";

export const MIN_KEY_CHARS = 32;

export class KeyFile {
  /** `found`: the file was there (and `bytes` null means it is unusable, not absent). */
  constructor(public bytes: ArrayBuffer | null, public where: string, public error: string, public found: bool = true) {}
}

export function loadKey(path: string): KeyFile {
  const file = readFile(path);
  const bytes = file.bytes;
  if (bytes == null) return new KeyFile(null, path, "key file " + path + " not found in accessible_paths", false);
  const start = changetype<usize>(bytes);
  let from: usize = 0;
  let to = <usize>bytes.byteLength;
  while (from < to && isSpace(load<u8>(start + from))) from++;
  while (to > from && isSpace(load<u8>(start + to - 1))) to--;
  if (to - from < <usize>MIN_KEY_CHARS) {
    wipe(bytes);
    return new KeyFile(null, file.where, "key file " + file.where + " is shorter than " + MIN_KEY_CHARS.toString() +
      " characters (space, tab, CR and LF around it not counted: a key file is text, e.g. `openssl rand -hex 32`)");
  }
  const key = bytes.slice(<i32>from, <i32>to);
  wipe(bytes); // the caller wipes the key; the untrimmed copy goes here
  return new KeyFile(key, file.where, "");
}

@inline function isSpace(c: u8): bool {
  return c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09;
}
