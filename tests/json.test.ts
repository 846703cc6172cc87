// JSON conformance through the whole filter with a policy that changes nothing: valid
// records come back byte for byte (plus appended fields); invalid ones come back as a
// valid record with an error marker and the text, never as a trap.
import { describe, expect, it } from "vitest";
import { PASS_THROUGH_POLICY, makeFilter, withoutAdded } from "./support/filter.js";

const filter = makeFilter({ policy: PASS_THROUGH_POLICY });

const VALID = [
  "{}",
  '{"a":1}',
  ' { "a" : 1 , "b" : [ 1 , 2 ] } ',
  '{"empty":"","arr":[],"obj":{}}',
  '{"n":[0,-0,1,-1,0.5,-0.5,1e10,1E10,1e+10,1e-10,1.5e300,-1.5E-300,123456789012345678901234567890]}',
  '{"lit":[true,false,null]}',
  '{"esc":"\\" \\\\ \\/ \\b \\f \\n \\r \\t"}',
  '{"u":"\\u0000\\u001f\\u00e9\\u4e2d\\ud83d\\ude00\\uffff"}',
  '{"lone":"\\ud83d\\ude00 paired"}',
  '{"utf8":"é 中 😀 \u007f"}',
  '{"deep":[[[[[[[[[[{"x":[{"y":{}}]}]]]]]]]]]]}',
  '{"dup":1,"dup":2}',
  '{"k\\u0000ey":"v","":"empty key"}',
  '{"a":"' + "x".repeat(10000) + '"}',
  '{"ws":\t\n\r 1}',
];

const INVALID = [
  "",
  " ",
  "[]",
  '"just a string"',
  "42",
  "null",
  "{",
  '{"a"',
  '{"a":',
  '{"a":1',
  '{"a":1,}',
  '{"a" 1}',
  '{a:1}',
  "{'a':1}",
  '{"a":01}',
  '{"a":1.}',
  '{"a":.5}',
  '{"a":-}',
  '{"a":1e}',
  '{"a":+1}',
  '{"a":tru}',
  '{"a":nul}',
  '{"a":"\\x"}',
  '{"a":"\\u12"}',
  '{"a":"tab\there"}',
  '{"a":"unterminated}',
  '{"a":1}}',
  '{"a":1} {"b":2}',
  '{"a":[1,2}',
  '{"a":{"b":1]}',
  '{"a":NaN}',
  '{"a":Infinity}',
  "{" + '"a":['.repeat(600) + "]".repeat(600) + "}",
];

describe("valid JSON", () => {
  for (const text of VALID) {
    it(`passes ${JSON.stringify(text.slice(0, 60))} through unchanged`, () => {
      const result = filter.call("t", text);
      expect(result.kind).toBe("record");
      if (result.kind !== "record") return;
      expect(withoutAdded(result.record)).toEqual(JSON.parse(text));
      // Byte for byte: only the closing brace moves behind the appended fields.
      const body = text.trimEnd();
      expect(result.json.startsWith(body.slice(0, body.length - 1))).toBe(true);
    });
  }
});

describe("invalid input", () => {
  for (const text of INVALID) {
    it(`turns ${JSON.stringify(text.slice(0, 40))} into an error record`, () => {
      const result = filter.call("t", text);
      expect(result.kind).toBe("record");
      if (result.kind !== "record") return;
      expect(typeof result.record.logseal_error).toBe("string");
      expect(result.record.logseal_raw).toBe(text);
    });
  }

  it("says where the JSON went wrong", () => {
    const result = filter.call("t", '{"a":1,"b":tru}');
    expect(result.kind === "record" && result.record.logseal_error).toBe("body is not valid JSON: invalid literal at byte 11");
  });

  it("replaces invalid UTF-8 by U+FFFD inside a valid record, keeping its escapes, and says so", () => {
    const bytes = new Uint8Array([...Buffer.from('{"a":"x\\n'), 0xff, 0xc3, 0x28, ...Buffer.from('y\\u00e9","b":1}')]);
    const result = filter.call("t", bytes);
    expect(result.kind).toBe("record");
    if (result.kind !== "record") return;
    expect(result.record.a).toBe("x\n\ufffd\ufffd(y\u00e9");
    expect(result.record.b).toBe(1);
    expect(result.record.logseal_error).toBe("invalid UTF-8 or lone surrogates replaced by U+FFFD");
  });

  it("repairs keys too", () => {
    const bytes = new Uint8Array([...Buffer.from('{"k'), 0xfe, ...Buffer.from('":1}')]);
    const result = filter.call("t", bytes);
    expect(result.kind === "record" && result.record["k\ufffd"]).toBe(1);
  });

  it("replaces lone surrogate escapes by \\ufffd and keeps pairs", () => {
    const result = filter.call("t", '{"a":"\\ud83d\\ude00 \\ud800 \\udfff x\\ud800"}');
    expect(result.kind === "record" && result.record.a).toBe("\u{1f600} \ufffd \ufffd x\ufffd");
  });

  it("keeps invalid UTF-8 in a non-JSON body as U+FFFD in logseal_raw", () => {
    const result = filter.call("t", new Uint8Array([0x68, 0x69, 0xed, 0xa0, 0x80]));
    expect(result.kind === "record" && result.record.logseal_raw).toBe("hi\ufffd\ufffd\ufffd");
  });
});
