// The spans the detectors found in one string: [start, end) byte offsets into the string's raw
// content and the detector id, kept sorted and disjoint. Fixed capacity in unmanaged memory,
// allocated once and reset per string, so finding allocates nothing.
//
// Overlaps: the scan in detectors/index.ts never produces them (a span claims its bytes and the
// scan resumes after it), but `add` keeps the list consistent for any caller: an overlapping
// span replaces the spans it overlaps only if it is longer than each of them (so at equal
// length the earlier one stays). When the list is full, a new span is merged into its
// neighbour instead (covering the bytes between them): over-redacting is the safe failure.

const SPAN_BYTES: usize = 12;

// Unmanaged (plain memory, no GC header): holding one costs the hot path no shadow-stack work.
@unmanaged
export class SpanList {
  private readonly base: usize;
  readonly capacity: i32;
  count: i32 = 0;
  /** Set when a span had to be merged into a neighbour because the list was full. */
  overflowed: bool = false;

  constructor(capacity: i32 = 1024) {
    this.capacity = capacity < 1 ? 1 : capacity;
    this.base = heap.alloc(<usize>this.capacity * SPAN_BYTES);
  }

  @inline reset(): void {
    this.count = 0;
    this.overflowed = false;
  }

  @inline start(i: i32): u32 {
    return load<u32>(this.at(i));
  }

  @inline end(i: i32): u32 {
    return load<u32>(this.at(i), 4);
  }

  @inline detector(i: i32): u32 {
    return load<u32>(this.at(i), 8);
  }

  /** End of the last span (0 when empty): nothing before it may start a new span. */
  @inline lastEnd(): u32 {
    return this.count == 0 ? 0 : this.end(this.count - 1);
  }

  add(start: u32, end: u32, detector: u32): void {
    if (end <= start) return;
    let count = this.count;
    // Fast path, the only one the scan uses: after every span so far.
    if (count == 0 || start >= this.end(count - 1)) {
      if (count < this.capacity) {
        this.set(count, start, end, detector);
        this.count = count + 1;
      } else {
        this.mergeInto(count - 1, start, end);
      }
      return;
    }
    // First span that ends after `start`, then those that overlap [start, end).
    let first = count;
    while (first > 0 && this.end(first - 1) > start) first--;
    let last = first;
    while (last < count && this.start(last) < end) {
      if (this.end(last) - this.start(last) >= end - start) return;
      last++;
    }
    const removed = last - first;
    if (removed == 0 && count == this.capacity) {
      this.mergeInto(first > 0 ? first - 1 : 0, start, end);
      return;
    }
    const tail = <usize>(count - last) * SPAN_BYTES;
    memory.copy(this.at(first + 1), this.at(last), tail);
    this.set(first, start, end, detector);
    this.count = count - removed + 1;
  }

  /** Frees the list (only for lists made per call, as in tests). */
  dispose(): void {
    heap.free(this.base);
    heap.free(changetype<usize>(this));
  }

  @inline private at(i: i32): usize {
    return this.base + <usize>i * SPAN_BYTES;
  }

  @inline private set(i: i32, start: u32, end: u32, detector: u32): void {
    const at = this.at(i);
    store<u32>(at, start);
    store<u32>(at, end, 4);
    store<u32>(at, detector, 8);
  }

  private mergeInto(i: i32, start: u32, end: u32): void {
    const at = this.at(i);
    if (start < load<u32>(at)) store<u32>(at, start);
    if (end > load<u32>(at, 4)) store<u32>(at, end, 4);
    this.overflowed = true;
  }
}
