// The rule pattern language (cold path: built-in pack at start-up, user rules at policy load).
// A pattern is a sequence of literals and character classes with bounded repetition, e.g.
//   ghp_[A-Za-z0-9]{36,251}        (AKIA|ASIA)[A-Z0-9]{16}        [0-9]{8,10}:AA[A-Za-z0-9_-]{33}
// Grammar (docs/policy.md):
//   pattern  := [ "(" literal ("|" literal)* ")" ] item+
//   item     := (char | "\" char | class) [ "{" m [ "," n ] "}" ]
//   class    := "[" ( char | char "-" char | "\" char )+ "]"  |  "\d"  |  "\w"  |  "\h" (hex)  |  "\s" (space, tab)
// No alternation elsewhere, no `*`, `+`, `?`, no unbounded repetition (n <= 4096), no groups.
// It compiles to segments matched left to right, each read greedily and never revisited:
// linear time, no backtracking. That is exact because of one rule checked here: a segment of
// variable length (m < n) may not be followed by a segment whose first character it could also
// read (`[a-z]{2,8}[a-f]` is refused, `[a-z]{2,8}-[a-f]` is fine); a fixed-length segment
// simply stops at its length.
//
// The anchor: a rule is found from literal text. A pattern that starts with a literal (or a
// group of literal alternatives) is anchored on it at a word start; otherwise its first
// literal that begins with a non-alphanumeric byte is the anchor (`.atlasv1.`, `Q~`, `:AA`)
// and the segments before it are read backward from there. A pattern with neither whose last
// item is a literal of 4+ letters and digits (`[a-f0-9]{32}FFFFNRAL`: a mark at the end) is
// anchored on that literal where a word ends, the segments before it read backward as well.

export const MAX_REPEAT: i32 = 4096;

export class Seg {
  /** 32-byte bitmap of the class (null for a literal). */
  bitmap: Uint8Array | null = null;
  literal: string = "";
  min: i32 = 1;
  max: i32 = 1;
}

export class Pattern {
  /** Anchor literals (several for `(a|b)...`); empty with an error. */
  anchors: string[] = [];
  /** Segments before the anchor (infix rules), in pattern order. */
  pre: Seg[] = [];
  /** Segments after the anchor. */
  post: Seg[] = [];
  /** Anchored at a word start (a leading literal) rather than inside text. */
  atWordStart: bool = true;
  /** Anchored where a word ends (a trailing literal of letters and digits). */
  atWordEnd: bool = false;
  error: string = "";
}

function isAlnum(c: i32): bool {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function setBit(bm: Uint8Array, c: i32): void {
  bm[c >> 3] |= <u8>(1 << <u8>(c & 7));
}

export function hasBit(bm: Uint8Array, c: i32): bool {
  return (bm[c >> 3] & (1 << (c & 7))) != 0;
}

function rangeInto(bm: Uint8Array, from: i32, to: i32): void {
  for (let c = from; c <= to; c++) setBit(bm, c);
}

/** Parses `text`; the result has `error` set (and no anchors) when it is not a valid pattern. */
export function parsePattern(text: string, bodyOnly: bool = false): Pattern {
  const out = new Pattern();
  const segs = new Array<Seg>();
  let i = 0;
  const n = text.length;
  if (!bodyOnly && n > 0 && text.charCodeAt(0) == 0x28) {
    // (lit|lit|...)
    let cur = "";
    i = 1;
    let closed = false;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c == 0x29) { closed = true; i++; break; }
      if (c == 0x7c) { out.anchors.push(cur); cur = ""; i++; continue; }
      if (c == 0x5c && i + 1 < n) { cur += text.charAt(i + 1); i += 2; continue; }
      if (c == 0x28 || c == 0x5b || c == 0x7b) return fail(out, "only literals may be alternatives in the leading group, at character " + (i + 1).toString());
      cur += text.charAt(i);
      i++;
    }
    out.anchors.push(cur);
    if (!closed) return fail(out, "the leading group is not closed");
    for (let k = 0; k < out.anchors.length; k++) {
      if (out.anchors[k].length < 2) return fail(out, "each alternative of the leading group needs at least 2 characters");
    }
  }
  while (i < n) {
    const c = text.charCodeAt(i);
    let seg = new Seg();
    if (c == 0x5b) {
      const bm = new Uint8Array(32);
      i++;
      let first = true;
      while (i < n && (text.charCodeAt(i) != 0x5d || first)) {
        first = false;
        let a = text.charCodeAt(i);
        if (a == 0x5c && i + 1 < n) {
          const e = text.charCodeAt(i + 1);
          i += 2;
          if (!escapeClass(bm, e)) setBit(bm, e);
          continue;
        }
        if (a >= 0x80) return fail(out, "only ASCII characters are allowed, at character " + (i + 1).toString());
        if (i + 2 < n && text.charCodeAt(i + 1) == 0x2d && text.charCodeAt(i + 2) != 0x5d) {
          const b = text.charCodeAt(i + 2);
          if (b < a || b >= 0x80) return fail(out, "bad range in a class, at character " + (i + 1).toString());
          rangeInto(bm, a, b);
          i += 3;
        } else {
          setBit(bm, a);
          i++;
        }
      }
      if (i >= n) return fail(out, "a class is not closed with ]");
      i++;
      seg.bitmap = bm;
    } else if (c == 0x5c) {
      if (i + 1 >= n) return fail(out, "the pattern ends with a lone \\");
      const e = text.charCodeAt(i + 1);
      const bm = new Uint8Array(32);
      if (escapeClass(bm, e)) seg.bitmap = bm;
      else seg.literal = text.charAt(i + 1);
      i += 2;
    } else if (c == 0x28 || c == 0x29 || c == 0x7c || c == 0x2a || c == 0x2b || c == 0x3f || c == 0x7b || c == 0x7d || c == 0x5d) {
      return fail(out, "unsupported syntax '" + text.charAt(i) + "' at character " + (i + 1).toString() + " (classes, literals and {m,n} only)");
    } else {
      if (c >= 0x80 || c < 0x20) return fail(out, "only printable ASCII is allowed, at character " + (i + 1).toString());
      seg.literal = text.charAt(i);
      i++;
    }
    // Quantifier
    if (i < n && text.charCodeAt(i) == 0x7b) {
      const close = text.indexOf("}", i);
      if (close < 0) return fail(out, "a {m,n} is not closed");
      const body = text.substring(i + 1, close);
      const comma = body.indexOf(",");
      const m = parseCount(comma < 0 ? body : body.substring(0, comma));
      const x = comma < 0 ? m : parseCount(body.substring(comma + 1));
      if (m < 0 || x < 0) return fail(out, "{" + body + "} needs whole numbers, and an upper bound (at most " + MAX_REPEAT.toString() + ")");
      if (x < m || x > MAX_REPEAT || x == 0) return fail(out, "{" + body + "}: need m <= n, 1 <= n <= " + MAX_REPEAT.toString());
      i = close + 1;
      if (seg.bitmap == null) {
        if (m != x) return fail(out, "a literal may only repeat a fixed number of times");
        let lit = "";
        for (let k = 0; k < m; k++) lit += seg.literal;
        seg.literal = lit;
      } else {
        seg.min = m;
        seg.max = x;
      }
    }
    // Adjacent literals merge.
    if (seg.bitmap == null && segs.length > 0 && segs[segs.length - 1].bitmap == null) {
      segs[segs.length - 1].literal += seg.literal;
    } else {
      segs.push(seg);
    }
  }
  return layout(out, segs, bodyOnly);
}

function parseCount(s: string): i32 {
  if (s.length == 0 || s.length > 5) return -1;
  let v = 0;
  for (let k = 0; k < s.length; k++) {
    const d = s.charCodeAt(k) - 0x30;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** `\d`, `\w`, `\h`: adds the class; false for any other escaped character (a literal). */
function escapeClass(bm: Uint8Array, e: i32): bool {
  if (e == 0x64) { rangeInto(bm, 0x30, 0x39); return true; }
  if (e == 0x77) { rangeInto(bm, 0x30, 0x39); rangeInto(bm, 0x41, 0x5a); rangeInto(bm, 0x61, 0x7a); setBit(bm, 0x5f); return true; }
  if (e == 0x68) { rangeInto(bm, 0x30, 0x39); rangeInto(bm, 0x61, 0x66); return true; }
  if (e == 0x73) { setBit(bm, 0x20); setBit(bm, 0x09); return true; }
  return false;
}

function fail(out: Pattern, message: string): Pattern {
  out.anchors = [];
  out.error = message;
  return out;
}

/** First characters segment `s` can start with, as a bitmap. */
function firstSet(s: Seg): Uint8Array {
  if (s.bitmap != null) return s.bitmap!;
  const bm = new Uint8Array(32);
  setBit(bm, s.literal.charCodeAt(0));
  return bm;
}

function overlaps(a: Uint8Array, b: Uint8Array): bool {
  for (let k = 0; k < 32; k++) if ((a[k] & b[k]) != 0) return true;
  return false;
}

function checkDeterministic(out: Pattern, segs: Seg[], from: i32, backward: bool): bool {
  for (let k = 0; k < segs.length; k++) {
    const s = segs[k];
    if (s.bitmap == null) continue;
    if (k + 1 < segs.length && s.min == 0) { fail(out, "only the last segment may repeat zero times"); return false; }
    if (s.min == s.max) continue;
    const nextIndex = backward ? k - 1 : k + 1;
    if (nextIndex < 0 || nextIndex >= segs.length) continue;
    const next = segs[nextIndex];
    const nextSet = backward && next.bitmap == null ? lastSet(next) : firstSet(next);
    if (overlaps(s.bitmap!, nextSet)) {
      fail(out, "segment " + (from + k + 1).toString() + " repeats a variable number of times and could also read what segment " +
        (from + nextIndex + 1).toString() + " starts with: ambiguous (it would need backtracking); make one of them fixed-length or their characters disjoint");
      return false;
    }
  }
  return true;
}

function lastSet(s: Seg): Uint8Array {
  const bm = new Uint8Array(32);
  setBit(bm, s.literal.charCodeAt(s.literal.length - 1));
  return bm;
}

function layout(out: Pattern, segs: Seg[], bodyOnly: bool): Pattern {
  if (bodyOnly) {
    if (segs.length == 0) return fail(out, "the pattern is empty");
    if (!checkDeterministic(out, segs, 0, false)) return out;
    out.post = segs;
    return out;
  }
  if (out.anchors.length > 0) {
    for (let k = 0; k < out.anchors.length; k++) {
      if (!isAlnum(out.anchors[k].charCodeAt(0))) return fail(out, "alternatives of the leading group must start with a letter or digit");
    }
    if (segs.length == 0) return fail(out, "the leading group needs a body after it");
    if (!checkDeterministic(out, segs, 1, false)) return out;
    out.post = segs;
    return out;
  }
  if (segs.length == 0) return fail(out, "the pattern is empty");
  // Anchored at a word start on a leading literal.
  if (segs[0].bitmap == null && isAlnum(segs[0].literal.charCodeAt(0))) {
    const lit = segs[0].literal;
    let cut = lit.length;
    if (lit.length < 2) return fail(out, "a leading literal needs at least 2 characters (it is the rule's anchor)");
    out.anchors.push(lit.substring(0, cut));
    out.post = segs.slice(1);
    if (out.post.length == 0) return fail(out, "the pattern needs a body after its literal anchor");
    if (!checkDeterministic(out, out.post, 1, false)) return out;
    return out;
  }
  // Anchored inside text on the first literal that has a non-alphanumeric byte.
  for (let k = 0; k < segs.length; k++) {
    const s = segs[k];
    if (s.bitmap != null) continue;
    const lit = s.literal;
    let at = -1;
    for (let c = 0; c < lit.length; c++) if (!isAlnum(lit.charCodeAt(c))) { at = c; break; }
    if (at < 0) continue;
    const pre = segs.slice(0, k);
    if (at > 0) {
      const head = new Seg();
      head.literal = lit.substring(0, at);
      pre.push(head);
    }
    const anchor = lit.substring(at);
    for (let q = 1; q < pre.length; q++) {
      if (pre[q].bitmap != null && pre[q].min != pre[q].max) return fail(out, "before the anchor '" + anchor + "' only the first segment may vary in length");
    }
    if (pre.length > 0 && pre[0].bitmap != null && pre[0].min == 0) return fail(out, "the first segment may not repeat zero times");
    if (!checkDeterministic(out, pre, 0, true)) return out;
    const post = segs.slice(k + 1);
    if (!checkDeterministic(out, post, k + 1, false)) return out;
    out.anchors.push(anchor);
    out.pre = pre;
    out.post = post;
    out.atWordStart = false;
    if (pre.length == 0 && post.length == 0) return fail(out, "the pattern is only a literal");
    return out;
  }
  // Anchored where a word ends on a trailing literal of letters and digits.
  const last = segs[segs.length - 1];
  if (segs.length >= 2 && last.bitmap == null && last.literal.length >= 4) {
    const pre = segs.slice(0, segs.length - 1);
    for (let q = 1; q < pre.length; q++) {
      if (pre[q].bitmap != null && pre[q].min != pre[q].max) return fail(out, "before the closing literal '" + last.literal + "' only the first segment may vary in length");
    }
    if (pre[0].bitmap != null && pre[0].min == 0) return fail(out, "the first segment may not repeat zero times");
    if (!checkDeterministic(out, pre, 0, true)) return out;
    out.anchors.push(last.literal);
    out.pre = pre;
    out.atWordStart = false;
    out.atWordEnd = true;
    return out;
  }
  return fail(out, "the pattern needs a literal anchor: start with at least 2 literal characters, contain a literal with punctuation (e.g. '.', ':', '~'), or end with a literal of 4+ letters and digits");
}
