// Where a record came from: the file tail read it from, the byte offset of its line's start,
// and the line's length in the file, so a verifier can tell which bytes of each file never
// reached the filter (cli/completeness.ts, docs/input.md). Written as
//   "logseal_source":{"path":"/var/log/...","offset":1234,"bytes":210}
// plus `"invalid_utf8":true` when Fluent Bit replaced bytes of the line that were not UTF-8, or
// `"joined":true` (no bytes) for a record Fluent Bit's CRI parser joined from partial lines.
// The count is exact for UTF-8 lines; Fluent Bit drops up to five bytes that are not UTF-8 at
// the end of a string without a trace, and takes overlong forms as one character.
import { ByteBuffer, utf8 } from "../buffer";
import { hex4 } from "../json/decode";
import { isReplacement } from "./scan";
import { STRING_NEEDS_REPAIR } from "../json/reader";
import { utf8SequenceLength } from "../json/utf8";
import { repairStringContent } from "../json/write";
import { RecordOut } from "../record";
import { SOURCE_MEMBER } from "./policy";

export const SOURCE_KEY = utf8("\"" + SOURCE_MEMBER + "\"");
const PATH_OPEN = utf8("{\"path\":");
const OFFSET_OPEN = utf8(",\"offset\":");
const BYTES_OPEN = utf8(",\"bytes\":");
const INVALID_UTF8 = utf8(",\"invalid_utf8\":true");
const JOINED = utf8(",\"joined\":true");

const ONES: u64 = 0x0101010101010101;
const HIGHS: u64 = 0x8080808080808080;

/** One record's source, noted while the input stage reads the record. */
export class SourceNote {
  /** The path member's string token (with quotes) and its reader flags. */
  pathStart: usize = 0;
  pathEnd: usize = 0;
  pathFlags: u32 = 0;
  /** The offset member's number token (digits only). */
  offsetStart: usize = 0;
  offsetEnd: usize = 0;
  /** The line's length in the file, if the record's members rebuild it (`hasBytes`). */
  bytes: u64 = 0;
  hasBytes: bool = false;
  invalidUtf8: bool = false;
  /** Fluent Bit's CRI parser joined partial lines (`_p` is "P"): the record spans several lines. */
  joined: bool = false;

  @inline get found(): bool {
    return this.offsetEnd != 0;
  }

  reset(): void {
    this.pathEnd = 0;
    this.offsetEnd = 0;
    this.hasBytes = false;
    this.invalidUtf8 = false;
    this.joined = false;
  }

  /** Appends `"logseal_source":{...}`. */
  write(record: RecordOut): void {
    const out = record.member(SOURCE_KEY);
    out.putBuffer(PATH_OPEN);
    if (this.pathEnd == 0) {
      out.putBytes(changetype<usize>(NULL_TEXT), 4);
    } else if (this.pathFlags & STRING_NEEDS_REPAIR) {
      out.putByte(0x22);
      repairStringContent(out, this.pathStart + 1, this.pathEnd - this.pathStart - 2);
      out.putByte(0x22);
    } else {
      out.putBytes(this.pathStart, this.pathEnd - this.pathStart);
    }
    out.putBuffer(OFFSET_OPEN);
    out.putBytes(this.offsetStart, this.offsetEnd - this.offsetStart);
    if (this.joined) {
      out.putBuffer(JOINED);
    } else if (this.hasBytes) {
      out.putBuffer(BYTES_OPEN);
      out.putUint(this.bytes);
      if (this.invalidUtf8) out.putBuffer(INVALID_UTF8);
    }
    out.putByte(0x7D);
  }
}

const NULL_TEXT = memory.data<u8>([0x6E, 0x75, 0x6C, 0x6C]); // null

/** Whether a number token [start, end) is a plain non-negative integer (what tail writes). */
export function isOffset(start: usize, end: usize): bool {
  if (end <= start || end - start > 19) return false;
  for (let p = start; p < end; p++) {
    if (<u32>load<u8>(p) - 0x30 >= 10) return false;
  }
  return true;
}

/**
 * The number of bytes the line had in the file, from a string token's raw content as Fluent
 * Bit's JSON encoder (json.escape_unicode on, its default) wrote it: escapes count as the UTF-8
 * they stand for; a raw U+E080..U+E0FF is one byte that was not UTF-8 (Fluent Bit maps byte b to
 * U+E000+b) and a raw U+FFFD one byte it replaced; each sets `note.invalidUtf8`.
 */
export function lineBytes(note: SourceNote, ptr: usize, len: usize): u64 {
  const end = ptr + len;
  let count: u64 = 0;
  let p = ptr;
  while (p < end) {
    // Word at a time over plain ASCII: stop at a backslash or a byte beyond ASCII.
    while (p + 8 <= end) {
      const w = load<u64>(p);
      if ((((w ^ 0x5C5C5C5C5C5C5C5C) - ONES) | w) & HIGHS) break;
      p += 8;
      count += 8;
    }
    if (p >= end) break;
    const c = load<u8>(p);
    if (c == 0x5C) {
      if (p + 6 > end || load<u8>(p + 1) != 0x75) {
        count += 1;
        p += 2;
        continue;
      }
      const unit = hex4(p + 2);
      p += 6;
      if (unit < 0x80) {
        // Fluent Bit escapes printable ASCII only when its decoder took an overlong form (C0 AF
        // for '/'): two bytes at least in the file.
        if (unit >= 0x20 && unit < 0x7F) {
          count += 2;
          note.invalidUtf8 = true;
        } else {
          count += 1;
        }
      }
      else if (unit < 0x800) count += 2;
      else if (unit >= 0xD800 && unit < 0xDC00 && p + 6 <= end && load<u16>(p) == 0x755C) {
        const low = hex4(p + 2);
        if (low >= 0xDC00 && low < 0xE000) {
          count += 4;
          p += 6;
        } else {
          count += 3; // a lone surrogate: three bytes (CESU-8) that Fluent Bit's decoder let through
        }
      } else count += 3;
    } else if (c < 0x80) {
      count += 1;
      p++;
    } else {
      const n = utf8SequenceLength(p, end);
      if (n == 0) {
        count += 1; // a raw byte that is not UTF-8 (not from Fluent Bit, which never sends one)
        note.invalidUtf8 = true;
        p++;
      } else if (n == 3 && isReplacement(p)) {
        count += 1;
        note.invalidUtf8 = true;
        p += 3;
      } else {
        count += <u64>n;
        p += n;
      }
    }
  }
  return count;
}

export const DROPPED_KEY = utf8("\"" + SOURCE_MEMBER + "_dropped\"");
const RANGE_OPEN = utf8("{\"path\":");
const END_OPEN = utf8(",\"end\":");
const MORE_OPEN = utf8("{\"unlisted\":");
/** Ranges one record may carry; more dropped lines are counted as unlisted. */
export const MAX_DROPPED_RANGES = 256;

/**
 * The lines of records the policy dropped since the last record that went out: written into
 * that record as `"logseal_source_dropped":[{"path":P,"offset":O,"end":E},...]`, so a verifier
 * knows those bytes reached the filter. Consecutive lines of one file merge into one range
 * ([O, E), E the next line's offset; no `end` when the last line's length is unknown).
 */
export class DroppedLines {
  private readonly list: ByteBuffer = new ByteBuffer(1024);
  private ranges: i32 = 0;
  private unlisted: u64 = 0;
  /** The last range: its path token (in `list`), and its end if known (0: open). */
  private lastPathAt: usize = 0;
  private lastPathLen: usize = 0;
  private lastEnd: u64 = 0;
  /** Where the last range's `,"end":E}` (or `}`) starts in `list`, to extend it. */
  private lastTail: usize = 0;

  /** Notes the source of a record the policy dropped. */
  add(note: SourceNote): void {
    if (!note.found) return;
    const offset = parseOffset(note.offsetStart, note.offsetEnd);
    const pathLen = note.pathEnd - note.pathStart;
    const list = this.list;
    const end: u64 = note.hasBytes && !note.joined ? offset + note.bytes + 1 : 0;
    if (this.ranges != 0 && this.lastEnd != 0 && this.lastEnd == offset && pathLen == this.lastPathLen
      && memory.compare(list.ptr + this.lastPathAt, note.pathStart, pathLen) == 0) {
      list.truncate(this.lastTail);
      this.writeEnd(end);
      return;
    }
    if (this.ranges >= MAX_DROPPED_RANGES) {
      this.unlisted++;
      return;
    }
    list.putByte(this.ranges == 0 ? 0x5B : 0x2C);
    list.putBuffer(RANGE_OPEN);
    this.lastPathAt = list.len;
    this.lastPathLen = pathLen;
    if (note.pathEnd == 0) list.putBytes(changetype<usize>(NULL_TEXT), 4);
    else list.putBytes(note.pathStart, pathLen);
    list.putBuffer(OFFSET_OPEN);
    list.putUint(offset);
    this.lastTail = list.len;
    this.writeEnd(end);
    this.ranges++;
  }

  private writeEnd(end: u64): void {
    const list = this.list;
    if (end != 0) {
      list.putBuffer(END_OPEN);
      list.putUint(end);
    }
    list.putByte(0x7D);
    this.lastEnd = end;
  }

  /** Appends the member to the record going out, if lines were dropped since the last one. */
  write(record: RecordOut): void {
    if (this.ranges == 0 && this.unlisted == 0) return;
    const out = record.member(DROPPED_KEY);
    const list = this.list;
    if (this.ranges == 0) list.putByte(0x5B);
    out.putBytes(list.ptr, list.len);
    if (this.unlisted != 0) {
      if (this.ranges != 0) out.putByte(0x2C);
      out.putBuffer(MORE_OPEN);
      out.putUint(this.unlisted);
      out.putByte(0x7D);
    }
    out.putByte(0x5D);
    list.reset();
    this.ranges = 0;
    this.unlisted = 0;
    this.lastEnd = 0;
  }
}

/** One list for the life of the instance: lines dropped just before a policy reload are still listed. */
export const droppedLines = new DroppedLines();

/** The value of an offset token (digits only, at most 19: checked by isOffset). */
function parseOffset(start: usize, end: usize): u64 {
  let v: u64 = 0;
  for (let p = start; p < end; p++) v = v * 10 + <u64>(load<u8>(p) - 0x30);
  return v;
}
