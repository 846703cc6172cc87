// Enrichment of a redacted record: static fields, normalised severity, level gating and
// the classification of Kubernetes audit events. Reads the values the walk captured.
import { RecordOut } from "../record";
import { Captures } from "./capture";
import { EnrichPolicy } from "./policy";

export class Enricher {
  constructor(readonly policy: EnrichPolicy, readonly captures: Captures) {}

  /** A problem with the configuration (e.g. an unreadable file) for every record's error marker. */
  startupError(): string {
    return "";
  }

  /** Whether the policy drops this record (level gating); called after the redaction walk. */
  shouldDrop(tag: usize, tagLen: usize, sec: u32): bool {
    return false;
  }

  /** Appends the enrichment members to the record (after the walk, before sealing). */
  writeFields(record: RecordOut, body: usize, bodyLen: usize): void {}
}
