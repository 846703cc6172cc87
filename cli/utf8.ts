// Text of a file's bytes for the verifier. Node reads an invalid UTF-8 byte as U+FFFD, the very
// character the module writes (`\ufffd`) where it replaced invalid text before sealing: a line
// where someone put one invalid byte in place of that escape would read the same and verify.
// The module and Fluent Bit never write invalid UTF-8, so here an invalid byte becomes U+FFFF,
// which no sealed record holds in its place: that record's MAC fails (docs/seal-format.md).
import { constants, isUtf8 } from "node:buffer";
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

/** JSON's whitespace (RFC 8259), which the module also trims around key files: not Unicode's,
 * whose bytes may be part of a character here. */
export const isJsonSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** `bytes` without the JSON whitespace around them (a view, not a copy). */
export function trimJsonSpace(bytes: Buffer): Buffer {
  let from = 0, to = bytes.length;
  while (from < to && isJsonSpace(bytes[from])) from++;
  while (to > from && isJsonSpace(bytes[to - 1])) to--;
  return bytes.subarray(from, to);
}

/** The longest line read whole: longer ones cannot be text in V8 (its longest string, ~512 MiB). */
export const MAX_LINE_BYTES = constants.MAX_STRING_LENGTH;

/** A line longer than the limit given to `byteLines`: its length; its bytes were not kept. */
export interface LongLine {
  long: number;
}

/**
 * The lines of a stream as bytes: split at \n only (as Fluent Bit's tail), a \r before it dropped.
 * A line longer than `maxLine` bytes is not gathered (memory stays bounded): its length comes instead.
 */
export async function* byteLines(input: Readable, maxLine = Infinity): AsyncGenerator<Buffer | LongLine> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let skipped = -1; // bytes so far of a line too long to keep
  for await (const chunk of input as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
      if (skipped >= 0 || pendingBytes + nl - start > maxLine) {
        yield { long: (skipped >= 0 ? skipped : pendingBytes) + nl - start };
        skipped = -1;
      } else {
        const piece = chunk.subarray(start, nl);
        yield withoutCr(pending.length ? Buffer.concat([...pending, piece]) : piece);
      }
      pending = [];
      pendingBytes = 0;
      start = nl + 1;
    }
    const rest = chunk.length - start;
    if (rest === 0) continue;
    if (skipped >= 0) skipped += rest;
    else if (pendingBytes + rest > maxLine) {
      skipped = pendingBytes + rest;
      pending = [];
      pendingBytes = 0;
    } else {
      pending.push(chunk.subarray(start));
      pendingBytes += rest;
    }
  }
  if (skipped >= 0) yield { long: skipped };
  else if (pending.length) yield withoutCr(Buffer.concat(pending));
}

const withoutCr = (bytes: Buffer): Buffer => (bytes.length && bytes[bytes.length - 1] === 0x0d ? bytes.subarray(0, bytes.length - 1) : bytes);
