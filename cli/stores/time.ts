// Times as stores give them back, turned into the decimal seconds the verifier checks against a seal's
// `t` at the precision they are written in (cli/outer-time.ts): ISO 8601 with any fraction and zone
// (Elasticsearch's `@timestamp`, S3's and out_http's `date`, Splunk's `_time`), Loki's nanosecond
// strings, epoch seconds as numbers.

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/;
const DECIMAL = /^\d{1,16}(\.\d{1,9})?$/; // seconds, or epoch milliseconds

/**
 * Decimal seconds (`<sec>[.<fraction as written>]`) for a time text, or null when it is none. A bare
 * number is read in `unit` when the store fixes it (Elasticsearch reads numbers as epoch
 * milliseconds, Splunk as seconds): the text then carries an exponent, which the comparison with the
 * seal (cli/outer-time.ts) reads in that unit only. Without it, seconds or milliseconds (the forms
 * Fluent Bit's outputs write in S3 objects and out_http bodies).
 */
export function decimalSeconds(text: string, unit?: "s" | "ms"): string | null {
  if (DECIMAL.test(text)) return unit === undefined ? text : `${text}e${unit === "ms" ? -3 : 0}`;
  const iso = ISO.exec(text.trim());
  if (!iso) return null;
  const [, y, mo, d, h, mi, s, fraction, zone] = iso;
  let seconds = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s) / 1000;
  if (!Number.isFinite(seconds)) return null;
  // Date.UTC rolls over (day 45, hour 25): a date no store writes is no time.
  if (new Date(seconds * 1000).toISOString().slice(0, 19) !== `${y}-${mo}-${d}T${h}:${mi}:${s}`) return null;
  if (zone && /^[+-]/.test(zone)) {
    const digits = zone.replace(":", "");
    const offset = (+digits.slice(1, 3) * 60 + +digits.slice(3, 5)) * 60;
    seconds -= digits[0] === "+" ? offset : -offset;
  }
  if (seconds < 0) return null;
  return fraction ? `${seconds}.${fraction}` : String(seconds);
}

/** Loki's timestamp: nanoseconds since the epoch, as a decimal string. */
export function nanosecondsToSeconds(text: string): string | null {
  if (!/^\d{10,19}$/.test(text)) return null;
  const padded = text.padStart(10, "0");
  return `${padded.slice(0, -9) || "0"}.${padded.slice(-9)}`;
}
