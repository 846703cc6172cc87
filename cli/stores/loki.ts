// Loki (out_loki): what `query_range` gives back, `{"data":{"resultType":"streams","result":[{"stream":
// {labels}, "values":[["<ns>", "<line>"], ...]}]}}` (also the push payload `{"streams":[...]}`, and
// logcli's `--output jsonl` lines `{"labels", "line", "timestamp"}`). With line_format json (the
// default) the line is the record as JSON, minus remove_keys; the timestamp is the record's time in
// nanoseconds, checked against the seal exactly. Labels (labels, label_keys, auto_kubernetes_labels)
// are copies of record members or constants outside the line: not covered. A line without a member
// remove_keys took off fails (the seal covers the whole record); line_format key_value and
// drop_single_key write something else than the record: unreadable.
import { labelConflict, parseLokiLabels, restoredReadings } from "./loki-labels.ts";
import { type Reading, type StoreFile, parseRecord } from "./reading.ts";
import { arrayItems, memberNamed, objectMembers, stringAt, topValues } from "./scan.ts";
import { decimalSeconds, nanosecondsToSeconds } from "./time.ts";

export function readLoki(text: string, file: StoreFile): void {
  let place = 0;
  const labelSets = new Set<string>();
  const recordLabels = parseLokiLabels(file.options.lokiLabels ?? []);
  const entry = (ts: string | undefined, line: string | undefined, seconds: (ts: string) => string | null, streamLabels: Record<string, string>, metadata: Record<string, string> = {}) => {
    const labels = { ...streamLabels, ...metadata };
    place++;
    if (line === undefined) return file.fail(place, "unreadable", "a Loki entry without its line");
    const members = parseRecord(line);
    if (typeof members === "string" || line.trimStart()[0] !== "{") {
      file.fail(place, "unreadable", `the line is not a JSON record (${typeof members === "string" ? members : "not an object"}): out_loki's line_format key_value or drop_single_key wrote something else than the record`);
      return;
    }
    let time: string | undefined;
    let outerFailure: Reading["outerFailure"];
    if (!file.options.uncheckedTime) {
      const value = ts === undefined ? null : seconds(ts);
      if (value === null) outerFailure = { reason: "time", detail: `the entry's timestamp ${JSON.stringify(ts)} is not a time` };
      else time = value;
    }
    const conflict = labelConflict(members, streamLabels, metadata, recordLabels);
    if (conflict) outerFailure = { reason: "modified", detail: `${conflict} (--loki-labels): not what out_loki made of this record` };
    const restored: Reading[] = restoredReadings(members, labels, recordLabels).map((r) => ({ line: { members: r.members, time }, text: line, removed: [], restored: r.restored, outerFailure }));
    file.add(place, [...restored, { line: { members, time }, text: line, removed: [], outerFailure }]);
  };
  const streams = (at: number) => {
    for (const [stream] of arrayItems(text, at)) {
      const members = objectMembers(text, stream);
      const labels = memberNamed(members, "stream") ?? memberNamed(members, "labels");
      if (labels) labelSets.add(text.slice(labels.at, labels.end));
      const labelValues = labels ? (JSON.parse(text.slice(labels.at, labels.end)) as Record<string, string>) : {};
      const values = memberNamed(members, "values");
      if (!values) continue;
      for (const [value] of arrayItems(text, values.at)) {
        const parts = arrayItems(text, value);
        if (parts.length > 2) file.notes.add("loki: structured metadata (the entries' third element) is not covered by the seals");
        const ts = parts[0] && text[parts[0][0]] === '"' ? (JSON.parse(text.slice(...parts[0])) as string) : undefined;
        const line = parts[1] && text[parts[1][0]] === '"' ? (JSON.parse(text.slice(...parts[1])) as string) : undefined;
        // structured_metadata name=$key moves members like labels do: its values are put back the same way.
        const metadata = parts[2] && text[parts[2][0]] === "{" ? (JSON.parse(text.slice(...parts[2])) as Record<string, string>) : {};
        entry(ts, line, nanosecondsToSeconds, labelValues, metadata);
      }
    }
  };
  for (const [at] of topValues(text)) {
    const members = objectMembers(text, at);
    const data = memberNamed(members, "data");
    const pushed = memberNamed(members, "streams");
    if (data && text[data.at] === "{") {
      const inner = objectMembers(text, data.at);
      const kind = stringAt(text, memberNamed(inner, "resultType"));
      const result = memberNamed(inner, "result");
      if (kind !== "streams" || !result) {
        file.fail(++place, "unreadable", `a ${kind ?? "non-log"} query result: query the log lines (a log query, not a metric one)`);
        continue;
      }
      streams(result.at);
    } else if (pushed) {
      streams(pushed.at);
    } else if (memberNamed(members, "line")) {
      // logcli --output jsonl
      const labels = memberNamed(members, "labels");
      if (labels) labelSets.add(text.slice(labels.at, labels.end));
      const labelValues = labels ? (JSON.parse(text.slice(labels.at, labels.end)) as Record<string, string>) : {};
      entry(stringAt(text, memberNamed(members, "timestamp")), stringAt(text, memberNamed(members, "line")), decimalSeconds, labelValues);
    } else {
      file.fail(++place, "unreadable", "neither a query_range response, a push payload nor a logcli jsonl line");
    }
  }
  if (labelSets.size) {
    file.notes.add(recordLabels.length
      ? `loki: stream labels (${labelSets.size} label sets) are not covered by the seals, except those put back into records that then verified (--loki-labels)`
      : `loki: stream labels (${labelSets.size} label sets) are not covered by the seals: select streams by them, trust only the lines`);
  }
  file.hint(
    "modified",
    "loki: out_loki removes from the line every member it makes a label or structured metadata of (labels name=$key, label_keys $key, " +
      "structured_metadata name=$key): give the output's labels, label_keys and structured_metadata with --loki-labels so that they are put back; " +
      "members remove_keys or structured_metadata_map_keys take off are gone (keep them empty)",
  );
}
