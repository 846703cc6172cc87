// The input stage, before redaction: reads the record's top-level members once and, where the
// policy asks, rebuilds the record with JSON text lifted into members (lift.ts) and tail's path
// and offset members taken out to become `logseal_source` (source.ts). Every later stage sees
// the rebuilt record (`body`); a record it does not change is passed on as it came. A record
// that is not a valid JSON object is passed on untouched: the redaction walk reports it.
import { ByteBuffer, utf8 } from "../buffer";
import { JsonReader, MAX_DEPTH, STRING_LONE_SURROGATE, Token } from "../json/reader";
import { RecordOut } from "../record";
import { NOT_TEXT } from "../redaction/walk";
import { Lifted, Lifter } from "./lift";
import { InputPolicy } from "./policy";
import { SourceNote, isOffset, lineBytes } from "./source";

const ROLE_PATH: u32 = 1;
const ROLE_OFFSET: u32 = 2;
/** Bits 8..15: 1 + the lift rule's index; bits 16..23: 1 + the name's index among line names. */
const LIFT_SHIFT: u32 = 8;
const LINE_SHIFT: u32 = 16;

export class InputStage {
  /** The record every later stage reads (the input, or the rebuilt copy). */
  body: usize = 0;
  bodyLen: usize = 0;
  readonly source: SourceNote = new SourceNote();
  readonly enabled: bool;

  private readonly reader: JsonReader = new JsonReader();
  private readonly lifter: Lifter = new Lifter();
  private readonly rebuilt: ByteBuffer = new ByteBuffer(16 * 1024);
  /** Member names the stage looks for (raw UTF-8), each with its roles. */
  private readonly names: ArrayBuffer[] = [];
  private readonly roles: u32[] = [];
  private readonly liftKeys: string[] = [];
  private readonly liftInto: (ArrayBuffer | null)[] = [];
  /** Line alternatives as indices into the line names. */
  private readonly lineAlternatives: i32[][] = [];
  /** Per line name: the value's string token [start, end) in the input, and its generation. */
  private lineSpans: StaticArray<usize> = new StaticArray<usize>(0);
  private generation: usize = 0;
  private readonly hasSource: bool;
  /** Per record: which lift rules lifted (bits), errors to report. */
  private lifted: u32 = 0;
  private readonly errors: ByteBuffer = new ByteBuffer(256);
  private liftedLoneSurrogate: bool = false;

  constructor(policy: InputPolicy) {
    this.enabled = policy.enabled;
    for (let i = 0; i < policy.lift.length; i++) {
      const rule = policy.lift[i];
      this.addRole(rule.key, <u32>(i + 1) << LIFT_SHIFT);
      this.liftKeys.push(rule.key);
      this.liftInto.push(rule.into.length == 0 ? null : utf8("\"" + rule.into + "\""));
    }
    const source = policy.source;
    this.hasSource = source != null;
    let lineNames = new Array<string>();
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
      }
    }
    this.lineSpans = new StaticArray<usize>(lineNames.length * 3);
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

  /** The roles of the key whose raw text is [ptr, ptr+len), 0 if none. */
  private rolesOf(ptr: usize, len: usize): u32 {
    const names = this.names;
    for (let i = 0, n = names.length; i < n; i++) {
      const name = unchecked(names[i]);
      if (<usize>name.byteLength == len && memory.compare(changetype<usize>(name), ptr, len) == 0) return unchecked(this.roles[i]);
    }
    return 0;
  }

  /** Reads the record; sets `body`/`bodyLen` to what the later stages read. */
  prepare(body: usize, len: usize): void {
    this.body = body;
    this.bodyLen = len;
    this.source.reset();
    this.lifted = 0;
    this.errors.reset();
    this.liftedLoneSurrogate = false;
    if (!this.enabled) return;
    this.generation++;
    const result = this.rebuild(body, len);
    if (result == Rebuilt.Changed) {
      this.body = this.rebuilt.ptr;
      this.bodyLen = this.rebuilt.len;
      return;
    }
    this.source.reset();
    this.liftedLoneSurrogate = false;
    // Not an object: the walk reports that, lifts (on members read so far) are beside the point.
    if (result == Rebuilt.Invalid) this.errors.reset();
  }

  /** Rebuilds the record into `rebuilt`. */
  private rebuild(body: usize, len: usize): Rebuilt {
    const reader = this.reader;
    const out = this.rebuilt;
    const source = this.source;
    out.reset();
    reader.reset(body, len);
    if (reader.next() != Token.ObjectStart) return Rebuilt.Invalid;
    out.putByte(0x7B);
    let wrote = false;
    let changed = false;
    // Where the path and offset members went in `out` (with their leading comma, if any).
    let pathLead: usize = 0, pathEnd: usize = 0, offsetLead: usize = 0, offsetEnd: usize = 0;
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
      let evidence = 0; // 1: this is the path member, 2: the offset member
      if (roles != 0) {
        if (token == Token.String) {
          const line = (roles >> LINE_SHIFT) & 0xFF;
          if (line != 0) this.noteLine(line - 1, valueStart, valueEnd);
          const rule = (roles >> LIFT_SHIFT) & 0xFF;
          if ((roles & ROLE_PATH) && source.pathEnd == 0) {
            source.pathStart = valueStart;
            source.pathEnd = valueEnd;
            source.pathFlags = reader.flags;
            pathLead = lead;
            evidence = 1;
          } else if (rule != 0 && (this.lifted & (1 << (rule - 1))) == 0) {
            const stringFlags = reader.flags;
            const into = unchecked(this.liftInto[rule - 1]);
            const result = this.lifter.lift(valueStart + 1, valueEnd - valueStart - 2, out, wrote, into, into == null ? MAX_DEPTH : MAX_DEPTH - 1);
            if (result == Lifted.Done) {
              this.lifted |= 1 << (rule - 1);
              if (this.lifter.wrote) wrote = true;
              if (stringFlags & STRING_LONE_SURROGATE) this.liftedLoneSurrogate = true;
              changed = true;
              continue;
            }
            out.truncate(lead);
            if (result == Lifted.Invalid) this.noteLiftError(rule - 1);
          }
        } else if (token == Token.Number && (roles & ROLE_OFFSET) && source.offsetEnd == 0 && isOffset(valueStart, valueEnd)) {
          source.offsetStart = valueStart;
          source.offsetEnd = valueEnd;
          offsetLead = lead;
          evidence = 2;
        }
      }
      if (wrote) out.putByte(0x2C);
      out.putBytes(keyStart, valueEnd - keyStart);
      wrote = true;
      if (evidence == 1) pathEnd = out.len;
      else if (evidence == 2) offsetEnd = out.len;
    }
    if (reader.next() != Token.End) return Rebuilt.Invalid;
    if (this.hasSource && source.found) {
      // The evidence moves into logseal_source: take the members out, the later one first.
      if (pathEnd != 0 && pathLead > offsetLead) cut(out, pathLead, pathEnd);
      cut(out, offsetLead, offsetEnd);
      if (pathEnd != 0 && pathLead < offsetLead) cut(out, pathLead, pathEnd);
      this.measureLine();
      changed = true;
    } else {
      source.pathEnd = 0; // a path without an offset is no evidence: the member stays
    }
    out.putByte(0x7D);
    return changed ? Rebuilt.Changed : Rebuilt.Unchanged;
  }

  private noteLine(index: u32, start: usize, end: usize): void {
    const at = <i32>index * 3;
    unchecked(this.lineSpans[at] = this.generation);
    unchecked(this.lineSpans[at + 1] = start);
    unchecked(this.lineSpans[at + 2] = end);
  }

  /** The line's length from the first alternative whose members are all present. */
  private measureLine(): void {
    const spans = this.lineSpans;
    const alternatives = this.lineAlternatives;
    const source = this.source;
    for (let a = 0, n = alternatives.length; a < n; a++) {
      const names = unchecked(alternatives[a]);
      let present = true;
      for (let i = 0, m = names.length; i < m && present; i++) present = unchecked(spans[unchecked(names[i]) * 3]) == this.generation;
      if (!present) continue;
      let bytes: u64 = <u64>(names.length - 1); // the spaces between the members
      for (let i = 0, m = names.length; i < m; i++) {
        const at = unchecked(names[i]) * 3;
        const start = unchecked(spans[at + 1]);
        bytes += lineBytes(source, start + 1, unchecked(spans[at + 2]) - start - 2);
      }
      source.bytes = bytes;
      source.hasBytes = true;
      return;
    }
  }

  private noteLiftError(rule: i32): void {
    const errors = this.errors;
    if (errors.len != 0) errors.putBytes(changetype<usize>(SEPARATOR), 2);
    errors.putBuffer(String.UTF8.encode(this.lifter.errorMessage(unchecked(this.liftKeys[rule]))));
  }

  /** Adds this record's input problems to its error marker. */
  addErrors(record: RecordOut): void {
    if (this.errors.len != 0) record.addErrorBytes(this.errors.ptr, this.errors.len);
    if (this.liftedLoneSurrogate) record.addError(NOT_TEXT);
  }

  /** Appends `logseal_source` when the record came with its source's path and offset. */
  writeSource(record: RecordOut): void {
    if (this.source.found) this.source.write(record);
  }
}

const SEPARATOR = memory.data<u8>([0x3B, 0x20]); // "; "

const enum Rebuilt { Unchanged, Changed, Invalid }

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
