// JSON text of policy values, made once at start-up so records only get copies of bytes.

/** A string as JSON text, with its quotes. */
export function jsonText(text: string): string {
  let out = "\"";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c == 0x22 || c == 0x5C) out += "\\" + String.fromCharCode(c);
    else if (c < 0x20) out += "\\u00" + (c < 0x10 ? "0" : "") + c.toString(16);
    else out += String.fromCharCode(c);
  }
  return out + "\"";
}

/** UTF-8 of a string's JSON text. */
export function jsonString(text: string): ArrayBuffer {
  return String.UTF8.encode(jsonText(text));
}

/** A number as JSON text: whole numbers without the ".0" of f64.toString. */
export function numberText(n: f64): string {
  return n == Math.floor(n) && Math.abs(n) < 9007199254740992 ? (<i64>n).toString() : n.toString();
}
