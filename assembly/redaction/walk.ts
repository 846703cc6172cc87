// The redacting copy of a record: one pass of the pull reader over the body; unchanged
// bytes are copied in runs, removed members vanish with their commas, replaced values and
// redacted spans are written in place. Values other stages asked for are captured on the way.
import { ByteBuffer } from "../buffer";
import { decodeStringContent } from "../json/decode";
import { Editor } from "../json/editor";
import { JsonReader, MAX_DEPTH, STRING_ESCAPED, STRING_NEEDS_REPAIR, Token } from "../json/reader";
import { repairStringContent } from "../json/write";
import { NO_MATCH } from "../policy/keymatch";
import { KeyPath } from "../policy/keypath";
import { KeyVerdicts } from "../policy/keyverdicts";
import { RecordOut } from "../record";
import { Captures } from "../enrichment/capture";
import { Action } from "./policy";
import { Redactor } from "./redactor";
import { isSecretName } from "./detectors/pairs";

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
  // Where the name of a member whose name is a secret's starts, while its value is awaited (0: none).
  let secretKeyStart: usize = 0;
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
            verdicts.remember(key, keyLen, redactor.keyRuleFor(path), captures.slotFor(path), isSecretName(key, keyLen));
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
        // without key rules there is no verdict table: the name is read only where its value is scanned
        const secret = scanning && treatment == null && (redactor.noKeyRules ? isSecretName(key, keyLen) : verdicts.secretName);
        secretKeyStart = secret ? reader.start : 0;
        continue;
      }
      case Token.String: {
        if (pendingCapture >= 0) captures.set(pendingCapture, token, reader.start, reader.end);
        pendingCapture = -1;
        const secretKey = secretKeyStart;
        secretKeyStart = 0;
        if (reader.flags & STRING_NEEDS_REPAIR) {
          repair(editor, record, scanning ? redactor : null);
        } else if (scanning) {
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
        continue;
      }
      case Token.ArrayStart: {
        if (pendingCapture >= 0) captures.set(pendingCapture, token, reader.start, reader.end);
        pendingCapture = -1;
        secretKeyStart = 0;
        continue;
      }
      case Token.ObjectEnd: {
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
