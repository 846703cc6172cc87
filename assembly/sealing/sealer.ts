// Sealing: appends the `_seal` link of the record's chain, computed over the canonical
// form of everything else in the record.
import { RecordOut } from "../record";
import { Captures } from "../enrichment/capture";
import { SealPolicy } from "./policy";

export class Sealer {
  constructor(readonly policy: SealPolicy, readonly captures: Captures) {}

  /** A problem with the configuration (missing key, unwritable state) for every record's error marker. */
  startupError(): string {
    return "";
  }

  /** Appends `"_seal":{...}` to the record; everything written before is covered. */
  seal(record: RecordOut, tag: usize, tagLen: usize, sec: u32, nsec: u32): void {}

  /** Notes a record the policy dropped, so the chain can account for it. */
  dropped(tag: usize, tagLen: usize, sec: u32, nsec: u32): void {}
}
