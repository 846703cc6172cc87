// RFC 3339 timestamps in the policy (cold path), e.g. an override's "until".

export const INVALID_TIME: i64 = i64.MIN_VALUE;

/** Seconds since the epoch of `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)`, or INVALID_TIME. */
export function parseRfc3339(text: string): i64 {
  if (text.length < 20) return INVALID_TIME;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const t = text.charAt(10);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 60
    || hour < 0 || minute < 0 || second < 0 || text.charAt(4) != "-" || text.charAt(7) != "-"
    || (t != "T" && t != "t") || text.charAt(13) != ":" || text.charAt(16) != ":") {
    return INVALID_TIME;
  }
  let at = 19;
  if (text.charAt(at) == ".") {
    at++;
    const start = at;
    while (at < text.length && isDigit(text.charCodeAt(at))) at++;
    if (at == start) return INVALID_TIME;
  }
  let offset: i64 = 0;
  const zone = text.charAt(at);
  if (zone == "Z" || zone == "z") {
    at++;
  } else if ((zone == "+" || zone == "-") && at + 6 == text.length && text.charAt(at + 3) == ":") {
    const h = digits(text, at + 1, 2);
    const m = digits(text, at + 4, 2);
    if (h < 0 || h > 23 || m < 0 || m > 59) return INVALID_TIME;
    offset = <i64>(h * 3600 + m * 60) * (zone == "+" ? 1 : -1);
    at += 6;
  } else {
    return INVALID_TIME;
  }
  if (at != text.length) return INVALID_TIME;
  return daysFromCivil(year, month, day) * 86400 + <i64>(hour * 3600 + minute * 60 + second) - offset;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (http://howardhinnant.github.io/date_algorithms.html). */
function daysFromCivil(year: i32, month: i32, day: i32): i64 {
  const y = <i64>(month <= 2 ? year - 1 : year);
  const era = (y >= 0 ? y : y - 399) / 400;
  const yoe = y - era * 400;
  const doy = <i64>((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1);
  const doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(year: i32, month: i32): i32 {
  if (month == 2) return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28;
  return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
}

/** The decimal number of `count` digits at `at`, or -1. */
function digits(text: string, at: i32, count: i32): i32 {
  let value = 0;
  for (let i = 0; i < count; i++) {
    const c = text.charCodeAt(at + i);
    if (!isDigit(c)) return -1;
    value = value * 10 + (c - 0x30);
  }
  return value;
}

@inline function isDigit(c: i32): bool {
  return <u32>(c - 0x30) < 10;
}
