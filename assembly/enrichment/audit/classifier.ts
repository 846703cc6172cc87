// Classification of Kubernetes audit events (audit.k8s.io Event, recognised by its shape, see
// shape.ts; also inside an AKS diagnostic record and from a GKE Cloud Audit Logs entry): the
// rules that match, the most severe first, written as
//   "audit":{"rule":..., "category":..., "severity":..., "attack":[...], "reason":..., "rules":[...]}
// where `attack` joins the techniques of every matching rule (the leading rule's first) and
// `rules` lists every matching rule id.
import { ByteBuffer } from "../../buffer";
import { decodeStringContent } from "../../json/decode";
import { RecordOut } from "../../record";
import { Captures } from "../capture";
import { AuditRule, AuditRules } from "./rules";
import { GkeNormaliser } from "./gke";
import { ConditionScan } from "./scan";
import { FINAL_STAGES, OpenSessions, stageBit } from "./stages";

const AUDIT_KEY = String.UTF8.encode("\"audit\"");
const ATTACK_OPEN = String.UTF8.encode(",\"attack\":[");
const RULES_OPEN = String.UTF8.encode(",\"rules\":[");
const EVENT = String.UTF8.encode("Event");
const AUDIT_API = String.UTF8.encode("audit.k8s.io/");
const GKE_SERVICE = String.UTF8.encode("k8s.io");

export class AuditClassifier {
  private readonly scan: ConditionScan;
  /** Top-level members the redaction walk captures: a first, cheap look before any scan. */
  private readonly kindSlot: i32;
  private readonly apiVersionSlot: i32;
  /** AKS diagnostic records: the event as JSON text in `properties.log`. */
  private readonly aksLogSlot: i32;
  /** GKE Cloud Audit Logs entries: `protoPayload.serviceName` is `k8s.io`. */
  private readonly gkeServiceSlot: i32;
  private readonly gke: GkeNormaliser = new GkeNormaliser();
  /** The event decoded (AKS) or written (GKE) out of the record. */
  private readonly event: ByteBuffer = new ByteBuffer(4096);
  private eventPtr: usize = 0;
  private eventLen: usize = 0;
  /** Per record: indices of the matching rules; which techniques were written. */
  private readonly matched: StaticArray<i32>;
  private readonly attackWritten: StaticArray<u8>;
  /** Rules with their own stages that fired at a session's start, by (auditID, rule). */
  private readonly sessions: OpenSessions = new OpenSessions();

  constructor(readonly rules: AuditRules, private readonly captures: Captures) {
    this.scan = new ConditionScan(rules.conditions);
    this.kindSlot = captures.register("kind");
    this.apiVersionSlot = captures.register("apiVersion");
    this.aksLogSlot = captures.register("properties.log");
    this.gkeServiceSlot = captures.register("protoPayload.serviceName");
    this.matched = new StaticArray<i32>(rules.rules.length);
    this.attackWritten = new StaticArray<u8>(rules.attackIds.length);
  }

  /** Appends the `audit` member when the body is an audit event that some rule matches. */
  write(record: RecordOut, body: usize, bodyLen: usize, sec: u32): void {
    if (!this.locate(body, bodyLen)) return;
    const scan = this.scan;
    scan.scan(this.eventPtr, this.eventLen);
    const all = this.rules;
    if (!all.shape.holds(scan)) return;
    const stage = this.stage();
    const skipped = (stage & all.skipStages) != 0;
    if (skipped && !all.staged) return;
    const rules = all.rules;
    let count = 0;
    for (let i = 0, n = rules.length; i < n; i++) {
      const rule = unchecked(rules[i]);
      const own = rule.stages;
      if (own != 0 ? (own & stage) == 0 : skipped) continue;
      if (!this.matches(rule, sec)) continue;
      if (own != 0 && this.firedBefore(i, stage)) continue;
      unchecked(this.matched[count++] = i);
    }
    if (count != 0) this.writeMember(record.member(AUDIT_KEY), count);
  }

  /**
   * Where the event is: the record itself (kind Event), the JSON text of an AKS record's
   * `properties.log` decoded, or the event a GKE entry describes; false when there is none.
   */
  private locate(body: usize, bodyLen: usize): bool {
    const captures = this.captures;
    const event = this.event;
    this.eventPtr = body;
    this.eventLen = bodyLen;
    if (this.mayBeEvent()) return true;
    const log = this.aksLogSlot;
    if (captures.hasString(log)) {
      const from = captures.start(log) + 1;
      const to = captures.end(log) - 1;
      if (!startsObject(from, to)) return false;
      event.reset();
      decodeStringContent(event, from, to - from);
    } else if (captures.textEquals(this.gkeServiceSlot, GKE_SERVICE, false)) {
      if (!this.gke.normalise(body, bodyLen, event)) return false;
    } else {
      return false;
    }
    this.eventPtr = event.ptr;
    this.eventLen = event.len;
    return true;
  }

  /** The event's stage as a bit (stages.ts). */
  private stage(): u32 {
    const scan = this.scan;
    const id = this.rules.shape.stage;
    const p = scan.capturedStart(id);
    return stageBit(p, scan.capturedEnd(id) - p);
  }

  /**
   * For a rule with its own stages that matched: whether it already fired for this request at an
   * earlier stage (then not again); before the final stage, remembers that it fires now.
   */
  private firedBefore(rule: i32, stage: u32): bool {
    const scan = this.scan;
    const id = this.rules.shape.auditIDText;
    const sessions = this.sessions;
    const key = sessions.key(scan.capturedStart(id), scan.capturedEnd(id), rule);
    if ((stage & FINAL_STAGES) != 0) return sessions.close(key);
    sessions.open(key);
    return false;
  }

  /** Kind `Event` and no apiVersion other than audit.k8s.io's (core v1 Events are not scanned). */
  private mayBeEvent(): bool {
    const captures = this.captures;
    return captures.textEquals(this.kindSlot, EVENT, false)
      && (!captures.has(this.apiVersionSlot) || captures.textEquals(this.apiVersionSlot, AUDIT_API, true));
  }

  private matches(rule: AuditRule, sec: u32): bool {
    const scan = this.scan;
    // Cheap conditions, then the alternatives, then the costly ones (strings searched, detectors).
    const all = rule.all;
    const cheap = rule.cheap;
    for (let i = 0; i < cheap; i++) if (!scan.holds(unchecked(all[i]))) return false;
    const any = rule.any;
    if (any.length != 0) {
      let one = false;
      for (let i = 0, n = any.length; i < n && !one; i++) one = this.allHold(unchecked(any[i]));
      if (!one) return false;
    }
    for (let i = cheap, n = all.length; i < n; i++) if (!scan.holds(unchecked(all[i]))) return false;
    const unless = rule.unless;
    for (let i = 0, n = unless.length; i < n; i++) if (this.allHold(unchecked(unless[i]))) return false;
    const burst = rule.burst;
    if (burst == null) return true;
    const key = rule.burstKey;
    return burst.count(scan.capturedStart(key), scan.capturedEnd(key), sec);
  }

  @inline private allHold(ids: i32[]): bool {
    for (let i = 0, n = ids.length; i < n; i++) if (!this.scan.holds(unchecked(ids[i]))) return false;
    return true;
  }

  private writeMember(out: ByteBuffer, count: i32): void {
    const rules = this.rules.rules;
    const lead = unchecked(rules[unchecked(this.matched[0])]);
    out.putByte(0x7B);
    out.putBuffer(lead.head);
    out.putBuffer(ATTACK_OPEN);
    memory.fill(changetype<usize>(this.attackWritten), 0, <usize>this.attackWritten.length);
    let written = 0;
    for (let m = 0; m < count; m++) {
      const attack = unchecked(rules[unchecked(this.matched[m])]).attack;
      for (let i = 0, n = attack.length; i < n; i++) {
        const id = unchecked(attack[i]);
        if (unchecked(this.attackWritten[id]) != 0) continue;
        unchecked(this.attackWritten[id] = 1);
        if (written++ != 0) out.putByte(0x2C);
        out.putBuffer(unchecked(this.rules.attackIds[id]));
      }
    }
    out.putByte(0x5D);
    out.putByte(0x2C);
    out.putBuffer(lead.reason);
    out.putBuffer(RULES_OPEN);
    for (let m = 0; m < count; m++) {
      if (m != 0) out.putByte(0x2C);
      out.putBuffer(unchecked(rules[unchecked(this.matched[m])]).idJson);
    }
    out.putByte(0x5D);
    out.putByte(0x7D);
  }
}

/** Whether raw string content [p, end) starts with `{` (after blanks): JSON text worth decoding. */
function startsObject(p: usize, end: usize): bool {
  while (p < end) {
    const c = load<u8>(p);
    if (c == 0x7B) return true;
    if (c == 0x20 || c == 0x09) {
      p++;
      continue;
    }
    // An escaped line break or tab before the text.
    if (c == 0x5C && p + 1 < end && (load<u8>(p + 1) == 0x6E || load<u8>(p + 1) == 0x72 || load<u8>(p + 1) == 0x74)) {
      p += 2;
      continue;
    }
    return false;
  }
  return false;
}
