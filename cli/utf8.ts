// Text of a file's bytes for the verifier. Node reads an invalid UTF-8 byte as U+FFFD, the very
// character the module writes (`\ufffd`) where it replaced invalid text before sealing: a line
// where someone put one invalid byte in place of that escape would read the same and verify.
// The module and Fluent Bit never write invalid UTF-8, so here an invalid byte becomes U+FFFF,
// which no sealed record holds in its place: that record's MAC fails (docs/seal-format.md).
import { isUtf8 } from "node:buffer";
import type { Readable } from "node:stream";

/** UTF-8 bytes as text; each byte that does not start a valid sequence becomes U+FFFF. */
export function decodeUtf8(bytes: Buffer, start = 0, end = bytes.length): string {
  const view = start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end);
  if (isUtf8(view)) return view.toString("utf8");
  let out = "";
  let from = 0, i = 0;
  while (i < view.length) {
    const length = sequenceLength(view, i);
    if (length > 0) {
      i += length;
      continue;
    }
    out += view.toString("utf8", from, i) + "\uffff";
    from = ++i;
  }
  return out + view.toString("utf8", from);
}

/** The length of the valid UTF-8 character at `i` (UTF-8 is prefix-free: the shortest valid one), or 0. */
function sequenceLength(bytes: Buffer, i: number): number {
  for (let n = 1; n <= 4 && i + n <= bytes.length; n++) if (isUtf8(bytes.subarray(i, i + n))) return n;
  return 0;
}

/** The lines of a stream as bytes: split at \n only (as Fluent Bit's tail), a \r before it dropped. */
export async function* byteLines(input: Readable): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  for await (const chunk of input as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, nl);
      yield withoutCr(pending.length ? Buffer.concat([...pending, piece]) : piece);
      pending = [];
      start = nl + 1;
    }
    if (start < chunk.length) pending.push(chunk.subarray(start));
  }
  if (pending.length) yield withoutCr(Buffer.concat(pending));
}

/** The lines of a stream (split at \n, a \r before it dropped), decoded as `decodeUtf8` does. */
export async function* utf8Lines(input: Readable): AsyncGenerator<string> {
  for await (const line of byteLines(input)) yield decodeUtf8(line);
}

const withoutCr = (bytes: Buffer): Buffer => (bytes.length && bytes[bytes.length - 1] === 0x0d ? bytes.subarray(0, bytes.length - 1) : bytes);
