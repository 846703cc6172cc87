// The level a record declares, found in a level field or at the start of its message, and
// mapped to OpenTelemetry's six severity ranges. Everything works on the raw JSON token bytes
// (escapes and all): no strings, no decoding, no allocation.
import { equalsLowercase } from "../ascii";
import { Token } from "../json/reader";

/** Ordered, so `level < minimum` is the gating test; Unknown (0) means no level was found. */
export const enum Level { Unknown = 0, Trace = 1, Debug = 2, Info = 3, Warn = 4, Error = 5, Fatal = 6 }

export const LEVEL_NAMES: string[] = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];

/** OpenTelemetry SeverityNumber: the first number of the level's range (TRACE 1 ... FATAL 21). */
@inline export function severityNumber(level: Level): u32 {
  return ((<u32>level - 1) << 2) + 1;
}

// Names as logging libraries write them, matched case-insensitively as a whole word. Syslog's
// critical and alert are ERROR and emergency is FATAL, as in the OpenTelemetry data model's
// mapping table; java.util.logging's FINE/FINER are DEBUG and FINEST is TRACE.
const NAMES: string[] = [
  "trace", "finest",
  "debug", "dbg", "fine", "finer",
  "info", "information", "informational", "notice",
  "warn", "warning",
  "error", "err", "eror", "severe", "crit", "critical", "alert", "dpanic",
  "fatal", "emerg", "emergency", "panic",
];
const NAME_LEVELS: Level[] = [
  Level.Trace, Level.Trace,
  Level.Debug, Level.Debug, Level.Debug, Level.Debug,
  Level.Info, Level.Info, Level.Info, Level.Info,
  Level.Warn, Level.Warn,
  Level.Error, Level.Error, Level.Error, Level.Error, Level.Error, Level.Error, Level.Error, Level.Error,
  Level.Fatal, Level.Fatal, Level.Fatal, Level.Fatal,
];
const NAME_BYTES: ArrayBuffer[] = NAMES.map<ArrayBuffer>((name: string) => String.UTF8.encode(name));
const LONGEST_NAME: usize = 13;

/** The level named by the bytes [p, end), ASCII case ignored; single letters only if `letters`. */
export function levelOfWord(p: usize, end: usize, letters: bool): Level {
  const len = end - p;
  if (len == 1) return letters ? levelOfLetter(load<u8>(p) & 0xDF) : Level.Unknown;
  if (len == 0 || len > LONGEST_NAME) return Level.Unknown;
  for (let i = 0, n = NAME_BYTES.length; i < n; i++) {
    const name = unchecked(NAME_BYTES[i]);
    if (<usize>name.byteLength == len && equalsLowercase(p, changetype<usize>(name), len)) return unchecked(NAME_LEVELS[i]);
  }
  return Level.Unknown;
}

/** T D I W E F (upper case): a one-letter level field, or klog's line prefix. */
function levelOfLetter(c: u8): Level {
  switch (c) {
    case 0x54: return Level.Trace;
    case 0x44: return Level.Debug;
    case 0x49: return Level.Info;
    case 0x57: return Level.Warn;
    case 0x45: return Level.Error;
    case 0x46: return Level.Fatal;
    default: return Level.Unknown;
  }
}

/**
 * The level held by a level field's value token [start, end): a name ("warn", "WARNING",
 * "Err"), a syslog severity 0-7, or a pino/bunyan level 10-60.
 */
export function levelOfValue(token: Token, start: usize, end: usize): Level {
  if (token == Token.String) return levelOfWord(start + 1, end - 1, true);
  if (token == Token.Number) return levelOfNumber(start, end);
  return Level.Unknown;
}

// Syslog severity codes (RFC 5424): 0 emergency, 1 alert, 2 critical, 3 error, 4 warning,
// 5 notice, 6 informational, 7 debug (as Level values).
const SYSLOG_LEVELS = memory.data<u8>([6, 5, 5, 5, 4, 3, 3, 2]);

function levelOfNumber(start: usize, end: usize): Level {
  const len = end - start;
  if (len == 1) {
    const digit = <u32>load<u8>(start) - 0x30;
    return digit < 8 ? <Level>load<u8>(SYSLOG_LEVELS + digit) : Level.Unknown;
  }
  // pino and bunyan: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal.
  if (len == 2 && load<u8>(start + 1) == 0x30) {
    const tens = <u32>load<u8>(start) - 0x30;
    if (tens >= 1 && tens <= 6) return <Level>tens;
  }
  return Level.Unknown;
}

/** How far into a message the level may be: it is a prefix, not a word anywhere in the text. */
const TEXT_WINDOW: usize = 256;
/** Leading words (timestamps, thread names) looked at before giving up. */
const MAX_WORDS = 4;

/**
 * The level announced at the start of raw string content [p, end) (the JSON-escaped bytes
 * between the quotes): klog's `E1123 08:00:03.5 ...`, JSON text `{"level":"warn",...}`,
 * logfmt `level=info`, or a leading word such as `ERROR`, `[warn]`, `<Info>`, `WARNING:`.
 */
export function levelOfText(p: usize, end: usize): Level {
  if (end - p > TEXT_WINDOW) end = p + TEXT_WINDOW;
  p = skipSpaces(p, end);
  if (p >= end) return Level.Unknown;
  const first = load<u8>(p);
  if (first == 0x7B) return levelOfEmbeddedJson(p, end);
  const klog = levelOfKlogPrefix(p, end);
  if (klog != Level.Unknown) return klog;
  const word = levelOfLeadingWords(p, end);
  return word != Level.Unknown ? word : levelOfLogfmt(p, end);
}

/** klog: one of I W E F, the date as MMDD, a space, then hh: (e.g. `I1123 08:00:03.500000`). */
function levelOfKlogPrefix(p: usize, end: usize): Level {
  if (p + 9 > end) return Level.Unknown;
  const level = levelOfLetter(load<u8>(p));
  if (level < Level.Info) return Level.Unknown;
  for (let i: usize = 1; i <= 4; i++) if (!isDigit(load<u8>(p + i))) return Level.Unknown;
  return load<u8>(p + 5) == 0x20 && isDigit(load<u8>(p + 6)) && isDigit(load<u8>(p + 7)) && load<u8>(p + 8) == 0x3A
    ? level
    : Level.Unknown;
}

/**
 * The first few words, each cut at a colon and stripped of brackets `[] <> ()`. A bracketed
 * word may be in any case (`[warn]`); a bare one must be upper case (`ERROR`), so that an
 * ordinary sentence ("Error rates are fine") is not taken for a level.
 */
function levelOfLeadingWords(p: usize, end: usize): Level {
  for (let words = 0; words < MAX_WORDS && p < end; words++) {
    let wordEnd = p;
    while (wordEnd < end && blankLength(wordEnd, end) == 0) wordEnd++;
    let from = p;
    let to = p;
    while (to < wordEnd && load<u8>(to) != 0x3A) to++; // `WARNING:` and Python's `WARNING:root:message`
    const bracketed = to - from >= 2 && isOpening(load<u8>(from)) && isClosing(load<u8>(to - 1));
    if (bracketed) {
      from++;
      to--;
    }
    if (bracketed || isUpperWord(from, to)) {
      const level = levelOfWord(from, to, false);
      if (level != Level.Unknown) return level;
    }
    p = skipSpaces(wordEnd, end);
  }
  return Level.Unknown;
}

// Keys that carry the level in logfmt and in JSON text.
const TEXT_KEYS: ArrayBuffer[] = ["level", "lvl", "severity", "loglevel", "log_level", "levelname"]
  .map<ArrayBuffer>((key: string) => String.UTF8.encode(key));

/** logfmt: `level=info`, `lvl=WARN`, `severity="error"` at the start of a word. */
function levelOfLogfmt(p: usize, end: usize): Level {
  for (let at = p; at < end; at++) {
    if (load<u8>(at) != 0x3D || at == p) continue; // =
    let keyStart = at;
    while (keyStart > p && isWordByte(load<u8>(keyStart - 1))) keyStart--;
    if (keyStart > p && !endsBlank(p, keyStart)) continue; // part of a longer token, e.g. `xlevel=`
    if (!isTextKey(keyStart, at)) continue;
    let from = at + 1;
    if (from + 2 <= end && load<u16>(from) == 0x225C) from += 2; // \" around a quoted value
    let to = from;
    while (to < end && isWordByte(load<u8>(to))) to++;
    const level = levelOfWord(from, to, false);
    if (level != Level.Unknown) return level;
  }
  return Level.Unknown;
}

/** JSON inside the string, so quotes arrive escaped: `{\"level\":\"warn\"` or `{\"level\":40`. */
function levelOfEmbeddedJson(p: usize, end: usize): Level {
  for (let at = p; at + 2 <= end; at++) {
    if (load<u16>(at) != 0x225C) continue; // \"
    const keyStart = at + 2;
    let keyEnd = keyStart;
    while (keyEnd < end && isWordByte(load<u8>(keyEnd))) keyEnd++;
    if (keyEnd + 2 > end || load<u16>(keyEnd) != 0x225C || !isTextKey(keyStart, keyEnd)) continue;
    let q = skipSpaces(keyEnd + 2, end);
    if (q >= end || load<u8>(q) != 0x3A) continue;
    q = skipSpaces(q + 1, end);
    if (q + 2 <= end && load<u16>(q) == 0x225C) {
      let to = q + 2;
      while (to < end && isWordByte(load<u8>(to))) to++;
      return levelOfWord(q + 2, to, true);
    }
    let to = q;
    while (to < end && isDigit(load<u8>(to))) to++;
    return to > q ? levelOfNumber(q, to) : Level.Unknown;
  }
  return Level.Unknown;
}

function isTextKey(p: usize, end: usize): bool {
  const len = end - p;
  for (let i = 0, n = TEXT_KEYS.length; i < n; i++) {
    const key = unchecked(TEXT_KEYS[i]);
    if (<usize>key.byteLength == len && equalsLowercase(p, changetype<usize>(key), len)) return true;
  }
  return false;
}

function isUpperWord(p: usize, end: usize): bool {
  if (p >= end) return false;
  for (let at = p; at < end; at++) if (<u32>load<u8>(at) - 0x41 >= 26) return false;
  return true;
}

/** Skips blanks: spaces and the escaped `\t`, `\n`, `\r` of raw string content. */
function skipSpaces(p: usize, end: usize): usize {
  for (let n = blankLength(p, end); n != 0; n = blankLength(p, end)) p += n;
  return p;
}

/** Length of the blank at `p` (1 for a space, 2 for an escaped tab or line break), else 0. */
function blankLength(p: usize, end: usize): usize {
  if (p >= end) return 0;
  const c = load<u8>(p);
  if (c == 0x20) return 1;
  return c == 0x5C && p + 1 < end && isEscapedBlank(load<u8>(p + 1)) ? 2 : 0;
}

/** Whether the raw content [start, at) ends with a blank. */
function endsBlank(start: usize, at: usize): bool {
  const c = load<u8>(at - 1);
  return c == 0x20 || (at - start >= 2 && load<u8>(at - 2) == 0x5C && isEscapedBlank(c));
}

@inline function isEscapedBlank(c: u8): bool {
  return c == 0x74 || c == 0x6E || c == 0x72; // t n r
}

@inline function isDigit(c: u8): bool {
  return <u32>c - 0x30 < 10;
}

@inline function isWordByte(c: u8): bool {
  return <u32>(c | 0x20) - 0x61 < 26 || <u32>c - 0x30 < 10 || c == 0x5F;
}

@inline function isOpening(c: u8): bool {
  return c == 0x5B || c == 0x3C || c == 0x28; // [ < (
}

@inline function isClosing(c: u8): bool {
  return c == 0x5D || c == 0x3E || c == 0x29; // ] > )
}
