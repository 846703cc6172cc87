// The canonical form of a record (RFC 8785, JCS), streamed into a hash: members sorted by the
// UTF-16 code units of their keys at every level (duplicates kept, in document order), strings
// re-escaped the JCS way, numbers as ECMAScript prints their double, no whitespace.
//
// One pass records every token on a tape; a second pass walks the tape with an explicit stack,
// sorting each object's members as it enters it (in the order an object with the same first keys
// took last time when that order still holds). Tape, member lists and stack are buffers reused
// for every record: nothing is allocated per record, nothing recurses on depth. The first pass is
// the validating pull reader for any text, or, for a record logseal wrote itself (valid JSON,
// valid UTF-8), a scan that only finds the tokens: about half the cost in the interpreter.
import { ByteBuffer } from "../buffer";
import { Blake2b } from "../crypto/blake2b";
import { putCodePoint } from "../json/decode";
import { JsonReader, MAX_DEPTH, STRING_BAD_UTF8, STRING_ESCAPED, Token } from "../json/reader";
import { utf8SequenceLength } from "../json/utf8";
import { writeEscape } from "../json/write";
import { hex4 } from "../json/decode";
import { compareKeys } from "./keyorder";
import { isCanonicalInteger, writeCanonicalNumber } from "./number/canonical";

// Tape entry: token, plain (a string with neither escapes nor invalid UTF-8), start, end (strings
// with their quotes), the index of the entry after the value's subtree, and for a key its first
// bytes as a number that sorts like them (keyPrefix).
const ENTRY: usize = 20;
const FRAME: usize = 16; // kind, cursor, end, first
const OBJECT: u32 = 0;
const ARRAY: u32 = 1;
const FLUSH_AT: usize = 4096;
// Remembered member orders (see sortMembers): slots of a count and up to MAX_ORDERED positions.
const MAX_ORDERED: u32 = 32;
const ORDER: usize = 1 + <usize>MAX_ORDERED;
const ORDER_SLOTS: u32 = 64; // a power of two
const HEX = "0123456789abcdef";

export class Canonicalizer {
  /** Canonical text not yet handed to the sink; all of it when there is no sink. */
  readonly text: ByteBuffer = new ByteBuffer(FLUSH_AT * 2);
  /** Numbers with 17 significant digits rounded to 16, as Fluent Bit prints them (see number/canonical.ts). */
  fluentStable: bool = true;
  private sink: Blake2b | null = null;
  private readonly reader: JsonReader = new JsonReader();
  private readonly tape: ByteBuffer = new ByteBuffer(256 * ENTRY);
  private readonly members: ByteBuffer = new ByteBuffer(1024);
  private readonly scratch: ByteBuffer = new ByteBuffer(1024);
  private readonly open: usize = heap.alloc(<usize>(MAX_DEPTH + 2) << 2);
  private readonly frames: usize = heap.alloc(<usize>(MAX_DEPTH + 2) * FRAME);
  private readonly orders: usize = zeroed(<usize>ORDER_SLOTS * ORDER);
  /** The member list being sorted, in document order. */
  private readonly unsorted: usize = heap.alloc(<usize>MAX_ORDERED << 2);
  // First pass: open containers and entries so far.
  private depth: i32 = 0;
  private count: u32 = 0;

  /**
   * Streams the canonical form of the object in `buffer`, which lacks its closing brace (a record
   * being written), into `sink`, or into `text` when sink is null. False if it is not valid JSON.
   */
  writeOpenObject(buffer: ByteBuffer, sink: Blake2b | null): bool {
    store<u8>(buffer.reserve(1), 0x7D); // the brace, past the end: the record stays as it is
    return this.write(buffer.ptr, buffer.len + 1, sink, true);
  }

  /**
   * Streams the canonical form of the JSON text [ptr, ptr + len). `trusted`: the text is known to
   * be valid JSON (logseal wrote it), so it is tokenised without validation.
   */
  write(ptr: usize, len: usize, sink: Blake2b | null, trusted: bool = false): bool {
    this.text.reset();
    this.sink = sink;
    if (!(trusted ? this.recordTrusted(ptr, len) : this.record(ptr, len))) return false;
    this.emit();
    if (sink != null && this.text.len != 0) {
      sink.update(this.text.ptr, this.text.len);
      this.text.reset();
    }
    return true;
  }

  /** First pass: the tape. */
  private record(ptr: usize, len: usize): bool {
    const reader = this.reader;
    reader.reset(ptr, len);
    this.beginTape();
    while (true) {
      const token = reader.next();
      if (token == Token.End) return this.count != 0;
      if (token == Token.Error) return false;
      if (token == Token.ObjectEnd || token == Token.ArrayEnd) {
        if (!this.close()) return false;
        continue;
      }
      const plain = (token == Token.String || token == Token.Key) && (reader.flags & (STRING_ESCAPED | STRING_BAD_UTF8)) == 0;
      if (!this.add(token, plain, reader.start, reader.end)) return false;
    }
    return false;
  }

  /**
   * First pass over valid JSON: the same tape as `record`, with nothing checked but what keeps the
   * scan inside the text. A string is plain when it has no escape and no byte above 0x7F (so a
   * non-ASCII one takes the careful path of the second pass); a key is a string followed by ':'.
   * The entry count, the depth and the tape's cursor live in locals (the fields are written back at
   * the end): each entry is checked against the tape's capacity before it is written (`room`), and
   * `open` holds each open container's entry as a byte offset into the tape, valid after it grows.
   * A key takes its ':' with it and a value the ',' after it, so the loop mostly meets '"' next.
   */
  private recordTrusted(ptr: usize, len: usize): bool {
    const limit = ptr + len;
    const tape = this.tape;
    const open = this.open;
    let base = tape.ptr;
    let room = base + tape.cap;
    let entry = base;
    let count: u32 = 0;
    let depth: i32 = 0;
    let p = ptr;
    // The string scan's masks, read from memory: values the AOT compiler cannot rematerialise as
    // immediates, so it keeps them in registers (or folds a spilled one into the operation).
    const quotes = load<u64>(SCAN_MASKS), backslashes = load<u64>(SCAN_MASKS, 8), ones = load<u64>(SCAN_MASKS, 16), highs = load<u64>(SCAN_MASKS, 24);
    while (p < limit) {
      const c = load<u8>(p);
      if (c == 0x22) { // most tokens are strings: tested first
        if (entry + ENTRY > room) {
          this.growTape(entry - base);
          base = tape.ptr;
          room = base + tape.cap;
          entry = base + tape.len;
        }
        let plain: u32 = 1;
        let end = plainStringEndWith(p + 1, limit, quotes, backslashes, ones, highs);
        if (end == 0) {
          plain = 0;
          end = stringEnd(p + 1, limit);
          if (end == 0) return false;
        }
        let q = end;
        while (q < limit && load<u8>(q) <= 0x20) q++;
        let next = end;
        if (q < limit && load<u8>(q) == 0x3A) {
          store<u16>(entry, <u16>Token.Key | <u16>(plain << 8));
          store<u64>(entry, <u64>(count + 1) | (plain != 0 ? <u64>keyPrefixWithin(p + 1, end - 1, limit) << 32 : 0), 12);
          next = q + 1;
        } else {
          store<u16>(entry, <u16>Token.String | <u16>(plain << 8));
          store<u64>(entry, <u64>(count + 1), 12);
        }
        store<u64>(entry, <u64>p | (<u64>end << 32), 4);
        entry += ENTRY;
        count++;
        p = next;
        if (p < limit && load<u8>(p) == 0x2C) p++;
        continue;
      }
      if ((c | 0x20) == 0x7D) { // '}' or ']': the innermost open container ends
        if (depth == 0) return false;
        depth--;
        store<u32>(base + <usize>load<u32>(open + (<usize>depth << 2)), count, 12);
        p++;
        if (p < limit && load<u8>(p) == 0x2C) p++;
        continue;
      }
      if (c <= 0x20 || c == 0x2C || c == 0x3A) { // whitespace, ',' and ':' separate tokens
        p++;
        continue;
      }
      if (entry + ENTRY > room) {
        this.growTape(entry - base);
        base = tape.ptr;
        room = base + tape.cap;
        entry = base + tape.len;
      }
      let token: Token;
      let end: usize;
      if (c == 0x7B || c == 0x5B) {
        store<u16>(entry, c == 0x7B ? <u16>Token.ObjectStart : <u16>Token.ArrayStart);
        store<u64>(entry, <u64>p | (<u64>(p + 1) << 32), 4);
        store<u64>(entry, <u64>(count + 1), 12);
        if (depth > MAX_DEPTH) return false;
        store<u32>(open + (<usize>depth << 2), <u32>(entry - base));
        depth++;
        entry += ENTRY;
        count++;
        p++;
        continue;
      }
      if (c == 0x74 || c == 0x6E) {
        token = c == 0x74 ? Token.True : Token.Null;
        end = p + 4;
      } else if (c == 0x66) {
        token = Token.False;
        end = p + 5;
      } else {
        token = Token.Number;
        end = p + 1;
        while (end < limit && isNumberByte(load<u8>(end))) end++;
      }
      if (end > limit) return false;
      store<u16>(entry, <u16>token);
      store<u64>(entry, <u64>p | (<u64>end << 32), 4);
      store<u64>(entry, <u64>(count + 1), 12);
      entry += ENTRY;
      count++;
      p = end;
      if (p < limit && load<u8>(p) == 0x2C) p++;
    }
    tape.len = entry - base;
    this.count = count;
    this.depth = depth;
    return count != 0 && depth == 0;
  }

  /** Makes room for one more entry after the first `used` bytes of the tape. */
  private growTape(used: usize): void {
    const tape = this.tape;
    tape.len = used;
    tape.reserve(ENTRY);
  }

  @inline private beginTape(): void {
    this.tape.reset();
    this.depth = 0;
    this.count = 0;
  }

  /** Appends the next entry; an object or array stays open until `close`. False if nested too deep. */
  @inline private add(token: Token, plain: bool, start: usize, end: usize): bool {
    const index = this.count++;
    const entry = this.tape.reserve(ENTRY);
    this.tape.len += ENTRY;
    store<u8>(entry, <u8>token);
    store<u8>(entry, plain ? 1 : 0, 1);
    store<u32>(entry, <u32>start, 4);
    store<u32>(entry, <u32>end, 8);
    store<u32>(entry, index + 1, 12);
    store<u32>(entry, token == Token.Key && plain ? keyPrefix(start + 1, end - 1) : 0, 16);
    if (token != Token.ObjectStart && token != Token.ArrayStart) return true;
    if (this.depth > MAX_DEPTH) return false;
    store<u32>(this.open + (<usize>this.depth << 2), index);
    this.depth++;
    return true;
  }

  /** The innermost open container ends here: its entry learns where its subtree ends. False if none is open. */
  @inline private close(): bool {
    if (this.depth == 0) return false;
    this.depth--;
    store<u32>(this.entry(load<u32>(this.open + (<usize>this.depth << 2))), this.count, 12);
    return true;
  }

  @inline private entry(index: u32): usize {
    return this.tape.ptr + <usize>index * ENTRY;
  }

  @inline private after(index: u32): u32 {
    return load<u32>(this.entry(index), 12);
  }

  /** Second pass: the canonical text, depth first with an explicit stack. */
  private emit(): void {
    const text = this.text;
    let top = this.enter(0, -1);
    while (top >= 0) {
      const frame = this.frames + <usize>top * FRAME;
      const kind = load<u32>(frame), cursor = load<u32>(frame, 4), end = load<u32>(frame, 8), first = load<u32>(frame, 12);
      if (cursor == end) {
        if (kind == OBJECT) {
          text.putByte(0x7D);
          this.members.len = <usize>first << 2; // this object's member list is done with
        } else {
          text.putByte(0x5D);
        }
        top--;
        continue;
      }
      if (cursor != first) text.putByte(0x2C);
      if (kind == OBJECT) {
        const key = load<u32>(this.members.ptr + (<usize>cursor << 2));
        store<u32>(frame, cursor + 1, 4);
        if (!this.writeVerbatimMember(key)) {
          this.writeString(this.entry(key));
          text.putByte(0x3A);
          top = this.enter(key + 1, top);
        }
      } else {
        store<u32>(frame, this.after(cursor), 4);
        top = this.enter(cursor, top);
      }
      const sink = this.sink;
      if (sink != null && text.len >= FLUSH_AT) {
        sink.update(text.ptr, text.len);
        text.reset();
      }
    }
  }

  /**
   * Writes the member whose key is entry `key` as one copy of its text when that text is already
   * canonical: a plain key, ':' and a plain string, a short integer, true, false or null, with
   * nothing in between (as logseal writes records). False, having written nothing, otherwise.
   */
  private writeVerbatimMember(key: u32): bool {
    const keyEntry = this.entry(key), valueEntry = keyEntry + ENTRY;
    const token = <Token>load<u8>(valueEntry);
    const start = <usize>load<u32>(keyEntry, 4), keyEnd = <usize>load<u32>(keyEntry, 8);
    const valueStart = <usize>load<u32>(valueEntry, 4), end = <usize>load<u32>(valueEntry, 8);
    const verbatimValue = token == Token.String ? load<u8>(valueEntry, 1) != 0
      : token == Token.Number ? isCanonicalInteger(valueStart, end) : token == Token.True || token == Token.False || token == Token.Null;
    if (!verbatimValue || load<u8>(keyEntry, 1) == 0 || valueStart != keyEnd + 1 || load<u8>(keyEnd) != 0x3A || end - start >= FLUSH_AT) return false;
    this.text.putBytes(start, end - start);
    return true;
  }

  /** Writes a scalar, or opens a container and pushes its frame; returns the new top. */
  private enter(index: u32, top: i32): i32 {
    const entry = this.entry(index);
    const token = <Token>load<u8>(entry);
    const text = this.text;
    if (token == Token.ObjectStart) {
      text.putByte(0x7B);
      const members = this.members;
      const first = <u32>(members.len >> 2);
      const end = this.after(index);
      for (let key = index + 1; key < end; key = this.after(key + 1)) {
        store<u32>(members.reserve(4), key);
        members.len += 4;
      }
      const count = <u32>(members.len >> 2);
      this.sortMembers(first, count);
      return this.push(top, OBJECT, first, count);
    }
    if (token == Token.ArrayStart) {
      text.putByte(0x5B);
      return this.push(top, ARRAY, index + 1, this.after(index));
    }
    const start = <usize>load<u32>(entry, 4), end = <usize>load<u32>(entry, 8);
    if (token == Token.String) this.writeString(entry);
    else if (token == Token.Number) writeCanonicalNumber(text, start, end, this.fluentStable);
    else text.putBytes(start, end - start); // true, false, null
    return top;
  }

  private push(top: i32, kind: u32, first: u32, end: u32): i32 {
    const frame = this.frames + <usize>(top + 1) * FRAME;
    store<u32>(frame, kind);
    store<u32>(frame, first, 4);
    store<u32>(frame, end, 8);
    store<u32>(frame, first, 12);
    return top + 1;
  }

  private writeString(entry: usize): void {
    const text = this.text;
    const quoted = <usize>load<u32>(entry, 4), quotedEnd = <usize>load<u32>(entry, 8);
    const sink = this.sink;
    if (load<u8>(entry, 1) == 0) {
      text.putByte(0x22);
      reescape(text, quoted + 1, quotedEnd - 1);
      text.putByte(0x22);
    } else if (sink != null && quotedEnd - quoted >= FLUSH_AT) {
      // A long plain string is hashed where it is, not copied.
      sink.update(text.ptr, text.len);
      text.reset();
      sink.update(quoted, quotedEnd - quoted);
    } else {
      text.putBytes(quoted, quotedEnd - quoted); // a plain string is canonical as written, quotes and all
    }
  }

  /**
   * Sorts the member list [first, end) by key. Records from one source carry the same keys in the
   * same order: the order an object with the same count and first keys took last time is tried
   * first, kept if it sorts this list (n - 1 comparisons), else the list is sorted and its order
   * remembered.
   */
  private sortMembers(first: u32, end: u32): void {
    const n = end - first;
    if (n < 2) return;
    const list = this.members.ptr + (<usize>first << 2);
    if (n > MAX_ORDERED) {
      this.sort(list, n);
      return;
    }
    const order = this.orders + <usize>this.orderSlot(list, n) * ORDER;
    memory.copy(this.unsorted, list, <usize>n << 2);
    if (load<u8>(order) == n && this.applyOrder(list, n, order + 1)) return;
    this.sort(list, n);
    this.rememberOrder(list, n, order);
  }

  /** Where the order of an object with these first two keys and `n` members is remembered. */
  @inline private orderSlot(list: usize, n: u32): u32 {
    const a = load<u32>(this.entry(load<u32>(list)), 16), b = load<u32>(this.entry(load<u32>(list, 4)), 16);
    let h = a * 0x9E3779B1 + (b ^ n) * 0x85EBCA77;
    h ^= h >> 16;
    return h & (ORDER_SLOTS - 1);
  }

  /**
   * Writes `unsorted` into `list` in the remembered order; false, with `list` in document order
   * again, unless that order is strictly ascending by key and then by document order (the one
   * order a stable sort gives).
   */
  private applyOrder(list: usize, n: u32, positions: usize): bool {
    const unsorted = this.unsorted, tape = this.tape.ptr;
    let previous = load<u32>(unsorted + (<usize>load<u8>(positions) << 2));
    store<u32>(list, previous);
    for (let i: usize = 1; i < <usize>n; i++) {
      const member = load<u32>(unsorted + (<usize>load<u8>(positions + i) << 2));
      const order = compareEntries(tape + <usize>previous * ENTRY, tape + <usize>member * ENTRY);
      if (order > 0 || (order == 0 && previous >= member)) {
        memory.copy(list, unsorted, <usize>n << 2);
        return false;
      }
      store<u32>(list + (i << 2), member);
      previous = member;
    }
    return true;
  }

  /** Remembers the order of the sorted `list` as positions in `unsorted` (ascending entry indexes). */
  private rememberOrder(list: usize, n: u32, order: usize): void {
    store<u8>(order, <u8>n);
    for (let i: usize = 0; i < <usize>n; i++) {
      const member = load<u32>(list + (i << 2));
      let lo: u32 = 0, hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (load<u32>(this.unsorted + (<usize>mid << 2)) < member) lo = mid + 1;
        else hi = mid;
      }
      store<u8>(order + 1 + i, <u8>lo);
    }
  }

  // Stable merge sort of the member list of `n` entries at `list` by key; sorted runs cost one comparison.
  private sort(list: usize, n: u32): void {
    if (n <= 8) {
      for (let i: u32 = 1; i < n; i++) {
        const key = load<u32>(list + (<usize>i << 2));
        let j = i;
        while (j > 0 && this.compare(load<u32>(list + (<usize>(j - 1) << 2)), key) > 0) {
          store<u32>(list + (<usize>j << 2), load<u32>(list + (<usize>(j - 1) << 2)));
          j--;
        }
        store<u32>(list + (<usize>j << 2), key);
      }
      return;
    }
    const scratch = this.scratch;
    scratch.reset();
    const spare = scratch.reserve(<usize>n << 2);
    for (let width: u32 = 1; width < n; width <<= 1) {
      for (let lo: u32 = 0; lo + width < n; lo += width << 1) {
        const mid = lo + width, hi = min(lo + (width << 1), n);
        if (this.compare(load<u32>(list + (<usize>(mid - 1) << 2)), load<u32>(list + (<usize>mid << 2))) <= 0) continue;
        memory.copy(spare, list + (<usize>lo << 2), <usize>(mid - lo) << 2);
        let i: u32 = 0, j = mid, k = lo;
        const leftCount = mid - lo;
        while (i < leftCount && j < hi) {
          const left = load<u32>(spare + (<usize>i << 2)), right = load<u32>(list + (<usize>j << 2));
          const takeRight = this.compare(right, left) < 0;
          store<u32>(list + (<usize>k << 2), takeRight ? right : left);
          k++;
          if (takeRight) j++;
          else i++;
        }
        if (i < leftCount) memory.copy(list + (<usize>k << 2), spare + (<usize>i << 2), <usize>(leftCount - i) << 2);
      }
    }
  }

  @inline private compare(a: u32, b: u32): i32 {
    return compareEntries(this.entry(a), this.entry(b));
  }
}

/** Compares the keys of two tape entries: by their prefixes when those differ, else by their text. */
@inline function compareEntries(x: usize, y: usize): i32 {
  const xPrefix = load<u32>(x, 16), yPrefix = load<u32>(y, 16);
  if (xPrefix != yPrefix && xPrefix != 0 && yPrefix != 0) return xPrefix < yPrefix ? -1 : 1;
  const plain = load<u8>(x, 1) != 0 && load<u8>(y, 1) != 0;
  return compareKeys(<usize>load<u32>(x, 4) + 1, <usize>load<u32>(x, 8) - 1,
    <usize>load<u32>(y, 4) + 1, <usize>load<u32>(y, 8) - 1, plain);
}

/** `size` bytes of the heap, zero-filled. */
function zeroed(size: usize): usize {
  const ptr = heap.alloc(size);
  memory.fill(ptr, 0, size);
  return ptr;
}

/**
 * String content in JCS form: escapes decoded, then only ", \ and controls escaped (\b \f \n \r \t,
 * else \u00xx), everything else raw UTF-8; a lone surrogate escape stays \udxxx (as JSON.stringify
 * writes it); an invalid UTF-8 byte becomes U+FFFD, as the redaction walk repairs values.
 */
function reescape(text: ByteBuffer, p: usize, end: usize): void {
  let run = p;
  while (p < end) {
    const c = load<u8>(p);
    if (c == 0x5C && p + 1 < end) {
      const e = load<u8>(p + 1);
      if (isCanonicalEscape(e)) { // \" \\ \b \f \n \r \t are JCS already: part of the run
        p += 2;
        continue;
      }
      text.putBytes(run, p - run);
      if (e == 0x75 && p + 6 <= end) {
        let unit = hex4(p + 2);
        p += 6;
        if (unit >= 0xD800 && unit < 0xDC00 && p + 6 <= end && load<u16>(p) == 0x755C) {
          const low = hex4(p + 2);
          if (low >= 0xDC00 && low < 0xE000) {
            putCodePoint(text, 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
            p += 6;
            run = p;
            continue;
          }
        }
        if (unit >= 0xD800 && unit < 0xE000) {
          text.putByte(0x5C);
          text.putByte(0x75);
          for (let shift = 12; shift >= 0; shift -= 4) text.putByte(<u8>HEX.charCodeAt((unit >> shift) & 15));
        } else if (unit < 0x20 || unit == 0x22 || unit == 0x5C) {
          writeEscape(text, <u8>unit);
        } else {
          putCodePoint(text, unit);
        }
      } else {
        const decoded: u8 = e == 0x6E ? 0x0A : e == 0x74 ? 0x09 : e == 0x72 ? 0x0D : e == 0x62 ? 0x08 : e == 0x66 ? 0x0C : e;
        if (decoded < 0x20 || decoded == 0x22 || decoded == 0x5C) writeEscape(text, decoded);
        else text.putByte(decoded); // "\/"
        p += 2;
      }
      run = p;
    } else if (c >= 0x80) {
      const n = utf8SequenceLength(p, end);
      if (n == 0) {
        text.putBytes(run, p - run);
        text.putBytes(changetype<usize>(REPLACEMENT), 3);
        p++;
        run = p;
      } else {
        p += n;
      }
    } else {
      p++;
    }
  }
  text.putBytes(run, p - run);
}

const REPLACEMENT = memory.data<u8>([0xEF, 0xBF, 0xBD]);

/** Whether `\e` is written the same in the canonical form: the short escapes JSON.stringify uses. */
@inline function isCanonicalEscape(e: u8): bool {
  return e == 0x22 || e == 0x5C || e == 0x6E || e == 0x74 || e == 0x72 || e == 0x62 || e == 0x66;
}

/**
 * The first four bytes of a key's content, big-endian, zero-padded: ordered as the keys are when
 * they differ there and are ASCII (ASCII byte order is UTF-16 order). 0, "compare the keys", when
 * a byte is not ASCII.
 */
function keyPrefix(p: usize, end: usize): u32 {
  let prefix: u32;
  if (end - p >= 4) {
    prefix = bswap<u32>(load<u32>(p));
  } else {
    prefix = 0;
    for (let shift = 24; p < end; p++, shift -= 8) prefix |= <u32>load<u8>(p) << shift;
  }
  return prefix & 0x80808080 ? 0 : prefix;
}

/**
 * keyPrefix of the key content [p, end) inside a text that ends at `limit`: a short key's bytes
 * are read as one word when the text goes on for four bytes, the bytes past the key masked off.
 */
@inline function keyPrefixWithin(p: usize, end: usize, limit: usize): u32 {
  const n = end - p;
  if (n < 4 && p + 4 > limit) return keyPrefix(p, end);
  let prefix = bswap<u32>(load<u32>(p));
  if (n < 4) prefix &= ~(<u32>0xFFFFFFFF >> (<u32>n << 3));
  return prefix & 0x80808080 ? 0 : prefix;
}

const SCAN_MASKS = memory.data<u64>([0x2222222222222222, 0x5C5C5C5C5C5C5C5C, 0x0101010101010101, 0x8080808080808080]);

/**
 * End (after the closing quote) of the string whose content starts at `p`, if it has neither an
 * escape nor a non-ASCII byte; else 0. Eight bytes at a time, with quoteBackslashOrHigh's test on
 * the masks given (SCAN_MASKS).
 */
@inline function plainStringEndWith(p: usize, limit: usize, quotes: u64, backslashes: u64, ones: u64, highs: u64): usize {
  // Two words a step while they last (a borrow stays inside its word, so the lowest flag of the
  // first word that has one is exact), then one word, then bytes.
  while (p + 16 <= limit) {
    const w = load<u64>(p), v = load<u64>(p, 8);
    const special = (((w ^ quotes) - ones) | ((w ^ backslashes) - ones) | w) & highs;
    const more = (((v ^ quotes) - ones) | ((v ^ backslashes) - ones) | v) & highs;
    if ((special | more) != 0) {
      p += <usize>((ctz(special) + (ctz(more) & (0 - <u64>(special == 0)))) >> 3); // no branch on which word
      return plainStringTail(p, limit);
    }
    p += 16;
  }
  while (p + 8 <= limit) {
    const w = load<u64>(p);
    const special = (((w ^ quotes) - ones) | ((w ^ backslashes) - ones) | w) & highs;
    if (special != 0) {
      p += <usize>(ctz(special) >> 3);
      break;
    }
    p += 8;
  }
  return plainStringTail(p, limit);
}

/** plainStringEndWith byte by byte from `p`. */
@inline function plainStringTail(p: usize, limit: usize): usize {
  while (p < limit) {
    const c = load<u8>(p);
    if (c == 0x22) return p + 1;
    if (c == 0x5C || c >= 0x80) return 0;
    p++;
  }
  return 0;
}

/** End (after the closing quote) of the string whose content starts at `p`, escapes skipped; 0 if unterminated. */
function stringEnd(p: usize, limit: usize): usize {
  while (p < limit) {
    const c = load<u8>(p);
    if (c == 0x22) return p + 1;
    p += c == 0x5C ? 2 : 1;
  }
  return 0;
}

/** Digits, sign, '.', 'e' and 'E': what a JSON number is made of. */
@inline function isNumberByte(c: u8): bool {
  return (c >= 0x30 && c <= 0x39) || c == 0x2D || c == 0x2B || c == 0x2E || (c | 0x20) == 0x65;
}
