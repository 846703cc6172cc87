// The redacting copy of a record: one pass of the pull reader over the body; unchanged
// bytes are copied in runs, removed members vanish with their commas, replaced values and
// redacted spans are written in place. Values other stages asked for are captured on the way.
import { ByteBuffer } from "../buffer";
import { decodeStringContent } from "../json/decode";
import { Editor } from "../json/editor";
import { JsonReader, MAX_DEPTH, skipWhitespace, STRING_ESCAPED, STRING_NEEDS_REPAIR, Token } from "../json/reader";
import { repairStringContent } from "../json/write";
import { NO_MATCH } from "../policy/keymatch";
import { KeyPath } from "../policy/keypath";
import { KeyVerdicts, SECRET_NAME } from "../policy/keyverdicts";
import { RecordOut } from "../record";
import { Captures } from "../enrichment/capture";
import { Action } from "./policy";
import { Redactor } from "./redactor";
import { isSecretName } from "./detectors/pairs";
import { auditRole, memberRole, NAME_MEMBER, PATCH_PATH_MEMBER, pointsIntoData, SECRET_DATA_MEMBER, SECRET_SIGN_MEMBER, signsSecret, STRING_VALUE_MEMBER, VALUE_MEMBER } from "./roles";

export const reader = new JsonReader();
const editor = new Editor();
export const path = new KeyPath();
export const NOT_TEXT = String.UTF8.encode("invalid UTF-8 or lone surrogates replaced by U+FFFD");

const repaired = new ByteBuffer(256);

/**
 * Rewrites the current string or key token with what is not text replaced (U+FFFD). With
 * `scanWith`, the detectors read the repaired text: a lone surrogate or a stray byte
 * (`password=hunter2 \ud800`) took a whole string out of the scan before.
 */
function repair(editor: Editor, record: RecordOut, scanWith: Redactor | null): void {
  editor.splice(reader.start + 1, reader.end - 1);
  const ptr = reader.start + 1, len = reader.end - reader.start - 2;
  if (scanWith == null) {
    repairStringContent(record.out, ptr, len);
  } else {
    repaired.reset();
    repairStringContent(repaired, ptr, len);
    scanWith.scanDetached(record, repaired.ptr, repaired.ptr + repaired.len);
  }
  record.addError(NOT_TEXT);
}

/**
 * Keys written with escapes, decoded: the key rules, captures and scan paths see `pass\u0077ord`
 * as `password`, as they would the record Fluent Bit's own parser made. A record's decoded keys
 * are never longer than the record, so room for its length, made before the first, keeps every
 * decoded key where the path points to it.
 */
const decodedKeys = new ByteBuffer(256);

function setDecodedKey(depth: i32, raw: usize, rawLen: usize, recordLen: usize): void {
  if (decodedKeys.len == 0) decodedKeys.reserve(recordLen);
  const at = decodedKeys.len;
  decodeStringContent(decodedKeys, raw, rawLen);
  path.set(depth, decodedKeys.ptr + at, decodedKeys.len - at);
}

/** Per container depth: whether a member has been written yet (0/1). */
const written = heap.alloc(<usize>MAX_DEPTH + 2);

/**
 * Per object depth, 16 bytes: where the content of its `name`/`key` string member starts (0: none
 * yet) and ends (at 8), and at 4 whether it is a JSON patch operation whose `path` points into a
 * Secret's data (1); the start and that flag are cleared together as the object starts.
 */
const names = heap.alloc((<usize>MAX_DEPTH + 2) << 4);
@inline function slotOf(depth: i32): usize {
  return names + (<usize>depth << 4);
}

/**
 * The name of a name/value object whose `value` comes first (`{"value": "…", "name": "DB_PASSWORD"}`):
 * when the member right after the value's closing quote (at `p`) is a `name` or `key` string, its
 * content is put in `names` at `depth`. Read from the bytes ahead; a record the reader later finds
 * malformed is not written.
 */
function nameAfter(p: usize, end: usize, depth: i32): bool {
  p = jsonSpaceEnd(p, end);
  if (p >= end || load<u8>(p) != 0x2C) return false;
  p = jsonSpaceEnd(p + 1, end);
  if (p + 6 >= end || load<u8>(p) != 0x22) return false;
  const key = p + 1;
  p = key;
  while (p < end && p - key <= 4 && load<u8>(p) != 0x22) p++;
  if (p >= end || memberRole(key, p - key) != NAME_MEMBER) return false;
  p = jsonSpaceEnd(p + 1, end);
  if (p >= end || load<u8>(p) != 0x3A) return false;
  p = jsonSpaceEnd(p + 1, end);
  if (p >= end || load<u8>(p) != 0x22) return false;
  const start = p + 1;
  for (p = start; p < end; p++) {
    const b = load<u8>(p);
    if (b == 0x22) break;
    if (b == 0x5C) p++;
  }
  if (p >= end) return false;
  const slot = slotOf(depth);
  store<u32>(slot, <u32>start);
  store<u32>(slot, <u32>p, 8);
  return true;
}

/** Past JSON whitespace at `p` (up to 64 bytes of it). */
@inline function jsonSpaceEnd(p: usize, end: usize): usize {
  return skipWhitespace(p, min(end, p + 64));
}

/** Whether the record is an audit event about a Secret (roles.ts), from the members seen so far. */
let aboutSecret = false;

/**
 * The string `value` member just read, in the object at `depth` of the record [body, body + len):
 * taken whole as a secret when the object's `name` or `key` member, before it or right after it,
 * names a secret (`{"name": "DB_PASSWORD", "value": "…"}`, Kubernetes and ECS env lists).
 */
function namedValue(record: RecordOut, editor: Editor, redactor: Redactor, body: usize, len: usize, depth: i32): bool {
  const slot = slotOf(depth);
  if (load<u32>(slot) == 0 && !nameAfter(reader.end, body + len, depth)) return false;
  return redactor.namedValue(record, editor, body, len, <usize>load<u32>(slot), <usize>load<u32>(slot, 8), reader.start + 1, reader.end - 1);
}

/**
 * Writes the redacted body into `record` without its closing brace. Returns false if the
 * body is not a JSON object (reader.error says why); `record` is then left for the caller.
 */
export function redactBody(body: usize, len: usize, record: RecordOut, redactor: Redactor, captures: Captures, verdicts: KeyVerdicts): bool {
  reader.reset(body, len);
  if (reader.next() != Token.ObjectStart) return false;
  verdicts.begin();
  decodedKeys.reset();
  editor.begin(body, record.out);
  store<u8>(written + 1, 0);
  let objectDepth = 1;
  let pendingCapture = -1;
  let scanning = false;
  // Where the name of a member whose name is a secret's starts, while its value is awaited (0: none;
  // always 0 at a key: every value resets it, and a removed or replaced value never sets it).
  let secretKeyStart: usize = 0;
  // The awaited value's part in a name/value object (memberRole; with SECRET_NAME from the key-path
  // table): set at every key whose value the walk reads, from the table wherever the member is, with
  // no key rules (no table) only where the value is scanned; reset where a value is not a member's
  // (an array's items, after an object item).
  let role: u32 = 0;
  aboutSecret = false;
  store<u64>(slotOf(1), 0);
  path.depth = 0;
  while (true) {
    const token = reader.next();
    switch (token) {
      case Token.Key: {
        const depth = reader.depth;
        const key = reader.start + 1, keyLen = reader.end - reader.start - 2;
        if ((reader.flags & STRING_ESCAPED) != 0) setDecodedKey(objectDepth, key, keyLen, len);
        else path.set(objectDepth, key, keyLen);
        let keyRule = NO_MATCH, captureSlot: i32;
        if (redactor.noKeyRules) {
          captureSlot = captures.slotFor(path); // capture paths alone cost less to match than to look up
        } else {
          if (!verdicts.recall(objectDepth, key, keyLen)) {
            // (with nothing scanned no value is judged: its role would only cost the walk)
            const named = redactor.scansNothing ? 0 : (isSecretName(key, keyLen) ? SECRET_NAME : 0) | memberRole(key, keyLen) | auditRole(path);
            verdicts.remember(key, keyLen, redactor.keyRuleFor(path), captures.slotFor(path), named);
          }
          keyRule = verdicts.keyRule;
          captureSlot = verdicts.captureSlot;
        }
        const treatment = redactor.treatmentFor(path, keyRule);
        if (treatment != null && treatment.action == Action.Remove) {
          const lead = reader.memberLead;
          if (!reader.skipValue()) return false;
          editor.splice(lead, reader.valueEnd);
          redactor.removed++;
          continue;
        }
        if (load<u8>(written + depth) == 0) {
          // Earlier members were removed: this one must lose its leading comma.
          if (!reader.firstMember) editor.splice(reader.memberLead, reader.start);
          store<u8>(written + depth, 1);
        }
        if (reader.flags & STRING_NEEDS_REPAIR) repair(editor, record, null); // the key itself
        if (treatment != null && treatment.action != Action.Keep) {
          const valueToken = reader.next();
          const start = reader.start;
          if (valueToken == Token.ObjectStart || valueToken == Token.ArrayStart) {
            const outer = reader.depth - 1;
            while (reader.depth > outer) {
              if (reader.next() == Token.Error) return false;
            }
          } else if (valueToken == Token.Error) {
            return false;
          }
          editor.splice(start, reader.valueEnd);
          redactor.writeValue(record, valueToken, start, reader.valueEnd, treatment);
          continue;
        }
        pendingCapture = captureSlot;
        scanning = redactor.scans(path);
        if (redactor.noKeyRules) {
          // without key rules there is no verdict table: the name is read only where its value is scanned
          if (scanning) {
            if (isSecretName(key, keyLen)) secretKeyStart = reader.start;
            role = memberRole(key, keyLen) | auditRole(path);
          } else {
            role = 0;
          }
        } else {
          const named = verdicts.named;
          if (scanning && treatment == null && (named & SECRET_NAME) != 0) secretKeyStart = reader.start;
          role = named;
        }
        continue;
      }
      case Token.String: {
        if (pendingCapture >= 0) captures.set(pendingCapture, token, reader.start, reader.end);
        pendingCapture = -1;
        const secretKey = secretKeyStart;
        secretKeyStart = 0;
        const part = role;
        if (part != 0) {
          if (part >= SECRET_SIGN_MEMBER) {
            // a Kubernetes audit event about a Secret (`objectRef.resource` `secrets`, a body of kind
            // `Secret` or `SecretList`): every value of its data is a secret, whatever its key
            if ((part & SECRET_DATA_MEMBER) != 0) {
              if (aboutSecret && scanning && redactor.secretData(record, editor, reader.start + 1, reader.end - 1)) continue;
            } else if ((part & SECRET_SIGN_MEMBER) != 0) {
              if (signsSecret(reader.start + 1, reader.end - 1)) aboutSecret = true;
            } else if ((part & PATCH_PATH_MEMBER) != 0) {
              store<u32>(slotOf(objectDepth), <u32>pointsIntoData(reader.start + 1, reader.end - 1), 4);
            } else if (aboutSecret && scanning && load<u32>(slotOf(objectDepth), 4) != 0 &&
                       redactor.secretData(record, editor, reader.start + 1, reader.end - 1)) {
              continue; // PATCH_VALUE_MEMBER: `{"op": "replace", "path": "/data/<key>", "value": "<base64>"}`
            }
          }
          if ((part & NAME_MEMBER) != 0) {
            const slot = slotOf(objectDepth);
            store<u32>(slot, <u32>(reader.start + 1));
            store<u32>(slot, <u32>(reader.end - 1), 8);
          } else if ((part & VALUE_MEMBER) != 0 && scanning && namedValue(record, editor, redactor, body, len, objectDepth)) {
            continue; // the `value` of an object whose `name` is a secret's, judged as the member `"DB_PASSWORD": "…"` would be
          } else if ((part & STRING_VALUE_MEMBER) != 0 && scanning && objectDepth > 1 &&
                     memberRole(path.keyPtr(objectDepth - 1), path.keyLen(objectDepth - 1)) == VALUE_MEMBER &&
                     namedValue(record, editor, redactor, body, len, objectDepth - 1)) {
            continue; // OpenTelemetry's `{"key": "db.password", "value": {"stringValue": "…"}}`
          }
        }
        // Judged by name before its repair: a value with a byte or an escape that is not text
        // (`"DB_PASSWORD": "…\udc00"`) is a secret's as much as any other, and is masked whole.
        if (reader.flags & STRING_NEEDS_REPAIR) {
          if (scanning && secretKey != 0 && redactor.memberSecret(record, editor, body, len, secretKey, reader.start + 1, reader.end - 1)) continue;
          repair(editor, record, scanning ? redactor : null);
          continue;
        }
        if (scanning) {
          // A member named as a secret's (`"db_password": "…"`) is judged as the same bytes in a string would be.
          if (secretKey == 0 || !redactor.memberSecret(record, editor, body, len, secretKey, reader.start + 1, reader.end - 1)) {
            redactor.scanString(record, editor, reader.start + 1, reader.end - 1);
          }
        }
        continue;
      }
      case Token.Number:
      case Token.True:
      case Token.False:
      case Token.Null: {
        if (pendingCapture >= 0) captures.set(pendingCapture, token, reader.start, reader.end);
        pendingCapture = -1;
        secretKeyStart = 0;
        continue;
      }
      case Token.ObjectStart: {
        if (pendingCapture >= 0) captures.set(pendingCapture, token, reader.start, reader.end); // presence only
        pendingCapture = -1;
        secretKeyStart = 0;
        objectDepth++;
        store<u8>(written + reader.depth, 0);
        store<u64>(slotOf(objectDepth), 0);
        continue;
      }
      case Token.ArrayStart: {
        if (pendingCapture >= 0) captures.set(pendingCapture, token, reader.start, reader.end);
        pendingCapture = -1;
        secretKeyStart = 0;
        role = 0;
        continue;
      }
      case Token.ObjectEnd: {
        role = 0;
        objectDepth--;
        path.depth = objectDepth;
        scanning = redactor.scans(path); // back in the enclosing member (e.g. an array of objects)
        if (reader.depth == 0) {
          editor.copyTo(reader.start); // the closing brace is written by RecordOut.finish
          record.hasMembers = load<u8>(written + 1) != 0;
          return reader.next() == Token.End;
        }
        continue;
      }
      case Token.ArrayEnd:
        continue;
      default:
        return false; // Token.Error (End cannot come before the top-level brace closes)
    }
  }
}
