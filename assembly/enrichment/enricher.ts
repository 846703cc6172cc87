// Enrichment of a redacted record: static fields, normalised severity, level gating and
// the classification of Kubernetes audit events. Reads the values the walk captured; the
// members it appends are pre-encoded at start-up.
import { ByteBuffer } from "../buffer";
import { RecordOut } from "../record";
import { wallClock } from "../wasi/wallclock";
import { AuditClassifier } from "./audit/classifier";
import { Captures } from "./capture";
import { DROP_REASONS, DropReason, LevelGate } from "./gate";
import { EnrichPolicy } from "./policy";
import { jsonString } from "./serialise";
import { LEVEL_NAMES, Level, levelOfText, levelOfValue, severityNumber } from "./severity";

const SEVERITY_TEXT_KEY = String.UTF8.encode("\"severity_text\"");
const SEVERITY_NUMBER_KEY = String.UTF8.encode("\"severity_number\"");
const POLICY_KEY = String.UTF8.encode("\"logseal_policy\"");
/** `"TRACE"` ... `"FATAL"`, indexed by Level - 1. */
const LEVEL_JSON: ArrayBuffer[] = LEVEL_NAMES.map<ArrayBuffer>((name: string) => jsonString(name));

export class Enricher {
  /** Records dropped by gating since start-up (or the last reload), by DropReason. */
  readonly drops: StaticArray<u64> = new StaticArray<u64>(DROP_REASONS);
  private readonly gate: LevelGate;
  private readonly levelSlots: i32[] = [];
  private readonly textSlots: i32[] = [];
  private readonly staticSlots: i32[] = [];
  private readonly namespaceSlot: i32;
  /** Slots of the fields we add, to never write a key the record already has. */
  private readonly severityTextSlot: i32;
  private readonly severityNumberSlot: i32;
  private readonly auditSlot: i32;
  private readonly policySlot: i32;
  private classifier: AuditClassifier | null = null;
  private readonly policyVersion: ArrayBuffer;
  /** The current record's level and time (shouldDrop runs first for every record). */
  private level: Level = Level.Unknown;
  private recordSec: u32 = 0;

  constructor(readonly policy: EnrichPolicy, readonly captures: Captures, version: string) {
    this.gate = policy.gate;
    this.policyVersion = jsonString(version);
    this.namespaceSlot = captures.register("kubernetes.namespace_name");
    this.severityTextSlot = captures.register("severity_text");
    this.severityNumberSlot = captures.register("severity_number");
    this.auditSlot = captures.register("audit");
    this.policySlot = captures.register("logseal_policy");
    const severity = policy.severity;
    if (severity != null) {
      for (let i = 0; i < severity.fields.length; i++) this.levelSlots.push(captures.register(severity.fields[i]));
      for (let i = 0; i < severity.textFields.length; i++) this.textSlots.push(captures.register(severity.textFields[i]));
    }
    // A record's own top-level member of the same name wins; a dotted name cannot be looked up
    // as one key (it would mean a nested path), so it is always written.
    for (let i = 0; i < policy.statics.length; i++) {
      const key = policy.statics[i].key;
      this.staticSlots.push(key.includes(".") ? -1 : captures.register(key));
    }
    const audit = policy.audit;
    if (audit != null && audit.rules.length != 0) this.classifier = new AuditClassifier(audit, captures);
  }

  /** A problem with the configuration (e.g. an unreadable file) for every record's error marker. */
  startupError(): string {
    return "";
  }

  /** Whether the policy drops this record (level gating); called after the redaction walk. */
  shouldDrop(tag: usize, tagLen: usize, sec: u32): bool {
    this.recordSec = sec;
    const level = this.detectLevel();
    this.level = level;
    if (level == Level.Unknown || this.gate.isEmpty) return false;
    const captures = this.captures;
    const ns = this.namespaceSlot;
    const named = captures.hasString(ns);
    const reason = this.gate.decide(level, tag, tagLen,
      named ? captures.start(ns) + 1 : 0, named ? captures.end(ns) - captures.start(ns) - 2 : 0, wallClock.nowSec);
    if (reason == DropReason.Kept) return false;
    unchecked(this.drops[reason]++);
    return true;
  }

  /** Appends the enrichment members to the record (after the walk, before sealing). */
  writeFields(record: RecordOut, body: usize, bodyLen: usize): void {
    const captures = this.captures;
    const statics = this.policy.statics;
    for (let i = 0, n = statics.length; i < n; i++) {
      if (captures.has(unchecked(this.staticSlots[i]))) continue; // the record's own value stays
      const field = unchecked(statics[i]);
      record.member(field.member).putBuffer(field.value);
    }
    this.writeSeverity(record);
    const classifier = this.classifier;
    if (classifier != null && !captures.has(this.auditSlot)) classifier.write(record, body, bodyLen, this.recordSec);
    if (this.policy.policyField && !captures.has(this.policySlot)) record.member(POLICY_KEY).putBuffer(this.policyVersion);
  }

  private writeSeverity(record: RecordOut): void {
    const severity = this.policy.severity;
    if (severity == null) return;
    const level = this.level != Level.Unknown ? this.level : severity.fallback;
    if (level == Level.Unknown) return;
    const captures = this.captures;
    if (captures.has(this.severityTextSlot) || captures.has(this.severityNumberSlot)) return;
    record.member(SEVERITY_TEXT_KEY).putBuffer(unchecked(LEVEL_JSON[<i32>level - 1]));
    const out: ByteBuffer = record.member(SEVERITY_NUMBER_KEY);
    out.putUint(severityNumber(level));
  }

  /** The first level found: level fields in policy order, then the start of the message fields. */
  private detectLevel(): Level {
    const captures = this.captures;
    const fields = this.levelSlots;
    for (let i = 0, n = fields.length; i < n; i++) {
      const slot = unchecked(fields[i]);
      if (!captures.has(slot)) continue;
      const level = levelOfValue(captures.token(slot), captures.start(slot), captures.end(slot));
      if (level != Level.Unknown) return level;
    }
    const texts = this.textSlots;
    for (let i = 0, n = texts.length; i < n; i++) {
      const slot = unchecked(texts[i]);
      if (!captures.hasString(slot)) continue;
      const level = levelOfText(captures.start(slot) + 1, captures.end(slot) - 1);
      if (level != Level.Unknown) return level;
    }
    return Level.Unknown;
  }
}
