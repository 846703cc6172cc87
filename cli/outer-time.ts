// Whether a time written outside the record (out_file's `tag: [time, record]`, a `[time, record]`
// line, out_stdout's json_date_key member) is the seal's `t`, at the precision it is written in:
// Fluent Bit prints it as seconds with 9 or fewer decimals, %.16g, epoch seconds or milliseconds,
// ISO 8601 or java_sql_timestamp (microseconds), so one unit of its last digit is the tolerance.

const NS = 1_000_000_000n;
const DATE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z?$/;
const DECIMAL = /^(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** The seal's time "<sec>.<9 digits>" in nanoseconds. */
export function sealNanos(t: string): bigint {
  const dot = t.indexOf(".");
  return BigInt(t.slice(0, dot)) * NS + BigInt(t.slice(dot + 1));
}

/** `[value in ns, one unit of its last digit in ns]`, or null for text that is no time. */
function readTime(text: string, milliseconds: boolean): [bigint, bigint] | null {
  const date = DATE.exec(text);
  if (date) {
    const [, y, mo, d, h, mi, s, fraction = ""] = date;
    const seconds = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) / 1000;
    if (!Number.isFinite(seconds)) return null;
    return [BigInt(seconds) * NS + BigInt(fraction.padEnd(9, "0")), 10n ** BigInt(9 - fraction.length)];
  }
  const number = DECIMAL.exec(text);
  if (!number) return null;
  const [, whole, fraction = "", exponentText = "0"] = number;
  const exponent = Number(exponentText);
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 30) return null;
  // digits * 10^(exponent - fraction.length) seconds (or milliseconds), as an exact count of ns.
  let scale = exponent - fraction.length + (milliseconds ? 6 : 9);
  const digits = BigInt(whole + fraction);
  // The tolerance is one unit of the last digit, but never more than a second: "2e9" is no time of Fluent Bit's.
  if (scale >= 0) return [digits * 10n ** BigInt(scale), 10n ** BigInt(Math.min(scale, 9))];
  scale = -scale;
  return [digits / 10n ** BigInt(scale), 1n];
}

/** Whether `text` (a JSON number's text or a string's content) names the time `t`. */
export function sameTime(text: string, t: string): boolean {
  const sealed = sealNanos(t);
  for (const milliseconds of [false, true]) {
    if (milliseconds && !/^\d+$/.test(text)) break;
    const read = readTime(text, milliseconds);
    if (!read) return false;
    const [value, unit] = read;
    const difference = value > sealed ? value - sealed : sealed - value;
    if (difference < unit) return true;
  }
  return false;
}
