// When garbage is collected. The module is built with AssemblyScript's minimal runtime
// (asconfig.json): no shadow stack, write barriers or incremental steps in the per-record code
// (15% of its instructions with the incremental collector), and nothing is collected unless the
// module asks. It asks here, at the top of an exported call, where no managed reference lives on
// the stack (the minimal collector cannot see the stack): when memory grew by GROWTH_PAGES since
// the last collection (a record's buffers growing to its size is no reason), after a policy was put
// in force (requestCollection), after GARBAGE_EVENTS records that left garbage (noteGarbage: an
// error message for a malformed record), or every COLLECT_EVERY calls. Per-record work allocates
// nothing managed, so a collection (~0.4 ms: every policy object is marked) is rare.

const COLLECT_EVERY: u32 = 1 << 16;
const GROWTH_PAGES: i32 = 16; // 1 MiB

let pagesAtCollection: i32 = -GROWTH_PAGES; // the first call collects what start-up left
let callsSinceCollection: u32 = 0;
let requested = false;

/** Asks for a collection at the next exported call (a policy was replaced). */
export function requestCollection(): void {
  requested = true;
}

// Records whose handling leaves garbage (an error message for a malformed one): a collection
// after GARBAGE_EVENTS of them keeps a flood of such records to a few hundred KiB of garbage.
const GARBAGE_EVENTS: u32 = 1024;
let garbageEvents: u32 = 0;

/** A record left garbage behind it. */
export function noteGarbage(): void {
  if (++garbageEvents < GARBAGE_EVENTS) return;
  garbageEvents = 0;
  requested = true;
}

/** At the top of an exported call: collects when it is due. */
export function collectIfDue(): void {
  if (memory.size() < pagesAtCollection + GROWTH_PAGES && ++callsSinceCollection < COLLECT_EVERY && !requested) return;
  __collect();
  pagesAtCollection = memory.size();
  callsSinceCollection = 0;
  requested = false;
}
