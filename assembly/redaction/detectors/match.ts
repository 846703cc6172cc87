// Where the last successful detector put its span. Detectors return a bool and leave the
// bounds here, so the dispatch stays a chain of cheap calls with no multi-value returns.

export let matchStart: usize = 0;
export let matchEnd: usize = 0;

/** Records [start, end) as the match and returns true, for `return found(s, e)`. */
@inline export function found(start: usize, end: usize): bool {
  matchStart = start;
  matchEnd = end;
  return true;
}

/** End of the last span claimed in the string being scanned (0 before any): a floor for the
 * few backward reads that may cross escapes but never a claimed span (`"…" == password`). */
export let claimedEnd: usize = 0;

@inline export function setClaimedEnd(end: usize): void {
  claimedEnd = end;
}
