// Lifting: a string member whose text is a JSON object becomes members of the record (as
// Fluent Bit's parser or the kubernetes filter's Merge_Log would make them), parsed by logseal's
// own reader: any depth up to the reader's limit, a clear reason otherwise, never a lost line.
// The text is decoded once into a reused buffer, validated in full (so nothing in it can close
// or reopen the record around it), then copied into the record being rebuilt.
import { ByteBuffer } from "../buffer";
import { decodeStringContent } from "../json/decode";
import { JsonError, JsonReader, MAX_DEPTH, Token, jsonErrorMessage } from "../json/reader";

export const enum Lifted {
  /** The text is not meant as an object (does not start with `{`): a plain line, kept as it is. */
  NotObject,
  /** An object: its members were written. */
  Done,
  /** Starts with `{` but is not a valid JSON object (or too deep): kept as text, `error` says why. */
  Invalid,
}

export class Lifter {
  /** Why the last `lift` returned Invalid, and where in the decoded text. */
  error: JsonError = JsonError.None;
  errorAt: usize = 0;
  /** Whether the last Done lift wrote anything. */
  wrote: bool = false;
  private readonly decoded: ByteBuffer = new ByteBuffer(16 * 1024);
  private readonly inner: JsonReader = new JsonReader();

  /**
   * Lifts the JSON text held by a string token's raw content [ptr, ptr+len) (escapes as in the
   * record). On Done, writes to `out` either the object's members (`intoKey` null: they join the
   * enclosing object, preceded by a comma if `comma`) or `intoKey` (quoted) and the whole object.
   * `depthLimit` is the deepest nesting the object may have where it lands.
   * Returns what happened; `wrote` tells whether anything was written (an empty object lifted into
   * the top level writes nothing).
   */
  lift(ptr: usize, len: usize, out: ByteBuffer, comma: bool, intoKey: ArrayBuffer | null, depthLimit: i32): Lifted {
    if (!startsObject(ptr, ptr + len)) return Lifted.NotObject;
    const decoded = this.decoded;
    const inner = this.inner;
    decoded.reset();
    decodeStringContent(decoded, ptr, len);
    const text = decoded.ptr;
    inner.reset(text, decoded.len);
    if (inner.next() != Token.ObjectStart) return this.invalid(inner.error, inner.errorAt - text);
    const open = inner.start;
    while (inner.depth != 0) {
      const token = inner.next();
      if (token == Token.Error) return this.invalid(inner.error, inner.errorAt - text);
      if ((token == Token.ObjectStart || token == Token.ArrayStart) && inner.depth > depthLimit) {
        return this.invalid(JsonError.TooDeep, inner.start - text);
      }
    }
    const close = inner.start; // the object's closing brace
    if (inner.next() != Token.End) return this.invalid(inner.error, inner.errorAt - text);
    this.wrote = false;
    if (intoKey != null) {
      if (comma) out.putByte(0x2C);
      out.putBuffer(intoKey);
      out.putByte(0x3A);
      out.putBytes(open, close + 1 - open);
      this.wrote = true;
      return Lifted.Done;
    }
    const from = skipSpace(open + 1, close);
    const to = trimSpace(from, close);
    if (to > from) {
      if (comma) out.putByte(0x2C);
      out.putBytes(from, to - from);
      this.wrote = true;
    }
    return Lifted.Done;
  }

  /** The message for the last Invalid lift of member `key` (cold: invalid input only). */
  errorMessage(key: string): string {
    const why = this.error == JsonError.TooDeep ? "nesting deeper than " + MAX_DEPTH.toString() : jsonErrorMessage(this.error);
    return key + " holds invalid JSON, kept as text: " + why + " at byte " + this.errorAt.toString();
  }

  private invalid(error: JsonError, at: usize): Lifted {
    this.error = error == JsonError.None ? JsonError.UnexpectedByte : error;
    this.errorAt = at;
    return Lifted.Invalid;
  }
}

/** Whether raw string content starts with `{` after whitespace (raw or escaped as \t \n \r). */
function startsObject(p: usize, end: usize): bool {
  while (p < end) {
    const c = load<u8>(p);
    if (c == 0x7B) return true;
    if (c == 0x20) {
      p++;
    } else if (c == 0x5C && p + 1 < end) {
      const e = load<u8>(p + 1);
      if (e != 0x6E && e != 0x74 && e != 0x72) return false;
      p += 2;
    } else {
      return false;
    }
  }
  return false;
}

@inline function isSpace(c: u8): bool {
  return c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09;
}

function skipSpace(p: usize, end: usize): usize {
  while (p < end && isSpace(load<u8>(p))) p++;
  return p;
}

function trimSpace(start: usize, end: usize): usize {
  while (end > start && isSpace(load<u8>(end - 1))) end--;
  return end;
}
