// The canonical form the seal covers (assembly/sealing/canonical.ts and number/), through the
// testkit: RFC 8785's published examples, numbers against V8 (Number() and Number::toString are
// exact there) on hundreds of thousands of doubles and number texts, the 16-digit step Fluent Bit
// needs, equivalent spellings, and agreement with the verifier's independent implementation.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { canonicalJson, canonicalNumber, roundTo16Digits } from "../cli/canonical.js";
import { POW10_MAX, POW10_MIN, pow10Mantissa } from "../scripts/pow10-table.js";
import { randomObject, rng, toJson } from "./support/random.js";
import { loadTestkit } from "./support/testkit.js";

const tk = loadTestkit();
const x = tk.exports;
const decoder = new TextDecoder();

function withInput<T>(text: string | Uint8Array, fn: (ptr: number, len: number) => T): T {
  const { ptr, len } = tk.put(text);
  try {
    return fn(ptr, len);
  } finally {
    tk.memory.free(ptr);
  }
}

/**
 * The module's canonical form of a JSON text (null if it rejects it); `fluentStable` false: plain
 * JCS. Every valid text is also put through the sealer's unvalidating tokeniser (records logseal
 * wrote itself), which must give the same bytes.
 */
function moduleCanonical(text: string, fluentStable = true): string | null {
  return withInput(text, (ptr, len) => {
    const n = x.canonical_json(ptr, len, fluentStable, 0);
    if (n < 0) return null;
    const checked = decoder.decode(tk.read(x.canonical_text(), n));
    const trusted = x.canonical_json(ptr, len, fluentStable, 1);
    expect(trusted < 0 ? null : decoder.decode(tk.read(x.canonical_text(), trusted)), `trusted tokeniser on ${text.slice(0, 200)}`).toBe(checked);
    return checked;
  });
}

const moduleNumber = (text: string, fluentStable = true): string =>
  withInput(text, (ptr, len) => decoder.decode(tk.read(x.sealing_output(), x.canonical_number(ptr, len, fluentStable))));
const moduleParse = (text: string): number => withInput(text, (ptr, len) => x.number_parse(ptr, len));
const moduleToString = (v: number): string => decoder.decode(tk.read(x.sealing_output(), x.number_to_string(v)));

const view = new DataView(new ArrayBuffer(8));
function fromBits(hex: string): number {
  view.setBigUint64(0, BigInt("0x" + hex));
  return view.getFloat64(0);
}
function randomDouble(next: () => number): number {
  view.setUint32(0, Math.floor(next() * 2 ** 32));
  view.setUint32(4, Math.floor(next() * 2 ** 32));
  return view.getFloat64(0);
}

describe("RFC 8785 examples", () => {
  it("canonicalises the sample of section 3.2.2 / 3.2.4", () => {
    const input = `{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\"\\/",
      "literals": [null, true, false]
    }`;
    const expected = `{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA'B\\"\\\\\\\\\\"/"}`;
    expect(moduleCanonical(input, false)).toBe(expected);
    expect(moduleCanonical(input)).toBe(expected); // no 17-digit number in it
    expect(canonicalJson(input, false)).toBe(expected);
  });

  it("sorts members by UTF-16 code units (section 3.2.3)", () => {
    const input = `{
      "\\u20ac": "Euro Sign", "\\r": "Carriage Return", "\\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One", "\\ud83d\\ude00": "Emoji: Grinning Face", "\\u0080": "Control",
      "\\u00f6": "Latin Small Letter O With Diaeresis"
    }`;
    const keys = ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\ud83d\ude00", "\ufb33"];
    const order = (json: string) => [...json.matchAll(/"((?:[^"\\]|\\.)*)":/g)].map((m) => JSON.parse(`"${m[1]}"`));
    expect(order(moduleCanonical(input)!)).toEqual(keys);
    // The same with the keys raw (UTF-8 bytes: U+1F600 sorts after U+FB33 by bytes, before it in UTF-16).
    const raw = JSON.stringify(Object.fromEntries([...keys].reverse().map((k) => [k, 1])));
    expect(order(moduleCanonical(raw)!)).toEqual(keys);
  });

  // Appendix B: IEEE 754 doubles and their text.
  const APPENDIX_B: [string, string][] = [
    ["0000000000000000", "0"],
    ["8000000000000000", "0"],
    ["0000000000000001", "5e-324"],
    ["8000000000000001", "-5e-324"],
    ["7fefffffffffffff", "1.7976931348623157e+308"],
    ["ffefffffffffffff", "-1.7976931348623157e+308"],
    ["4340000000000000", "9007199254740992"],
    ["c340000000000000", "-9007199254740992"],
    ["4430000000000000", "295147905179352830000"],
    ["44b52d02c7e14af5", "9.999999999999997e+22"],
    ["44b52d02c7e14af6", "1e+23"],
    ["44b52d02c7e14af7", "1.0000000000000001e+23"],
    ["444b1ae4d6e2ef4e", "999999999999999700000"],
    ["444b1ae4d6e2ef4f", "999999999999999900000"],
    ["444b1ae4d6e2ef50", "1e+21"],
    ["3eb0c6f7a0b5ed8c", "9.999999999999997e-7"],
    ["3eb0c6f7a0b5ed8d", "0.000001"],
    ["41b3de4355555553", "333333333.3333332"],
    ["41b3de4355555554", "333333333.33333325"],
    ["41b3de4355555555", "333333333.3333333"],
    ["41b3de4355555556", "333333333.3333334"],
    ["41b3de4355555557", "333333333.33333343"],
    ["becbf647612f3696", "-0.0000033333333333333333"],
    ["43143ff3c1cb0959", "1424953923781206.2"],
  ];

  it.each(APPENDIX_B)("serialises %s as %s", (bits, text) => {
    const value = fromBits(bits);
    expect(moduleToString(value)).toBe(text);
    expect(moduleNumber(text, false)).toBe(text);
    expect(moduleNumber(value.toExponential(20), false)).toBe(text); // another spelling of the same double
  });
});

describe("numbers against V8", () => {
  it("prints 300,000 random doubles (and every tiny subnormal) as Number::toString", () => {
    const next = rng(11);
    let checked = 0;
    const check = (v: number) => {
      if (!Number.isFinite(v)) return;
      const expected = Object.is(v, -0) ? "0" : String(v);
      if (moduleToString(v) !== expected) expect(`${moduleToString(v)} for ${expected}`).toBe(expected);
      checked++;
    };
    for (let i = 0; i < 250_000; i++) check(randomDouble(next));
    for (let i = 0; i < 50_000; i++) check(next() * 10 ** Math.floor(next() * 40 - 20));
    for (let c = 1n; c < 5000n; c++) {
      view.setBigUint64(0, c);
      check(view.getFloat64(0));
    }
    expect(checked).toBeGreaterThan(300_000);
  });

  it("parses 200,000 number texts as Number(): long mantissas, huge exponents, subnormals", () => {
    const next = rng(12);
    const digits = (k: number) => {
      let s = String(1 + Math.floor(next() * 9));
      for (let i = 1; i < k; i++) s += Math.floor(next() * 10);
      return s;
    };
    for (let i = 0; i < 200_000; i++) {
      const k = next() < 0.6 ? 1 + Math.floor(next() * 25) : 1 + Math.floor(next() * 900);
      const e = Math.floor(next() * 700) - 380;
      const d = digits(k);
      const form = next();
      const text = form < 0.3 ? `${d}e${e}` : form < 0.6 ? `-0.${"0".repeat(Math.floor(next() * 5))}${d}E${e >= 0 ? "+" : ""}${e}` : `${d[0]}.${d.slice(1) || "0"}e${e - k}`;
      const expected = Number(text);
      const got = moduleParse(text);
      if (!Object.is(got, expected)) expect(`${got} for ${text}`).toBe(String(expected));
    }
  });

  it("rounds exact midpoints between doubles to even, and their neighbours correctly", () => {
    const next = rng(13);
    for (let i = 0; i < 20_000; i++) {
      let v = Math.abs(randomDouble(next));
      if (!Number.isFinite(v) || v === 0) continue;
      if (i % 3 === 0) v /= 2 ** (1000 + Math.floor(next() * 70)); // subnormals
      view.setFloat64(0, v);
      const bits = view.getBigUint64(0);
      const biased = Number(bits >> 52n);
      const mantissa = biased === 0 ? bits & 0xfffffffffffffn : (bits & 0xfffffffffffffn) | (1n << 52n);
      const exp2 = (biased === 0 ? -1074 : biased - 1075) - 1;
      const mid = 2n * mantissa + 1n; // the midpoint to the next double: mid * 2^exp2
      const texts = exp2 >= 0
        ? [(mid << BigInt(exp2)).toString()]
        : [0n, 1n, -1n].map((delta) => `${mid * 5n ** BigInt(-exp2) + delta}e${exp2}`);
      if (exp2 < 0) texts.push(`${mid * 5n ** BigInt(-exp2)}000000000000000000000000001e${exp2 - 27}`);
      for (const text of texts) expect(moduleParse(text)).toBe(Number(text));
    }
  });
});

describe("the 16-digit step (Fluent Bit prints doubles with %.16g)", () => {
  /** C's "%.16g" then strtod, computed exactly with BigInt: what a reader of Fluent Bit's output gets. */
  function fluentBitRoundTrip(v: number): number {
    view.setFloat64(0, Math.abs(v));
    const bits = view.getBigUint64(0);
    const biased = Number(bits >> 52n);
    const m = biased === 0 ? bits & 0xfffffffffffffn : (bits & 0xfffffffffffffn) | (1n << 52n);
    const e2 = (biased || 1) - 1075;
    let num = m, den = 1n;
    if (e2 >= 0) num <<= BigInt(e2);
    else den <<= BigInt(-e2);
    let e10 = Math.floor(Math.log10(Math.abs(v))) - 15;
    for (;;) {
      let n = num, d = den;
      if (e10 >= 0) d *= 10n ** BigInt(e10);
      else n *= 10n ** BigInt(-e10);
      const q = n / d;
      if (q >= 10n ** 16n) e10++;
      else if (q < 10n ** 15n) e10--;
      else {
        const r = n - q * d;
        const rounded = 2n * r > d || (2n * r === d && (q & 1n) === 1n) ? q + 1n : q;
        const result = Number(`${rounded}e${e10}`);
        return v < 0 ? -result : result;
      }
    }
  }

  it("leaves numbers of up to 16 significant digits alone", () => {
    for (const text of ["0.1", "123.456", "1e-7", "9007199254740993.0", "0.30000000000000004e0", "1424953923781206.2"]) {
      const v = Number(text);
      if (String(v).replace(/^-|e.*$|\./g, "").replace(/^0+|0+$/g, "").length <= 16) expect(moduleNumber(text)).toBe(String(v));
    }
  });

  it("makes a 17-digit double canonical as the value Fluent Bit's output will hold, on 150,000 doubles", () => {
    const next = rng(14);
    let seventeen = 0;
    for (let i = 0; i < 150_000; i++) {
      const v = i % 2 ? randomDouble(next) : next() * 1000;
      if (!Number.isFinite(v) || v === 0) continue;
      const text = String(v);
      if (/^-?\d{16,}$/.test(text)) continue; // written as an integer: Fluent Bit keeps it as one (below)
      const canonical = moduleNumber(text);
      expect(canonical).toBe(canonicalNumber(text));
      if (text.replace(/^-|e.*$|\./g, "").replace(/^0+|0+$/g, "").length !== 17) continue;
      seventeen++;
      const fluent = fluentBitRoundTrip(v);
      expect(roundTo16Digits(v)).toBe(fluent);
      // Sealed before Fluent Bit and verified after it, the number canonicalises alike.
      const printed = Number.isFinite(fluent) ? fluent.toPrecision(16) : "1e999";
      expect(moduleNumber(printed)).toBe(canonical);
      expect(canonicalNumber(printed)).toBe(canonical);
    }
    expect(seventeen).toBeGreaterThan(40_000);
  });

  it("breaks exact ties to even, as C does", () => {
    // 2^52 < v < 2^53 with .5: 17 digits ending in 5, exactly representable.
    expect(moduleNumber("1234567890123456.5")).toBe("1234567890123456");
    expect(moduleNumber("1234567890123457.5")).toBe("1234567890123458");
    expect(canonicalNumber("1234567890123456.5")).toBe("1234567890123456");
    expect(canonicalNumber("1234567890123457.5")).toBe("1234567890123458");
    expect(moduleNumber("1.7976931348623157e308")).toBe("Infinity"); // %.16g of the largest double overflows
  });

  it("writes infinite values as Infinity, apart from null (not JSON: the text only feeds the hash)", () => {
    expect(moduleNumber("1e400")).toBe("Infinity");
    expect(moduleNumber("-1e400")).toBe("-Infinity");
    expect(moduleNumber("1e-400")).toBe("0");
    // Fluent Bit prints an infinite double as `inf`: the verifier reads it as the same value.
    expect(canonicalJson('{"a":inf,"b":-inf,"c":null}')).toBe('{"a":Infinity,"b":-Infinity,"c":null}');
    expect(moduleCanonical('{"a":1e400,"b":-1e999,"c":null}')).toBe('{"a":Infinity,"b":-Infinity,"c":null}');
  });
});

describe("integers Fluent Bit keeps in 64 bits", () => {
  // flb_pack.c: strtoll for negatives, strtoull otherwise; out of range, a double.
  const cases: [string, string][] = [
    ["9007199254740993", "9007199254740993"],
    ["1234567890123456789", "1234567890123456789"],
    ["-9223372036854775808", "-9223372036854775808"],
    ["-9223372036854775809", "-9223372036854776000"],
    ["9223372036854775808", "9223372036854775808"],
    ["18446744073709551615", "18446744073709551615"],
    ["18446744073709551616", "18446744073709550000"], // a double, and its 17th digit goes (%.16g)
    ["123456789012345678901", "123456789012345700000"],
    ["9007199254740993.0", "9007199254740992"],
    ["9007199254740993e0", "9007199254740992"],
  ];
  it.each(cases)("%s is %s to the module and to the verifier", (text, canonical) => {
    expect(moduleNumber(text)).toBe(canonical);
    expect(canonicalNumber(text)).toBe(canonical);
  });

  it("tells apart integers beyond 2^53 that a double would merge", () => {
    expect(moduleCanonical('{"id":9007199254740993}')).not.toBe(moduleCanonical('{"id":9007199254740992}'));
    expect(moduleCanonical('{"id":1234567890123456789}')).not.toBe(moduleCanonical('{"id":1234567890123456989}'));
  });
});

describe("canonical equivalence", () => {
  const same: [string, string][] = [
    ['{"b":1,"a":2}', '{"a":2,"b":1}'],
    ['{"s":"\\u00e9"}', '{"s":"é"}'],
    ['{"n":1.0}', '{"n":1}'],
    ['{"n":1e2}', '{"n":100}'],
    ['{"n":-0}', '{"n":0}'],
    ['{"n":0.000001}', '{"n":1e-6}'],
    ['{ "a" : [ 1 , 2 ] ,\n\t"b" : { } }', '{"a":[1,2],"b":{}}'],
    ['{"s":"\\/\\u0041\\ud83d\\ude00"}', '{"s":"/A😀"}'],
    ['{"s":"\\u001F\\b"}', '{"s":"\\u001f\\b"}'],
    ['{"x":{"z":1,"y":[{"b":1,"a":0}]}}', '{"x":{"y":[{"a":0,"b":1}],"z":1}}'],
  ];
  it.each(same)("%s and %s canonicalise alike", (a, b) => {
    expect(moduleCanonical(a)).toBe(moduleCanonical(b));
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(moduleCanonical(a)).toBe(canonicalJson(a));
  });

  it("keeps duplicate keys, in document order, after the keys that sort before them", () => {
    expect(moduleCanonical('{"b":1,"a":2,"b":0,"a":1}')).toBe('{"a":2,"a":1,"b":1,"b":0}');
    expect(canonicalJson('{"b":1,"a":2,"b":0,"a":1}')).toBe('{"a":2,"a":1,"b":1,"b":0}');
    expect(moduleCanonical('{"a":1,"a":2}')).not.toBe(moduleCanonical('{"a":2,"a":1}'));
  });

  it("writes a lone surrogate escape as JSON.stringify does", () => {
    expect(moduleCanonical('{"s":"\\uD800x\\udfff"}')).toBe('{"s":"\\ud800x\\udfff"}');
    expect(canonicalJson('{"s":"\\uD800x\\udfff"}')).toBe('{"s":"\\ud800x\\udfff"}');
  });

  it("sorts more than a handful of members stably (the merge sort)", () => {
    const members = Array.from({ length: 300 }, (_, i) => `"k${(i * 7919) % 97}":${i}`);
    const text = `{${members.join(",")}}`;
    expect(moduleCanonical(text)).toBe(canonicalJson(text));
  });

  // Orders are remembered by an object's count and first two keys (canonical.ts sortMembers), and
  // members already written canonically (short integers too) are copied whole: neither may change the text.
  it("sorts objects whose first keys and count were seen before in another order", () => {
    const texts = [
      '{"time":"t","stream":"s","_p":"F","log":"l"}',
      '{"time":"t","stream":"s","log":"l","_p":"F"}',
      '{"time":"t","stream":"s","log":"l","log":"m"}',
      '{"time":"t","stream":"s","log":"m","log":"l"}',
      '{"time":"t","stream":"s","\\u006cog":"x","_p":"F"}',
      '{"time":"t","stream":"s","_p" : "F","log":true}',
      '{"time":"t","stream":"s","_p":"\\u0046","log":null}',
      '{"time":"t","stream":"s","é":"F","log":false}',
      '{"time":"t","stream":"s","_p":120,"log":-0}',
      '{"time":"t","stream":"s","_p":-999999999999999,"log":1.0}',
      '{"time":"t","stream":"s","_p":12345678901234567,"log":1e2}',
    ];
    for (let round = 0; round < 2; round++) {
      for (const text of texts) expect(moduleCanonical(text), text).toBe(canonicalJson(text));
    }
  });

  it("rejects what is not JSON", () => {
    for (const bad of ["", "{", '{"a":}', '{"a":1}}', "[1,]"]) expect(moduleCanonical(bad)).toBeNull();
  });
});

describe("agreement with the verifier's canonical form (cli/canonical.ts)", () => {
  it("on 30,000 random records, with and without Fluent Bit's \\u escapes", () => {
    const next = rng(15);
    for (let i = 0; i < 30_000; i++) {
      const doc = toJson(randomObject(next), next);
      const expected = canonicalJson(doc);
      if (moduleCanonical(doc) !== expected) expect(moduleCanonical(doc)).toBe(expected);
    }
  });

  it("on numbers in every spelling", () => {
    const next = rng(16);
    for (let i = 0; i < 60_000; i++) {
      const v = i % 3 === 0 ? randomDouble(next) : (next() - 0.5) * 10 ** Math.floor(next() * 40 - 20);
      if (!Number.isFinite(v)) continue;
      for (const text of [String(v), v.toPrecision(1 + Math.floor(next() * 21)), v.toExponential(Math.floor(next() * 20))]) {
        if (moduleNumber(text) !== canonicalNumber(text)) expect(`${moduleNumber(text)} for ${text}`).toBe(canonicalNumber(text));
      }
    }
  });

  it("hashes the same text when streamed in pieces (records larger than the 4 KiB staging)", () => {
    const out = tk.memory.alloc(32);
    try {
      const next = rng(17);
      for (let i = 0; i < 50; i++) {
        const record: Record<string, unknown> = {};
        for (let k = 0; k < 200; k++) record[`key ${k} ${"é".repeat(k % 5)}`] = i % 2 ? "v".repeat(k * 10) : randomObject(next);
        const doc = JSON.stringify(record);
        expect(withInput(doc, (ptr, len) => x.canonical_digest(ptr, len, out))).toBe(1);
        expect(Buffer.from(tk.read(out, 32)).toString("hex")).toBe(createHash("blake2b512").update(canonicalJson(doc)).digest("hex").slice(0, 64));
      }
    } finally {
      tk.memory.free(out);
    }
  });
});

describe("the powers-of-ten table", () => {
  it("holds floor(10^q * 2^(127 - floor(log2 10^q))) for every q", () => {
    const source = readFileSync(new URL("../assembly/sealing/number/pow10.ts", import.meta.url), "utf8");
    const rows = [...source.matchAll(/0x([0-9a-f]{16}), 0x([0-9a-f]{16}), \/\/ 1e(-?\d+)/g)];
    expect(rows.length).toBe(POW10_MAX - POW10_MIN + 1);
    for (const [, high, low, q] of rows) expect(BigInt(`0x${high}${low}`)).toBe(pow10Mantissa(Number(q)));
  });
});
