// Emits a modified copy of the input: unchanged runs are copied lazily with one
// memory.copy each, so a record with few edits costs little more than one copy.
import { ByteBuffer } from "../buffer";

export class Editor {
  /** Input not yet copied starts here. */
  private pending: usize = 0;
  private out: ByteBuffer = changetype<ByteBuffer>(0);

  begin(input: usize, out: ByteBuffer): void {
    this.pending = input;
    this.out = out;
  }

  /**
   * Copies the input up to `start`, then skips it to `end`: the caller writes what replaces
   * [start, end) to `out` right after. Spans must come in order; overlaps are clipped.
   */
  @inline splice(start: usize, end: usize): void {
    const pending = this.pending;
    if (start > pending) this.out.putBytes(pending, start - pending);
    if (end > pending) this.pending = end;
  }

  /** Copies the input up to `at`. */
  @inline copyTo(at: usize): void {
    this.splice(at, at);
  }
}
