// Lifting: a string member whose text is a JSON object becomes members of the record (as
// Fluent Bit's parser or the kubernetes filter's Merge_Log would make them), parsed by logseal's
// own reader: any depth up to the reader's limit, a clear reason otherwise, never a lost line.
// The text is decoded once into a reused buffer, validated in full (so nothing in it can close
// or reopen the record around it), then copied into the record being rebuilt.
import { ByteBuffer } from "../buffer";
import { decodeStringContent } from "../json/decode";
import { JsonError, JsonReader, MAX_DEPTH, Token, jsonErrorMessage } from "../json/reader";
import { containerEnd, decodeString, decodedInfo, skipSpace, trimSpace } from "./scan";

export const enum Lifted {
  /** The text is not meant as an object (does not start with `{`): a plain line, kept as it is. */
  NotObject,
  /** An object: its members were written. */
  Done,
  /** Starts with `{` but is not a valid JSON object (or too deep): kept as text, `error` says why. */
  Invalid,
  /** Fast path: not certainly an object; the record must be read by the strict path. */
  Doubt,
}

export class Lifter {
  /** Why the last `lift` returned Invalid, and where in the decoded text. */
  error: JsonError = JsonError.None;
  errorAt: usize = 0;
  /** Whether the last Done lift wrote anything. */
  wrote: bool = false;
  /** The text's length in bytes as it was in the file (Fluent Bit's stand-ins for bad bytes count one). */
  lineBytes: u64 = 0;
  /** Fast path: the text held Fluent Bit's stand-ins for bytes that were not UTF-8, or lone surrogates. */
  replaced: bool = false;
  loneSurrogates: bool = false;
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
    this.write(out, comma, intoKey, open, close);
    return Lifted.Done;
  }

  /** Fast path: where the string lifted last ended (after its closing quote). */
  valueEnd: usize = 0;

  /**
   * The fast path of `lift`, for the string token whose opening quote is at `quote` (its end not
   * yet known: it is found while decoding, a word at a time, and left in `valueEnd`). Checks only
   * the text's structure (one object, brackets balanced outside strings, no deeper than
   * `depthLimit`); its tokens are validated by the redaction walk over the rebuilt record. Doubt
   * where `lift` might say Invalid.
   */
  liftFast(quote: usize, limit: usize, out: ByteBuffer, comma: bool, intoKey: ArrayBuffer | null, depthLimit: i32): Lifted {
    if (!startsObject(quote + 1, limit)) return Lifted.NotObject;
    const decoded = this.decoded;
    decoded.reset();
    const after = decodeString(decoded, quote, limit);
    if (after == 0) return Lifted.Doubt;
    this.valueEnd = after;
    const info = decodedInfo;
    this.lineBytes = <u64>decoded.len - 2 * <u64>info.replacements + <u64>info.overlongs;
    this.replaced = info.replacements != 0 || info.overlongs != 0;
    this.loneSurrogates = info.loneSurrogates != 0;
    const text = decoded.ptr;
    const end = text + decoded.len;
    const open = skipSpace(text, end);
    if (open == end || load<u8>(open) != 0x7B || info.endsInString) return Lifted.Doubt;
    let close: usize;
    if (intoKey == null) {
      // Into the top level the members need no structural check of their own: text that is not
      // a member list would close the record early or leave it open, and the walk rejects both.
      close = trimSpace(open, end) - 1;
      if (close == open || load<u8>(close) != 0x7D) return Lifted.Doubt;
    } else {
      // Under a member, `{"a":1},"b":{...}` would be a valid record with a member of its own.
      close = containerEnd(open, end, depthLimit);
      if (close == 0 || skipSpace(close, end) != end) return Lifted.Doubt;
      close--;
    }
    this.write(out, comma, intoKey, open, close);
    return Lifted.Done;
  }

  /** Writes the object [open, close] (braces included) as members or under `intoKey`. */
  private write(out: ByteBuffer, comma: bool, intoKey: ArrayBuffer | null, open: usize, close: usize): void {
    this.wrote = false;
    if (intoKey != null) {
      if (comma) out.putByte(0x2C);
      out.putBuffer(intoKey);
      out.putByte(0x3A);
      out.putBytes(open, close + 1 - open);
      this.wrote = true;
      return;
    }
    const from = skipSpace(open + 1, close);
    const to = trimSpace(from, close);
    if (to > from) {
      if (comma) out.putByte(0x2C);
      out.putBytes(from, to - from);
      this.wrote = true;
    }
  }

  /**
   * The message for the last Invalid lift of member `key` (cold: invalid input only); `limit` is
   * the deepest the record may be.
   */
  errorMessage(key: string, limit: i32): string {
    const at = " at byte " + this.errorAt.toString();
    if (this.error != JsonError.TooDeep) return key + " holds invalid JSON, kept as text: " + jsonErrorMessage(this.error) + at;
    const why = limit >= MAX_DEPTH ? "nesting deeper than " + MAX_DEPTH.toString()
      : "the record would be nested deeper than " + limit.toString() + " (input.max_depth)";
    return key + " holds JSON too deep to lift, kept as text: " + why + ", level " + (limit + 1).toString() + at;
  }

  private invalid(error: JsonError, at: usize): Lifted {
    this.error = error == JsonError.None ? JsonError.UnexpectedByte : error;
    this.errorAt = at;
    return Lifted.Invalid;
  }
}

/** Whether raw string content starts with `{` after whitespace (raw or escaped as \t \n \r). */
export function startsObject(p: usize, end: usize): bool {
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
