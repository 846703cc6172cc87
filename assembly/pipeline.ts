// One record through logseal: read its input (lifting JSON text, noting its source), redact
// (capturing what enrichment needs), enrich, seal.
// Whatever the input, a valid JSON object comes out; a record is dropped (null) only
// where the policy says so.
import { ByteBuffer } from "./buffer";
import { Engine, currentEngine, maybeReload } from "./engine";
import { noteGarbage } from "./gc";
import { JsonError, jsonErrorMessage } from "./json/reader";
import { writeJsonStringContent } from "./json/write";
import { RAW_KEY, RecordOut } from "./record";
import { NOT_TEXT, reader, redactBody } from "./redaction/walk";

const record = new RecordOut();
const rawText = new ByteBuffer(1024);

/** Processes one record; returns a NUL-terminated JSON object, or 0 to drop it. */
export function filterRecord(tag: usize, tagLen: usize, sec: u32, nsec: u32, body: usize, bodyLen: usize): usize {
  maybeReload(sec);
  const engine = currentEngine();
  engine.captures.reset();
  engine.redactor.beginRecord();
  record.begin();
  const input = engine.input;
  input.prepare(body, bodyLen);
  const walked = redactBody(input.body, input.bodyLen, record, engine.redactor, engine.captures, engine.verdicts);
  if (!walked || (input.fast && reader.maxDepth > input.maxDepth)) {
    if (input.fast) {
      // The fast rebuild did not validate, or is too deep for Fluent Bit: read the record again
      // strictly (lifts only valid text within input.max_depth).
      input.prepareStrict(body, bodyLen);
      engine.captures.reset();
      engine.redactor.beginRecord();
      record.begin();
      if (!redactBody(input.body, input.bodyLen, record, engine.redactor, engine.captures, engine.verdicts)) {
        writeUnparsable(engine, input.body, input.bodyLen);
      }
    } else {
      writeUnparsable(engine, input.body, input.bodyLen);
    }
  }
  body = input.body;
  bodyLen = input.bodyLen;
  if (engine.enricher.shouldDrop(tag, tagLen, sec)) {
    input.noteDropped();
    engine.sealer.dropped(tag, tagLen, sec, nsec);
    return 0;
  }
  input.writeSource(record);
  input.addErrors(record);
  engine.enricher.writeFields(record, body, bodyLen);
  engine.redactor.writeSummary(record);
  if (engine.configError.length != 0) record.addError(engine.configErrorUtf8);
  engine.sealer.addErrors(record, tag, tagLen);
  record.writeErrors();
  engine.sealer.seal(record, tag, tagLen, sec, nsec);
  return record.finish();
}

/**
 * A body that is not a JSON object is passed on as text in `logseal_raw` (with secrets
 * redacted like any string) and `logseal_error` saying why and where.
 */
function writeUnparsable(engine: Engine, body: usize, bodyLen: usize): void {
  noteGarbage(); // the message below
  const error = reader.error;
  record.begin();
  record.out.putByte(0x7B);
  record.addError(String.UTF8.encode(error == JsonError.None
    ? "body is not a JSON object"
    : "body is not valid JSON: " + jsonErrorMessage(error) + " at byte " + (reader.errorAt - body).toString()));
  rawText.reset();
  if (writeJsonStringContent(rawText, body, bodyLen)) record.addError(NOT_TEXT);
  const out = record.member(RAW_KEY);
  out.putByte(0x22);
  engine.redactor.scanDetached(record, rawText.ptr, rawText.ptr + rawText.len);
  out.putByte(0x22);
}
