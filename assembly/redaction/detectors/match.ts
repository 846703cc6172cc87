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
