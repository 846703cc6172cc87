// The input stage, before redaction: reads the record's top-level members once and, where the
// policy asks, rebuilds the record with JSON text lifted into members (lift.ts) and tail's path
// and offset members taken out to become `logseal_source` (source.ts). Every later stage sees
// the rebuilt record (`body`); a record it does not change is passed on as it came.
//
// Two readings of the same record: the fast one finds members and checks lifted text by
// structure only, a word at a time (scan.ts), and leaves token validation to the redaction
// walk; if the walk rejects a fast rebuild, the pipeline calls `prepareStrict`, which reads the
// record with the validating reader, lifts only text that is a valid object and says why for
// the rest. A record that is not a valid JSON object is passed on untouched either way.
import { ByteBuffer, utf8 } from "../buffer";
import { JsonReader, MAX_DEPTH, STRING_LONE_SURROGATE, Token } from "../json/reader";
import { RecordOut } from "../record";
import { NOT_TEXT } from "../redaction/walk";
import { Lifted, Lifter } from "./lift";
import { InputPolicy } from "./policy";
import { containerEnd, scalarEnd, skipSpace, stringEnd, trimSpace } from "./scan";
import { DroppedLines, SourceNote, droppedLines, isOffset, lineBytes } from "./source";

const ROLE_PATH: u32 = 1;
const ROLE_OFFSET: u32 = 2;
/** Bits 8..15: 1 + the lift rule's index; bits 16..23: 1 + the name's index among line names. */
const LIFT_SHIFT: u32 = 8;
const LINE_SHIFT: u32 = 16;

const enum Rebuilt { Unchanged, Changed, Invalid, Doubt }
/** What a member became: copied as it was, replaced (lifted), or noted as the path or offset. */
const enum Member { Copy, Replaced, Path, Offset, Doubt }
/** Slots per line name in `lineSpans`: generation, token start, token end, bytes + 1 (0: count), replaced bytes (0/1). */
const LINE_SLOTS = 5;

/** Where the copied path and offset members stand in the rebuilt record (end 0: not there). */
@final class KeptSpans {
  pathLead: usize = 0;
  pathEnd: usize = 0;
  offsetLead: usize = 0;
  offsetEnd: usize = 0;

  @inline reset(): void {
    this.pathLead = this.pathEnd = this.offsetLead = this.offsetEnd = 0;
  }

  /** A member copied to [lead, end): remembered when it is the path or the offset. */
  @inline note(member: Member, lead: usize, end: usize): void {
    if (member == Member.Path) {
      this.pathLead = lead;
      this.pathEnd = end;
    } else if (member == Member.Offset) {
      this.offsetLead = lead;
      this.offsetEnd = end;
    }
  }
}

export class InputStage {
  /** The record every later stage reads (the input, or the rebuilt copy). */
  body: usize = 0;
  bodyLen: usize = 0;
  /**
   * Whether `body` is a fast rebuild, which the walk may still reject, or find deeper than
   * `maxDepth` (the fast reading does not count levels): then `prepareStrict`.
   */
  fast: bool = false;
  readonly source: SourceNote = new SourceNote();
  /** Sources of records the policy dropped, for the next record that goes out. */
  readonly dropped: DroppedLines = droppedLines;
  readonly enabled: bool;
  /** The deepest a record may be after lifting (input.max_depth). */
  readonly maxDepth: i32;

  private readonly reader: JsonReader = new JsonReader();
  private readonly pathReader: JsonReader = new JsonReader();
  private readonly lifter: Lifter = new Lifter();
  private readonly rebuilt: ByteBuffer = new ByteBuffer(16 * 1024);
  private readonly spans: KeptSpans = new KeptSpans();
  /** Member names the stage looks for (raw UTF-8), each with its roles. */
  private readonly names: ArrayBuffer[] = [];
  private readonly roles: u32[] = [];
  private readonly liftKeys: string[] = [];
  private readonly liftInto: (ArrayBuffer | null)[] = [];
  /** The index of `_p` among the line names (CRI's partial flag), -1 if none. */
  private partialName: i32 = -1;
  /** Line alternatives as indices into the line names, and as bit masks of them. */
  private readonly lineAlternatives: i32[][] = [];
  private readonly lineMasks: u64[] = [];
  private lineNames: i32 = 0;
  private lineSpans: StaticArray<usize> = new StaticArray<usize>(0);
  /** One bit per name (the first 64): the names a record must show before its rest may be skipped. */
  private allNames: u64 = 0;
  private generation: usize = 0;
  private readonly hasSource: bool;
  /** Per record: which lift rules lifted (bits), problems to report. */
  private lifted: u32 = 0;
  private readonly errors: ByteBuffer = new ByteBuffer(256);
  private replacedText: bool = false;
  /** Per record, while rebuilding: whether a member has been written (the next needs a comma). */
  private wrote: bool = false;

  constructor(policy: InputPolicy) {
    this.enabled = policy.enabled;
    this.maxDepth = policy.maxDepth;
    for (let i = 0; i < policy.lift.length; i++) {
      const rule = policy.lift[i];
      this.addRole(rule.key, <u32>(i + 1) << LIFT_SHIFT);
      this.liftKeys.push(rule.key);
      this.liftInto.push(rule.into.length == 0 ? null : utf8("\"" + rule.into + "\""));
    }
    const source = policy.source;
    this.hasSource = source != null;
    const lineNames = new Array<string>();
    if (source != null) {
      this.addRole(source.pathKey, ROLE_PATH);
      this.addRole(source.offsetKey, ROLE_OFFSET);
      for (let a = 0; a < source.lineKeys.length; a++) {
        const names = source.lineKeys[a];
        const indices = new Array<i32>();
        for (let n = 0; n < names.length; n++) {
          let index = lineNames.indexOf(names[n]);
          if (index < 0) {
            index = lineNames.length;
            lineNames.push(names[n]);
            this.addRole(names[n], <u32>(index + 1) << LINE_SHIFT);
          }
          indices.push(index);
        }
        this.lineAlternatives.push(indices);
        let mask: u64 = 0;
        for (let n = 0; n < indices.length; n++) mask |= <u64>1 << <u64>indices[n];
        this.lineMasks.push(mask);
      }
    }
    this.lineSpans = new StaticArray<usize>(lineNames.length * LINE_SLOTS);
    this.lineNames = lineNames.length;
    this.partialName = lineNames.indexOf("_p");
    // With more than 64 names some are never marked seen: the whole record is always read.
    this.allNames = this.names.length >= 64 ? <u64>-1 : (<u64>1 << <u64>this.names.length) - 1;
  }

  private addRole(name: string, role: u32): void {
    const bytes = utf8(name);
    for (let i = 0; i < this.names.length; i++) {
      const known = this.names[i];
      if (known.byteLength == bytes.byteLength && memory.compare(changetype<usize>(known), changetype<usize>(bytes), <usize>bytes.byteLength) == 0) {
        this.roles[i] |= role;
        return;
      }
    }
    this.names.push(bytes);
    this.roles.push(role);
  }

  /** The index of the name whose raw text is [ptr, ptr+len), -1 if none. */
  private nameOf(ptr: usize, len: usize): i32 {
    const names = this.names;
    for (let i = 0, n = names.length; i < n; i++) {
      const name = unchecked(names[i]);
      if (<usize>name.byteLength == len && memory.compare(changetype<usize>(name), ptr, len) == 0) return i;
    }
    return -1;
  }

  /** The roles of the key whose raw text is [ptr, ptr+len), 0 if none. */
  private rolesOf(ptr: usize, len: usize): u32 {
    const named = this.nameOf(ptr, len);
    return named < 0 ? 0 : unchecked(this.roles[named]);
  }

  /** Reads the record (fast); sets `body`/`bodyLen` to what the later stages read. */
  prepare(body: usize, len: usize): void {
    this.begin(body, len);
    if (!this.enabled) return;
    const result = this.rebuildFast(body, len);
    if (result == Rebuilt.Doubt) {
      this.prepareStrict(body, len);
      return;
    }
    this.finish(result);
    this.fast = result == Rebuilt.Changed;
  }

  /** Reads the record again with the validating reader (after the walk rejected a fast rebuild). */
  prepareStrict(body: usize, len: usize): void {
    this.begin(body, len);
    if (!this.enabled) return;
    this.finish(this.rebuildStrict(body, len));
  }

  private begin(body: usize, len: usize): void {
    this.body = body;
    this.bodyLen = len;
    this.fast = false;
    this.source.reset();
    this.lifted = 0;
    this.errors.reset();
    this.replacedText = false;
    this.wrote = false;
    this.generation++;
  }

  private finish(result: Rebuilt): void {
    if (result == Rebuilt.Changed) {
      this.body = this.rebuilt.ptr;
      this.bodyLen = this.rebuilt.len;
      return;
    }
    this.source.reset();
    this.replacedText = false;
    // Not an object: the walk reports that; lifts of members read so far are beside the point.
    if (result == Rebuilt.Invalid) this.errors.reset();
  }

  /**
   * Fast reading: member boundaries by structure, Doubt where only the strict reading can tell.
   * Once every name the stage looks for has been seen, the rest is copied as it is (the kit's
   * container records: the kubernetes block after tail's members).
   */
  private rebuildFast(body: usize, len: usize): Rebuilt {
    const end = body + len;
    const out = this.rebuilt;
    out.reset();
    let p = skipSpace(body, end);
    if (p == end || load<u8>(p) != 0x7B) return Rebuilt.Doubt;
    out.putByte(0x7B);
    let changed = false;
    this.spans.reset();
    let unseen = this.allNames;
    p = skipSpace(p + 1, end);
    if (p < end && load<u8>(p) == 0x7D) p++;
    else {
      while (true) {
        if (p == end || load<u8>(p) != 0x22) return Rebuilt.Doubt;
        const keyStart = p;
        const keyEnd = stringEnd(p, end);
        if (keyEnd == 0) return Rebuilt.Doubt;
        p = skipSpace(keyEnd, end);
        if (p == end || load<u8>(p) != 0x3A) return Rebuilt.Doubt;
        const valueStart = skipSpace(p + 1, end);
        if (valueStart == end) return Rebuilt.Doubt;
        const c = load<u8>(valueStart);
        const named = this.nameOf(keyStart + 1, keyEnd - keyStart - 2);
        const roles = named < 0 ? 0 : unchecked(this.roles[named]);
        if (named >= 0 && named < 64) unseen &= ~(<u64>1 << <u64>named);
        let token = Token.Number;
        let valueEnd: usize = 0;
        let member = Member.Copy;
        const lead = out.len;
        if (c == 0x22) {
          token = Token.String;
          const rule = (roles >> LIFT_SHIFT) & 0xFF;
          if (rule != 0 && (this.lifted & (1 << (rule - 1))) == 0) {
            // A lift finds the string's end while decoding it.
            const result = this.liftFast(rule - 1, roles, valueStart, end);
            if (result == Lifted.Doubt) return Rebuilt.Doubt;
            if (result == Lifted.Done) {
              valueEnd = this.lifter.valueEnd;
              member = Member.Replaced;
            }
          }
          if (valueEnd == 0) valueEnd = stringEnd(valueStart, end);
        } else if (c == 0x7B || c == 0x5B) {
          valueEnd = containerEnd(valueStart, end, MAX_DEPTH - 1);
          token = Token.ObjectStart;
        } else {
          valueEnd = scalarEnd(valueStart, end);
          if (valueEnd == valueStart) return Rebuilt.Doubt;
        }
        if (valueEnd == 0) return Rebuilt.Doubt;
        if (member != Member.Replaced && roles != 0) member = this.member(roles, token, valueStart, valueEnd, 0, false);
        if (member == Member.Doubt) return Rebuilt.Doubt;
        if (member == Member.Replaced) changed = true;
        else {
          this.copyMember(keyStart, valueEnd);
          this.spans.note(member, lead, out.len);
        }
        p = skipSpace(valueEnd, end);
        if (p == end) return Rebuilt.Doubt;
        if (unseen == 0) {
          // Nothing further can change the record: the rest as it is (the walk validates it).
          const last = trimSpace(p, end);
          if (!this.wrote && load<u8>(p) == 0x2C) p = skipSpace(p + 1, end);
          out.putBytes(p, last - p);
          return this.close(changed, false);
        }
        const s = load<u8>(p++);
        if (s == 0x7D) break;
        if (s != 0x2C) return Rebuilt.Doubt;
        p = skipSpace(p, end);
      }
    }
    if (skipSpace(p, end) != end) return Rebuilt.Doubt;
    return this.close(changed, true);
  }

  /** The fast lift of rule `rule` on the string at `quote`; on Done the member is written and noted. */
  private liftFast(rule: i32, roles: u32, quote: usize, end: usize): Lifted {
    const into = unchecked(this.liftInto[rule]);
    const out = this.rebuilt;
    const lead = out.len;
    const lifter = this.lifter;
    const result = lifter.liftFast(quote, end, out, this.wrote, into, into == null ? this.maxDepth : this.maxDepth - 1);
    if (result != Lifted.Done) {
      out.truncate(lead);
      return result;
    }
    this.lifted |= 1 << rule;
    if (lifter.wrote) this.wrote = true;
    if (lifter.loneSurrogates) this.replacedText = true;
    const line = (roles >> LINE_SHIFT) & 0xFF;
    if (line != 0 && this.noteLine(line - 1, quote, lifter.valueEnd)) this.noteLineBytes(line - 1, lifter.lineBytes, lifter.replaced);
    return result;
  }

  /** Strict reading: every token validated; a lift that is not a valid object says why. */
  private rebuildStrict(body: usize, len: usize): Rebuilt {
    const reader = this.reader;
    const out = this.rebuilt;
    out.reset();
    reader.reset(body, len);
    if (reader.next() != Token.ObjectStart) return Rebuilt.Invalid;
    out.putByte(0x7B);
    let changed = false;
    this.spans.reset();
    while (true) {
      let token = reader.next();
      if (token == Token.ObjectEnd) break;
      if (token != Token.Key) return Rebuilt.Invalid;
      const keyStart = reader.start;
      const roles = this.rolesOf(keyStart + 1, reader.end - keyStart - 2);
      token = reader.next();
      if (token == Token.ObjectStart || token == Token.ArrayStart) {
        while (reader.depth > 1) {
          if (reader.next() == Token.Error) return Rebuilt.Invalid;
        }
      } else if (token == Token.Error) {
        return Rebuilt.Invalid;
      }
      const valueStart = reader.start;
      const valueEnd = reader.valueEnd;
      const lead = out.len;
      const member = roles == 0 ? Member.Copy : this.member(roles, token, valueStart, valueEnd, reader.flags, true);
      if (member == Member.Replaced) {
        changed = true;
        continue;
      }
      this.copyMember(keyStart, valueEnd);
      this.spans.note(member, lead, out.len);
    }
    if (reader.next() != Token.End) return Rebuilt.Invalid;
    return this.close(changed, true);
  }

  /** Acts on a member whose key has roles; says what became of it. */
  private member(roles: u32, token: Token, valueStart: usize, valueEnd: usize, flags: u32, strict: bool): Member {
    const source = this.source;
    if (token == Token.Number) {
      if ((roles & ROLE_OFFSET) && source.offsetEnd == 0 && isOffset(valueStart, valueEnd)) {
        source.offsetStart = valueStart;
        source.offsetEnd = valueEnd;
        return Member.Offset;
      }
      return Member.Copy;
    }
    if (token != Token.String) return Member.Copy;
    const line = (roles >> LINE_SHIFT) & 0xFF;
    if (line != 0) this.noteLine(line - 1, valueStart, valueEnd);
    if ((roles & ROLE_PATH) && source.pathEnd == 0) {
      if (!strict) {
        // Copied into logseal_source as it is: it must be a valid string (its flags say if it needs repair).
        const reader = this.pathReader;
        reader.reset(valueStart, valueEnd - valueStart);
        if (reader.next() != Token.String || reader.next() != Token.End) return Member.Doubt;
        flags = reader.flags;
      }
      source.pathStart = valueStart;
      source.pathEnd = valueEnd;
      source.pathFlags = flags;
      return Member.Path;
    }
    // Lifting (the fast reading lifts in rebuildFast, where the string's end is found).
    const rule = (roles >> LIFT_SHIFT) & 0xFF;
    if (!strict || rule == 0 || (this.lifted & (1 << (rule - 1))) != 0) return Member.Copy;
    const into = unchecked(this.liftInto[rule - 1]);
    const out = this.rebuilt;
    const lead = out.len;
    const lifter = this.lifter;
    const result = lifter.lift(valueStart + 1, valueEnd - valueStart - 2, out, this.wrote, into, into == null ? this.maxDepth : this.maxDepth - 1);
    if (result == Lifted.Done) {
      this.lifted |= 1 << (rule - 1);
      if (lifter.wrote) this.wrote = true;
      if (flags & STRING_LONE_SURROGATE) this.replacedText = true;
      return Member.Replaced;
    }
    out.truncate(lead);
    if (result == Lifted.Invalid) this.noteLiftError(rule - 1);
    return Member.Copy;
  }

  /** Copies a member [keyStart, valueEnd) as it was, after a comma if one was written before. */
  @inline private copyMember(keyStart: usize, valueEnd: usize): void {
    const out = this.rebuilt;
    if (this.wrote) out.putByte(0x2C);
    out.putBytes(keyStart, valueEnd - keyStart);
    this.wrote = true;
  }

  /** Ends the rebuilt record; the path and offset move into logseal_source when there is an offset. */
  private close(changed: bool, brace: bool): Rebuilt {
    const out = this.rebuilt;
    const source = this.source;
    const spans = this.spans;
    const pathLead = spans.pathLead, pathEnd = spans.pathEnd, offsetLead = spans.offsetLead, offsetEnd = spans.offsetEnd;
    if (this.hasSource && source.found) {
      // Take the members out, the later one first so the earlier one's place holds.
      if (pathEnd != 0 && pathLead > offsetLead) cut(out, pathLead, pathEnd);
      cut(out, offsetLead, offsetEnd);
      if (pathEnd != 0 && pathLead < offsetLead) cut(out, pathLead, pathEnd);
      this.measureLine();
      changed = true;
    } else {
      source.pathEnd = 0; // a path without an offset is no evidence: the member stays
    }
    if (brace) out.putByte(0x7D);
    return changed ? Rebuilt.Changed : Rebuilt.Unchanged;
  }

  /** Notes a line member's value (its first occurrence); false if one was noted already. */
  private noteLine(index: u32, start: usize, end: usize): bool {
    const at = <i32>index * LINE_SLOTS;
    if (unchecked(this.lineSpans[at]) == this.generation) return false;
    unchecked(this.lineSpans[at] = this.generation);
    unchecked(this.lineSpans[at + 1] = start);
    unchecked(this.lineSpans[at + 2] = end);
    unchecked(this.lineSpans[at + 3] = 0);
    return true;
  }

  /** The line member's length, already known from decoding it. */
  private noteLineBytes(index: u32, bytes: u64, replaced: bool): void {
    unchecked(this.lineSpans[<i32>index * LINE_SLOTS + 3] = <usize>bytes + 1);
    unchecked(this.lineSpans[<i32>index * LINE_SLOTS + 4] = replaced ? 1 : 0);
  }

  /**
   * The line's length from the alternative whose members are exactly the line members the record
   * has: a Docker json-file record (time, stream, log: no `_p`) matches neither the CRI line nor
   * the bare `log` of a plain file, and gets no length rather than a wrong one.
   */
  private measureLine(): void {
    const spans = this.lineSpans;
    const source = this.source;
    let present: u64 = 0;
    for (let i = 0, n = this.lineNames; i < n; i++) {
      if (unchecked(spans[i * LINE_SLOTS]) == this.generation) present |= <u64>1 << <u64>i;
    }
    const masks = this.lineMasks;
    for (let a = 0, n = masks.length; a < n; a++) {
      if (unchecked(masks[a]) != present) continue;
      const names = unchecked(this.lineAlternatives[a]);
      if (this.isJoined(names)) {
        source.joined = true;
        return;
      }
      let bytes: u64 = <u64>(names.length - 1); // the spaces between the members
      for (let i = 0, m = names.length; i < m; i++) {
        const at = unchecked(names[i]) * LINE_SLOTS;
        const known = unchecked(spans[at + 3]);
        if (known != 0) {
          bytes += <u64>(known - 1);
          if (unchecked(spans[at + 4]) != 0) source.invalidUtf8 = true;
        } else {
          const start = unchecked(spans[at + 1]);
          bytes += lineBytes(source, start + 1, unchecked(spans[at + 2]) - start - 2);
        }
      }
      source.bytes = bytes;
      source.hasBytes = true;
      return;
    }
  }

  /** Whether the line's `_p` member is "P": Fluent Bit's CRI parser joined partial lines into it. */
  private isJoined(names: i32[]): bool {
    const partial = this.partialName;
    if (partial < 0 || !names.includes(partial)) return false;
    const start = unchecked(this.lineSpans[partial * LINE_SLOTS + 1]);
    return unchecked(this.lineSpans[partial * LINE_SLOTS + 2]) - start == 3 && load<u8>(start + 1) == 0x50;
  }

  private noteLiftError(rule: i32): void {
    const errors = this.errors;
    if (errors.len != 0) errors.putBytes(changetype<usize>(SEPARATOR), 2);
    errors.putBuffer(String.UTF8.encode(this.lifter.errorMessage(unchecked(this.liftKeys[rule]), this.maxDepth)));
  }

  /** Adds this record's input problems to its error marker. */
  addErrors(record: RecordOut): void {
    if (this.errors.len != 0) record.addErrorBytes(this.errors.ptr, this.errors.len);
    if (this.replacedText) record.addError(NOT_TEXT);
  }

  /** Appends `logseal_source` when the record came with its source's path and offset, after the lines dropped before it. */
  writeSource(record: RecordOut): void {
    this.dropped.write(record);
    if (this.source.found) this.source.write(record);
  }

  /** The policy drops this record: its line goes on the next record's list. */
  noteDropped(): void {
    this.dropped.add(this.source);
  }
}

const SEPARATOR = memory.data<u8>([0x3B, 0x20]); // "; "

/**
 * Removes a member written to `out` at [lead, end): `lead` is its leading comma, or (for the
 * first member, right after the brace) its key, in which case the next member loses its comma.
 */
function cut(out: ByteBuffer, lead: usize, end: usize): void {
  const base = out.ptr;
  if (load<u8>(base + lead) != 0x2C && end < out.len) end++; // first member: take the next comma
  memory.copy(base + lead, base + end, out.len - end);
  out.len -= end - lead;
}
