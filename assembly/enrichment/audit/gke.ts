// GKE writes the API server's audit events as Cloud Audit Logs entries, not as audit.k8s.io
// Events: a LogEntry whose `protoPayload` (type AuditLog, serviceName `k8s.io`) says what
// happened as `methodName` (`io.k8s.core.v1.pods.exec.create`: the verb last), `resourceName`
// (`core/v1/namespaces/shop/pods/web-1/exec`: group, version, namespace, resource, name,
// subresource), `authenticationInfo.principalEmail`, `requestMetadata`, `status` (a google.rpc
// code), the bodies as `request` and `response`, and the entry's `labels` (the authorizer's
// decision and reason, the event's annotations). This writes the audit event they describe,
// so the same rules classify it: the bodies are copied as they are, the rest is a few strings.
// No stages (one entry per request: `ResponseComplete`), no user groups, no impersonation.
import { ByteBuffer } from "../../buffer";
import { decodeStringContent } from "../../json/decode";
import { JsonReader, Token } from "../../json/reader";
import { writeJsonStringContent } from "../../json/write";
import { numberValue } from "./conditions";

const INSERT_ID = 0;
const METHOD = 1;
const RESOURCE = 2;
const PRINCIPAL = 3;
const CALLER_IP = 4;
const USER_AGENT = 5;
const STATUS_CODE = 6;
const REQUEST = 7;
const RESPONSE = 8;
const LABELS = 9;
const FIELDS = 10;

const reader = new JsonReader();
const decoded = new ByteBuffer(256);
const u = (text: string): ArrayBuffer => String.UTF8.encode(text);

const K_INSERT_ID = u("insertId");
const K_PROTO = u("protoPayload");
const K_METHOD = u("methodName");
const K_RESOURCE = u("resourceName");
const K_AUTHENTICATION = u("authenticationInfo");
const K_PRINCIPAL = u("principalEmail");
const K_REQUEST_METADATA = u("requestMetadata");
const K_CALLER_IP = u("callerIp");
const K_USER_AGENT = u("callerSuppliedUserAgent");
const K_STATUS = u("status");
const K_CODE = u("code");
const K_REQUEST = u("request");
const K_RESPONSE = u("response");
const K_LABELS = u("labels");

const HEAD = u("{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"RequestResponse\",\"stage\":\"ResponseComplete\",\"auditID\":\"");
const NO_ID = u("gke");
const URI = u("\",\"requestURI\":\"/");
const VERB = u("\",\"verb\":\"");
const USER = u("\",\"user\":{\"username\":\"");
const IPS = u("\"},\"sourceIPs\":[\"");
const AGENT = u("\"],\"userAgent\":\"");
const REF = u("\",\"objectRef\":{");
const STATUS = u("},\"responseStatus\":{\"code\":");
const REQUEST_OBJECT = u(",\"requestObject\":");
const RESPONSE_OBJECT = u(",\"responseObject\":");
const ANNOTATIONS = u(",\"annotations\":");
const REF_KEYS: ArrayBuffer[] = [u("\"apiGroup\":\""), u("\"apiVersion\":\""), u("\"namespace\":\""), u("\"resource\":\""), u("\"name\":\""), u("\"subresource\":\"")];
const CORE = u("core");

const GROUP = 0;
const VERSION = 1;
const NAMESPACE = 2;
const KIND = 3;
const NAME = 4;
const SUBRESOURCE = 5;

export class GkeNormaliser {
  /** Per field: start and end of its raw value (strings: their content), end 0 when absent. */
  private readonly spans: StaticArray<usize> = new StaticArray<usize>(FIELDS * 2);
  /** resourceName's parts (into `decoded`): offsets of group, version, namespace, resource, name, subresource. */
  private readonly parts: StaticArray<usize> = new StaticArray<usize>(12);

  /** Writes the audit event the LogEntry [body, body+len) describes; false if it is not one. */
  normalise(body: usize, len: usize, out: ByteBuffer): bool {
    memory.fill(changetype<usize>(this.spans), 0, FIELDS * 2 * sizeof<usize>());
    reader.reset(body, len);
    if (reader.next() != Token.ObjectStart) return false;
    while (true) {
      const token = reader.next();
      if (token == Token.ObjectEnd) break;
      if (token != Token.Key) return false;
      if (keyIs(K_INSERT_ID)) {
        if (!this.string(INSERT_ID)) return false;
      } else if (keyIs(K_PROTO)) {
        if (!this.payload()) return false;
      } else if (keyIs(K_LABELS)) {
        if (!this.value(LABELS)) return false;
      } else if (!reader.skipValue()) {
        return false;
      }
    }
    if (this.end(METHOD) == 0) return false;
    this.write(out);
    return true;
  }

  private payload(): bool {
    if (reader.next() != Token.ObjectStart) return false;
    while (true) {
      const token = reader.next();
      if (token == Token.ObjectEnd) return true;
      if (token != Token.Key) return false;
      let ok = true;
      if (keyIs(K_METHOD)) ok = this.string(METHOD);
      else if (keyIs(K_RESOURCE)) ok = this.string(RESOURCE);
      else if (keyIs(K_AUTHENTICATION)) ok = this.members(K_PRINCIPAL, PRINCIPAL, null, -1);
      else if (keyIs(K_REQUEST_METADATA)) ok = this.members(K_CALLER_IP, CALLER_IP, K_USER_AGENT, USER_AGENT);
      else if (keyIs(K_STATUS)) ok = this.members(K_CODE, STATUS_CODE, null, -1);
      else if (keyIs(K_REQUEST)) ok = this.value(REQUEST);
      else if (keyIs(K_RESPONSE)) ok = this.value(RESPONSE);
      else ok = reader.skipValue();
      if (!ok) return false;
    }
  }

  /** An object's members `a` (into field `fa`) and `b` (into `fb`, if any); the rest skipped. */
  private members(a: ArrayBuffer, fa: i32, b: ArrayBuffer | null, fb: i32): bool {
    const token = reader.next();
    if (token != Token.ObjectStart) return skipAfter(token);
    while (true) {
      const next = reader.next();
      if (next == Token.ObjectEnd) return true;
      if (next != Token.Key) return false;
      let ok = true;
      if (keyIs(a)) ok = this.string(fa);
      else if (b != null && keyIs(b)) ok = this.string(fb);
      else ok = reader.skipValue();
      if (!ok) return false;
    }
  }

  /** A string's raw content, or a number's text, into `field` (other values skipped). */
  private string(field: i32): bool {
    const token = reader.next();
    if (token == Token.String) {
      this.set(field, reader.start + 1, reader.end - 1);
      return true;
    }
    if (token == Token.Number) {
      this.set(field, reader.start, reader.end);
      return true;
    }
    return skipAfter(token);
  }

  /** Any value's raw JSON text into `field`. */
  private value(field: i32): bool {
    const token = reader.next();
    if (token == Token.Error || token == Token.End) return false;
    const start = reader.start;
    if (!skipOpened(token)) return false;
    this.set(field, start, token == Token.ObjectStart || token == Token.ArrayStart ? reader.valueEnd : reader.end);
    return true;
  }

  @inline private set(field: i32, start: usize, end: usize): void {
    unchecked(this.spans[field << 1] = start);
    unchecked(this.spans[(field << 1) + 1] = end);
  }

  @inline private start(field: i32): usize {
    return unchecked(this.spans[field << 1]);
  }

  @inline private end(field: i32): usize {
    return unchecked(this.spans[(field << 1) + 1]);
  }

  private write(out: ByteBuffer): void {
    out.reset();
    out.putBuffer(HEAD);
    if (this.end(INSERT_ID) != 0) this.copy(out, INSERT_ID);
    else out.putBuffer(NO_ID);
    out.putBuffer(URI);
    this.copy(out, RESOURCE);
    out.putBuffer(VERB);
    // The verb is methodName's last dot-separated word.
    decoded.reset();
    decodeStringContent(decoded, this.start(METHOD), this.end(METHOD) - this.start(METHOD));
    let verb = decoded.ptr + decoded.len;
    while (verb > decoded.ptr && load<u8>(verb - 1) != 0x2E) verb--;
    const verbLen = decoded.ptr + decoded.len - verb;
    const created = verbLen == 6 && memory.compare(verb, changetype<usize>(CREATE), 6) == 0;
    writeJsonStringContent(out, verb, verbLen);
    out.putBuffer(USER);
    this.copy(out, PRINCIPAL);
    out.putBuffer(IPS);
    this.copy(out, CALLER_IP);
    out.putBuffer(AGENT);
    this.copy(out, USER_AGENT);
    out.putBuffer(REF);
    const subresource = this.writeObjectRef(out);
    out.putBuffer(STATUS);
    out.putUint(this.httpCode(created, subresource));
    out.putByte(0x7D);
    if (this.end(REQUEST) != 0) {
      out.putBuffer(REQUEST_OBJECT);
      out.putBytes(this.start(REQUEST), this.end(REQUEST) - this.start(REQUEST));
    }
    if (this.end(RESPONSE) != 0) {
      out.putBuffer(RESPONSE_OBJECT);
      out.putBytes(this.start(RESPONSE), this.end(RESPONSE) - this.start(RESPONSE));
    }
    // The entry's labels are the event's annotations (authorization.k8s.io/decision, ...).
    if (this.end(LABELS) != 0 && load<u8>(this.start(LABELS)) == 0x7B) {
      out.putBuffer(ANNOTATIONS);
      out.putBytes(this.start(LABELS), this.end(LABELS) - this.start(LABELS));
    }
    out.putByte(0x7D);
  }

  /** Raw string content of `field` (empty when absent): still valid JSON string content. */
  private copy(out: ByteBuffer, field: i32): void {
    const end = this.end(field);
    if (end != 0) out.putBytes(this.start(field), end - this.start(field));
  }

  /**
   * objectRef's members from resourceName: group/version/namespaces/NS/resource[/name[/sub]] or
   * group/version/resource[/name[/sub]]; group `core` is the core group (no apiGroup). Returns
   * whether there is a subresource that streams (exec, attach, portforward).
   */
  private writeObjectRef(out: ByteBuffer): bool {
    if (this.end(RESOURCE) == 0) return false;
    decoded.reset();
    decodeStringContent(decoded, this.start(RESOURCE), this.end(RESOURCE) - this.start(RESOURCE));
    const parts = this.parts;
    memory.fill(changetype<usize>(parts), 0, 12 * sizeof<usize>());
    // Split at '/': up to 7 words.
    let words = 0;
    let p = decoded.ptr;
    const end = decoded.ptr + decoded.len;
    let wordStart = p;
    let w0: usize = 0, w0e: usize = 0, w1: usize = 0, w1e: usize = 0, w2: usize = 0, w2e: usize = 0, w3: usize = 0, w3e: usize = 0;
    let w4: usize = 0, w4e: usize = 0, w5: usize = 0, w5e: usize = 0, w6: usize = 0, w6e: usize = 0;
    while (p <= end) {
      if (p == end || load<u8>(p) == 0x2F) {
        switch (words) {
          case 0: { w0 = wordStart; w0e = p; break; }
          case 1: { w1 = wordStart; w1e = p; break; }
          case 2: { w2 = wordStart; w2e = p; break; }
          case 3: { w3 = wordStart; w3e = p; break; }
          case 4: { w4 = wordStart; w4e = p; break; }
          case 5: { w5 = wordStart; w5e = p; break; }
          case 6: { w6 = wordStart; w6e = p; break; }
        }
        words++;
        wordStart = p + 1;
      }
      p++;
    }
    if (words < 3) return false;
    if (!(w0e - w0 == 4 && memory.compare(w0, changetype<usize>(CORE), 4) == 0)) this.setPart(GROUP, w0, w0e);
    this.setPart(VERSION, w1, w1e);
    const namespaced = words >= 5 && w2e - w2 == 10 && memory.compare(w2, changetype<usize>(NAMESPACES), 10) == 0;
    if (namespaced) {
      this.setPart(NAMESPACE, w3, w3e);
      this.setPart(KIND, w4, w4e);
      if (words > 5) this.setPart(NAME, w5, w5e);
      if (words > 6) this.setPart(SUBRESOURCE, w6, w6e);
    } else {
      this.setPart(KIND, w2, w2e);
      if (words > 3) this.setPart(NAME, w3, w3e);
      if (words > 4) this.setPart(SUBRESOURCE, w4, w4e);
    }
    let first = true;
    for (let i = 0; i < 6; i++) {
      const s = unchecked(parts[i << 1]);
      const e = unchecked(parts[(i << 1) + 1]);
      if (e <= s) continue;
      if (!first) out.putByte(0x2C);
      first = false;
      out.putBuffer(unchecked(REF_KEYS[i]));
      writeJsonStringContent(out, s, e - s);
      out.putByte(0x22);
    }
    const sub = unchecked(parts[(SUBRESOURCE << 1)]);
    const subEnd = unchecked(parts[(SUBRESOURCE << 1) + 1]);
    return isStream(sub, subEnd - sub);
  }

  @inline private setPart(part: i32, start: usize, end: usize): void {
    unchecked(this.parts[part << 1] = start);
    unchecked(this.parts[(part << 1) + 1] = end);
  }

  /** The HTTP status the API server answered: from the google.rpc code (absent or 0: success). */
  private httpCode(created: bool, streaming: bool): u32 {
    const end = this.end(STATUS_CODE);
    const code = end != 0 ? <i32>numberValue(this.start(STATUS_CODE), end) : 0;
    switch (code) {
      case 0: return streaming ? 101 : created ? 201 : 200;
      case 3: return 400;   // INVALID_ARGUMENT
      case 4: return 504;   // DEADLINE_EXCEEDED
      case 5: return 404;   // NOT_FOUND
      case 6: return 409;   // ALREADY_EXISTS
      case 7: return 403;   // PERMISSION_DENIED
      case 8: return 429;   // RESOURCE_EXHAUSTED
      case 9: return 400;   // FAILED_PRECONDITION
      case 10: return 409;  // ABORTED
      case 12: return 501;  // UNIMPLEMENTED
      case 14: return 503;  // UNAVAILABLE
      case 16: return 401;  // UNAUTHENTICATED
      default: return 500;  // UNKNOWN, INTERNAL, DATA_LOSS, CANCELLED...
    }
  }

}

const NAMESPACES = u("namespaces");
const CREATE = u("create");
const STREAMS: ArrayBuffer[] = [u("exec"), u("attach"), u("portforward")];

function isStream(p: usize, len: usize): bool {
  for (let i = 0; i < STREAMS.length; i++) {
    const s = unchecked(STREAMS[i]);
    if (<usize>s.byteLength == len && memory.compare(p, changetype<usize>(s), len) == 0) return true;
  }
  return false;
}

/** Whether the current key's raw content is `name`. */
function keyIs(name: ArrayBuffer): bool {
  const len = reader.end - reader.start - 2;
  return len == <usize>name.byteLength && memory.compare(reader.start + 1, changetype<usize>(name), len) == 0;
}

/** After a value's first token: skips the rest of a container; false on malformed input. */
function skipAfter(token: Token): bool {
  return token != Token.Error && token != Token.End && skipOpened(token);
}

/** Skips the rest of a container whose opening token was just read (scalars: nothing to skip). */
function skipOpened(token: Token): bool {
  if (token != Token.ObjectStart && token != Token.ArrayStart) return true;
  const depth = reader.depth - 1;
  while (reader.depth > depth) {
    const next = reader.next();
    if (next == Token.Error || next == Token.End) return false;
  }
  return true;
}
