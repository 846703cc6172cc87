// S3 objects (out_s3, format json_lines) and out_http bodies (format json, json_lines, json_stream):
// each record with the output's json_date_key member (default `date`; S3: ISO 8601 with
// microseconds, out_http: a double of seconds) in front, and `__internal__` (the record's metadata)
// after it when the record has metadata. The date member is taken off and checked against the seal;
// `__internal__` is taken off and reported as not covered. A record whose own first member has the
// date key's name (json_date_key false) is read as it is when that is what its seal covers.
import type { Member } from "../canonical.ts";
import { type Reading, type StoreFile, recordAt, without } from "./reading.ts";
import { arrayItems, lineAt, topValues } from "./scan.ts";
import { decimalSeconds } from "./time.ts";

export function readLines(text: string, file: StoreFile): void {
  const lines = { pos: 0, line: 1 };
  const values = topValues(text);
  // NDJSON names lines; a JSON array (out_http json) or a stream of objects, the record's place.
  const multiline = values.length > 1 && text.slice(values[0][1], values[1][0]).includes("\n");
  let place = 0;
  for (const [at] of values) {
    if (text[at] === "[") {
      for (const [item] of arrayItems(text, at)) readRecord(text, item, file, ++place);
    } else {
      readRecord(text, at, file, multiline ? lineAt(text, at, lines) : ++place);
    }
  }
}

function readRecord(text: string, at: number, file: StoreFile, place: number): void {
  let members: Member[];
  try {
    ({ members, text } = recordAt(text, at));
  } catch (error) {
    file.fail(place, "unreadable", `${(error as Error).message} (out_s3's log_key and out_http's gelf write something else than the record)`);
    return;
  }
  const dateKey = file.options.timeKey ?? "date";
  const readings: Reading[] = [];
  if (members.length > 0 && members[0].key === dateKey) {
    const drop = [0];
    const removed = [dateKey];
    if (members[1]?.key === "__internal__" && members[1].object) {
      drop.push(1);
      removed.push("__internal__");
      file.notes.add(`${file.format}: __internal__ (the record's metadata, after the date member) is taken off and not covered by the seals: its content is whatever the file says`);
    }
    let time: string | undefined;
    if (!file.options.uncheckedTime) {
      const written = text.slice(members[0].at, members[0].end); // the number as written, not its canonical form
      const value = written.startsWith('"') ? (JSON.parse(written) as string) : written;
      const seconds = decimalSeconds(value);
      if (seconds === null) {
        // Not a time: not what the output adds, so it is the record's own (json_date_key false).
        readings.push({ line: { members }, text, removed: [] });
        file.add(place, readings);
        return;
      }
      time = seconds;
    }
    readings.push({ line: { members: without(members, drop), time }, text, removed });
  }
  readings.push({ line: { members }, text, removed: [] });
  file.add(place, readings);
}
