// Splunk (out_splunk, HTTP Event Collector): what a search export gives back, one JSON object per
// line `{"preview":false,"result":{"_raw":"<event>","_time":"...", host, source, ...}}` (also
// `{"results":[...]}` and the HEC payloads themselves, `{"time":<s>,"event":{record}}` back to
// back). out_splunk wraps the record as the HEC event, with the record's time as `time`; Splunk keeps
// the event as `_raw` and the time as `_time`, which is checked against the seal at its precision.
// host, source, sourcetype, index and event_field's indexed fields are outside the event: not covered.
// event_key sends one member instead of the record: unreadable.
import { type Reading, type StoreFile, parseRecord, recordAt } from "./reading.ts";
import { type RawMember, arrayItems, lineAt, memberNamed, objectMembers, stringAt, topValues } from "./scan.ts";
import { decimalSeconds } from "./time.ts";

export function readSplunk(text: string, file: StoreFile): void {
  const lines = { pos: 0, line: 1 };
  let place = 0;
  let ndjson = false;
  const values = topValues(text);
  // An export is one object per line: failures name the line; one document: the result's place.
  if (values.length > 1 && text.slice(values[0][1], values[1][0]).includes("\n")) ndjson = true;
  const next = (at: number) => (ndjson ? (place = lineAt(text, at, lines)) : ++place);
  const fromResult = (at: number, result: RawMember[]) => {
    const where = next(at);
    const raw = stringAt(text, memberNamed(result, "_raw"));
    if (raw === undefined) return file.fail(where, "unreadable", "a search result without _raw (export the events: | fields _raw _time, or no table command)");
    const members = parseRecord(raw);
    if (typeof members === "string" || raw.trimStart()[0] !== "{") {
      return file.fail(where, "unreadable", `_raw is not a JSON record (${typeof members === "string" ? members : "not an object"}): out_splunk's event_key sends one member, and Splunk's TRUNCATE (10000 bytes by default) cuts long events (set TRUNCATE = 0 for the sourcetype)`);
    }
    const time = timeOf(stringAt(text, memberNamed(result, "_time")), file);
    file.add(where, [{ line: { members, time: time ?? undefined }, text: raw, removed: [], ...(time === null && { outerFailure: noTime(result, text) }) }]);
  };
  for (const [at] of values) {
    const members = objectMembers(text, at);
    const result = memberNamed(members, "result");
    const results = memberNamed(members, "results");
    const event = memberNamed(members, "event");
    if (result && text[result.at] === "{") {
      fromResult(at, objectMembers(text, result.at));
    } else if (results) {
      for (const [item] of arrayItems(text, results.at)) fromResult(item, objectMembers(text, item));
    } else if (memberNamed(members, "_raw")) {
      fromResult(at, members);
    } else if (event) {
      fromHec(text, at, members, event, file, next(at));
    } else if (!memberNamed(members, "preview") && !memberNamed(members, "messages")) {
      file.fail(next(at), "unreadable", "neither a search export result nor a HEC event");
    }
  }
  file.notes.add("splunk: host, source, sourcetype, index and indexed fields (event_field) are not covered by the seals");
  file.hint("time", "splunk: auto_extract_timestamp On lets Splunk take _time from the record's content, not the record's time: leave it Off (or verify with --unchecked-time)");
}

/** A HEC event as out_splunk sends it: `{"time": <s>, [host, source, ...,] "event": {record}}`. */
function fromHec(text: string, at: number, members: RawMember[], event: RawMember, file: StoreFile, where: number): void {
  if (text[event.at] !== "{") {
    file.fail(where, "unreadable", "the HEC event is not a record: out_splunk's event_key sends one member instead of the record");
    return;
  }
  let record;
  let own: string;
  try {
    ({ members: record, text: own } = recordAt(text, event.at));
  } catch (error) {
    file.fail(where, "unreadable", (error as Error).message);
    return;
  }
  const time = memberNamed(members, "time");
  const seconds = timeOf(time ? text.slice(time.at, time.end).replace(/^"|"$/g, "") : undefined, file);
  const reading: Reading = { line: { members: record, time: seconds ?? undefined }, text: own, removed: [], ...(seconds === null && { outerFailure: noTime(members, text, "time") }) };
  file.add(where, [reading]);
}

const noTime = (members: RawMember[], text: string, name = "_time"): Reading["outerFailure"] => {
  const member = memberNamed(members, name)!;
  return { reason: "time", detail: `the event's time ${text.slice(member.at, member.end)} is not a time` };
};

/** The time as checked (undefined: not checked or none), or null when it is no time. */
function timeOf(value: string | undefined, file: StoreFile): string | undefined | null {
  if (file.options.uncheckedTime) return undefined;
  if (value === undefined) {
    file.notes.add("splunk: events without a time (_time, or HEC time): their time is the seal's only");
    return undefined;
  }
  return decimalSeconds(value, "s"); // Splunk reads a bare number as epoch seconds (HEC time, _time)
}
