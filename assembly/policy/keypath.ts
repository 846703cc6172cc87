// The keys leading to the current member while walking a record: spans into the record
// (content without quotes), one per object depth. Arrays do not add a level.
import { MAX_DEPTH } from "../json/reader";

export class KeyPath {
  depth: i32 = 0;
  private readonly spans: usize = heap.alloc(<usize>(MAX_DEPTH + 1) << 3);

  @inline set(depth: i32, ptr: usize, len: usize): void {
    this.depth = depth;
    const at = this.spans + (<usize>depth << 3);
    store<u32>(at, <u32>ptr);
    store<u32>(at, <u32>len, 4);
  }

  @inline keyPtr(depth: i32): usize {
    return <usize>load<u32>(this.spans + (<usize>depth << 3));
  }

  @inline keyLen(depth: i32): usize {
    return <usize>load<u32>(this.spans + (<usize>depth << 3), 4);
  }
}
