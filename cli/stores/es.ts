// Elasticsearch and OpenSearch (out_es, out_opensearch): what `_search` gives back (and out_kafka's
// JSON messages, one per line, whose `timestamp_key` comes first the same way). Each hit's
// `_source` is the document the bulk request carried, byte for byte (stored source): the record with
// the output's Time_Key (default `@timestamp`, always added, first) and, with Include_Tag_Key, its
// Tag_Key (default `flb-key`, the tag) in front. Both are taken off and checked against the seal:
// the time at the precision written (milliseconds, or nanoseconds with Time_Key_Nanos), the tag
// against the chain (chains by tag). Read from a `_search` or scroll response, several of them (one
// per line), hits one per line (elasticdump), or bare `_source` documents one per line.
import { type Member } from "../canonical.ts";
import { type Reading, type StoreFile, recordAt, stringValue, without } from "./reading.ts";
import { arrayItems, lineAt, memberNamed, objectMembers, topValues } from "./scan.ts";
import { decimalSeconds } from "./time.ts";

export function readEs(text: string, file: StoreFile): void {
  const lines = { pos: 0, line: 1 };
  let place = 0;
  // Documents from Elasticsearch (in a hit) have their numeric times read as it reads them: epoch
  // milliseconds. Bare documents (out_kafka's messages) may carry a double of seconds.
  const source = (at: number, stored = true) => {
    place++;
    readSource(text, at, file, place, stored);
  };
  for (const [at] of topValues(text)) {
    const members = objectMembers(text, at);
    if (members.some((m) => m.key === "_seal")) {
      // A record itself (no envelope has a _seal member; a record may have two: the last is its seal).
      place = lineAt(text, at, lines) - 1;
      source(at, false);
      continue;
    }
    const hits = memberNamed(members, "hits");
    if (hits && text[hits.at] === "{") {
      const inner = memberNamed(objectMembers(text, hits.at), "hits");
      if (!inner) continue;
      for (const [hit] of arrayItems(text, inner.at)) {
        const src = memberNamed(objectMembers(text, hit), "_source");
        if (src) source(src.at);
        else file.fail(++place, "unreadable", "a hit without _source (the index keeps no source, or the search filtered it: search with _source: true)");
      }
    } else if (memberNamed(members, "_source")) {
      source(memberNamed(members, "_source")!.at);
    } else if (!memberNamed(members, "_scroll_id")) {
      file.fail(++place, "unreadable", "neither a _search response, a hit nor a document");
    }
  }
  file.notes.add(`${file.format}: the index, _id and everything outside _source are not covered by the seals`);
  file.hint(
    "modified",
    "es/opensearch: records whose keys had dots fail as modified under Replace_Dots On (the output renamed the keys; " +
      "Kubernetes labels such as app.kubernetes.io/name have dots): set Replace_Dots Off. An index with synthetic _source " +
      "(logsdb, ES 8.17+ logs-* data streams) rewrites documents: use stored source",
  );
  file.hint("time", `${file.format}: Current_Time_Index On writes the time of the flush as ${file.options.timeKey ?? "@timestamp"}, not the record's: set it Off (or verify with --unchecked-time, which leaves the store's time unchecked)`);
}

function readSource(text: string, at: number, file: StoreFile, place: number, stored: boolean): void {
  let members: Member[];
  try {
    ({ members, text } = recordAt(text, at));
  } catch (error) {
    file.fail(place, "unreadable", (error as Error).message);
    return;
  }
  const timeKey = file.options.timeKey ?? "@timestamp";
  const tagKey = file.options.tagKey ?? "flb-key";
  const timeAt = members.findIndex((m) => m.key === timeKey);
  let time: string | undefined;
  let outerFailure: Reading["outerFailure"];
  if (timeAt < 0) {
    // Nothing is taken off; the record is checked as it is and fails for the missing time.
    outerFailure = { reason: "time", detail: `no ${JSON.stringify(timeKey)} member: out_es always adds its Time_Key (a renamed one: --date-key NAME)` };
  } else if (!file.options.uncheckedTime) {
    // A string (out_es, out_kafka's iso8601), or a number as written (out_kafka's default double).
    const written = text.slice(members[timeAt].at, members[timeAt].end);
    const value = stringValue(members[timeAt]) ?? (/^\d/.test(written) ? written : undefined);
    const seconds = value === undefined ? null : decimalSeconds(value, stored ? "ms" : undefined);
    if (seconds === null) outerFailure = { reason: "time", detail: `${timeKey} ${members[timeAt].text} is not a time (Time_Key_Format must write an ISO 8601 date and time)` };
    else time = seconds;
  }
  const timeMembers = timeAt < 0 ? [] : [timeAt];
  const timeRemoved = timeAt < 0 ? [] : [timeKey];
  const readings: Reading[] = [];
  const tagAt = members.findIndex((m, i) => i !== timeAt && m.key === tagKey);
  const tag = tagAt >= 0 ? stringValue(members[tagAt]) : undefined;
  if (tag !== undefined) {
    // Include_Tag_Key: the tag, checked against the chain like out_file's.
    readings.push({ line: { members: without(members, [...timeMembers, tagAt]), time, tag }, text, removed: [...timeRemoved, tagKey], outerFailure });
  }
  // Without Include_Tag_Key a member of that name is the record's own.
  readings.push({ line: { members: without(members, timeMembers), time }, text, removed: timeRemoved, outerFailure });
  // A record that holds as it is has nothing added (a message of another output; out_es would have
  // added its Time_Key, which Elasticsearch refuses twice).
  if (timeAt >= 0) readings.push({ line: { members }, text, removed: [] });
  file.add(place, readings);
}
