// `kubectl exec` puts the command in the request's URI, one `command=` query parameter per
// argument, URL-encoded (`+` or `%20` a space, `%3D` a `=`): `/api/v1/namespaces/ns/pods/p/exec?
// command=mysql&command=-uroot&command=-pS3cret&container=c`, and an audit event logs the URI at
// every level. The arguments are decoded here into a scratch buffer, joined by spaces, as the
// command line they are; the detectors read that as any command line, and each decoded byte
// remembers where its raw bytes are, so a span maps back onto the URI (the password's encoded
// bytes, the command around it readable). Cold unless a query holds `command=`.
import { BACKSLASH, classOf, HEX, matchesAt, peek, SPACE } from "./chars";

/** Bytes of the decoded command line at most (the rest of a longer one is not decoded). */
export const MAX_COMMAND: usize = 2048;
export const COMMAND = memory.data(<i32>MAX_COMMAND);
/** Per decoded byte: the offset of its raw bytes, and their count (1, 2 for `\/`, 3 for `%XX`). */
const SOURCE = memory.data(<i32>MAX_COMMAND << 2);
const SOURCE_LENGTH = memory.data(<i32>MAX_COMMAND);

const PARAMETER = "command=";

/** Decodes the `command=` parameters of the query that starts at `q` (after its `?`) into COMMAND;
 * returns the length, 0 when the query has none. Parameters are separated by `&`, or by `&` as
 * JSON escapes it (`\u0026`: Go's encoder, so the API server's audit log; `\\u0026` in JSON text
 * inside a string). The query ends at the end of the string, a space, a quote, `#`, `?` (encoders
 * write `%3F`; so each `?` starts one query, read once), or an escape that is none of those. */
export function decodeCommand(p: usize, n: usize, q: usize): usize {
  let j = q;
  let out: usize = 0;
  let commands = 0;
  let separator = q;
  let separatorEnd = q;
  while (j < n) {
    const isCommand = matchesAt(p, n, j, PARAMETER);
    if (isCommand) {
      if (commands > 0 && out < MAX_COMMAND) put(out++, SPACE, separator, separatorEnd - separator);
      commands++;
      j += PARAMETER.length;
    }
    let sep: usize = 0;
    while (j < n) {
      sep = separatorLength(p, n, j);
      if (sep != 0) break;
      const b = <u32>load<u8>(p + j);
      let byte = b;
      let raw: usize = 1;
      if (b == 0x25 && isIn2Hex(p, n, j + 1)) {
        byte = (hexValue(load<u8>(p + j + 1)) << 4) | hexValue(load<u8>(p + j + 2));
        raw = 3;
      } else if (b == 0x2b) {
        byte = SPACE;
      } else if (b == BACKSLASH && peek(p, n, j + 1) == 0x2f) {
        byte = 0x2f;
        raw = 2;
      } else if (b <= SPACE || b == 0x22 || b == 0x23 || b == 0x3f || b == BACKSLASH || b == 0x7f) {
        break;
      }
      if (isCommand && out < MAX_COMMAND) put(out++, byte, j, raw);
      j += raw;
    }
    if (sep == 0) break;
    separator = j;
    j += sep;
    separatorEnd = j;
  }
  return commands > 0 ? out : 0;
}

/** Raw offset of decoded byte `k`. */
@inline export function sourceStart(k: usize): usize {
  return <usize>load<u32>(SOURCE + (k << 2));
}

/** Raw offset after decoded byte `k`. */
@inline export function sourceEnd(k: usize): usize {
  return <usize>load<u32>(SOURCE + (k << 2)) + <usize>load<u8>(SOURCE_LENGTH + k);
}

@inline function put(k: usize, byte: u32, from: usize, raw: usize): void {
  store<u8>(COMMAND + k, <u8>byte);
  store<u32>(SOURCE + (k << 2), <u32>from);
  store<u8>(SOURCE_LENGTH + k, <u8>raw);
}

/** `&`, `\u0026` or `\\u0026` at `j`: its length, else 0. */
@inline function separatorLength(p: usize, n: usize, j: usize): usize {
  const b = load<u8>(p + j);
  if (b == 0x26) return 1;
  if (b != BACKSLASH) return 0;
  const k = peek(p, n, j + 1) == BACKSLASH ? j + 1 : j;
  return matchesAt(p, n, k + 1, "u0026") ? k + 6 - j : 0;
}

@inline function isIn2Hex(p: usize, n: usize, j: usize): bool {
  return (classOf(peek(p, n, j)) & HEX) != 0 && (classOf(peek(p, n, j + 1)) & HEX) != 0;
}

@inline function hexValue(b: u32): u32 {
  return b <= 0x39 ? b - 0x30 : (b | 0x20) - 0x57;
}
