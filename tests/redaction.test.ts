// Redaction through the whole filter, as Fluent Bit calls it: key rules, masks, keyed
// pseudonyms, allow-list mode, detectors in free text, the summary, failing closed.
import { describe, expect, it } from "vitest";
import { pseudonym } from "../cli/pseudonym.js";
import { makeFilter } from "./support/filter.js";

const KEY = "0123456789abcdef0123456789abcdef-test-key";
const policy = (redact: object) => ({ version: "t", redact });
const one = (filter: ReturnType<typeof makeFilter>, body: object | string) => {
  const result = filter.call("kube.app", typeof body === "string" ? body : JSON.stringify(body));
  if (result.kind !== "record") throw new Error(`dropped: ${result.reason}`);
  const { _seal, ...record } = result.record; // sealing is tested in its own suites
  return record;
};

describe("key rules", () => {
  const filter = makeFilter({
    policy: policy({
      keys: [
        { name: "password", action: "remove" },
        { name: "Authorization", case_insensitive: true, action: "mask" },
        { path: "kubernetes.annotations.*", action: "remove" },
        { name: "card", action: "mask", keep_last: 4 },
        { name: "phone", action: "mask", keep_first: 3, keep_last: 2 },
        { name: "user_id", action: "hash" },
        { path: "meta.trace", action: "keep" },
      ],
      pseudonym: { key_file: "pseudonym.key" },
      scan: [],
    }),
    files: { "pseudonym.key": KEY + "\n" },
  });

  // A key written with escapes is the key it decodes to, as Fluent Bit's parser would make it.
  it("applies key rules to keys written with escapes", () => {
    expect(one(filter, '{"pass\\u0077ord":"hunter2","a":1}')).toEqual({ a: 1 });
    expect(one(filter, '{"\\u0041uthorization":"Bearer x","a":1}')).toEqual({ Authorization: "[REDACTED]", a: 1 });
    expect(one(filter, '{"kubernetes":{"annot\\u0061tions":{"x":"1"},"pod":"p"}}')).toEqual({ kubernetes: { annotations: {}, pod: "p" } });
    expect(one(filter, '{"deep":[{"pass\\u0077ord":"x","ok":true}]}')).toEqual({ deep: [{ ok: true }] });
    // the same spellings again (the key-path table keys on the raw bytes) and one that only looks alike
    expect(one(filter, '{"pass\\u0077ord":"hunter2","a":1}')).toEqual({ a: 1 });
    expect(one(filter, '{"pass\\u0077ord2":"kept","a":1}')).toEqual({ password2: "kept", a: 1 });
  });

  it("removes a key at any depth, with its comma, wherever it stands", () => {
    expect(one(filter, { password: 1, a: 1 })).toEqual({ a: 1 });
    expect(one(filter, { a: 1, password: 1 })).toEqual({ a: 1 });
    expect(one(filter, { a: 1, password: { x: [1] }, b: 2 })).toEqual({ a: 1, b: 2 });
    expect(one(filter, { password: 1, password2: 2 })).toEqual({ password2: 2 });
    expect(one(filter, { password: 1 })).toEqual({});
    expect(one(filter, { deep: [{ password: "x", ok: true }] })).toEqual({ deep: [{ ok: true }] });
    expect(one(filter, '{ "password" : 1 , "password" : 2 , "b" : 3 }')).toEqual({ b: 3 });
  });

  it("matches exact names exactly and case-insensitive names in any case", () => {
    expect(one(filter, { Password: "x" })).toEqual({ Password: "x" });
    expect(one(filter, { AUTHORIZATION: "Bearer x", authorization: "y" })).toEqual({ AUTHORIZATION: "[REDACTED]", authorization: "[REDACTED]" });
  });

  it("removes members by path with a wildcard, and only there", () => {
    expect(one(filter, { kubernetes: { pod_name: "p", annotations: { a: "1", b: "2" } }, annotations: { a: "1" } }))
      .toEqual({ kubernetes: { pod_name: "p", annotations: {} }, annotations: { a: "1" } });
  });

  it("masks partially, keeping separators, and fully when too short", () => {
    expect(one(filter, { card: "4111 1111 1111 1111" }).card).toBe("**** **** **** 1111");
    expect(one(filter, { card: "4111111111111111" }).card).toBe("************1111");
    expect(one(filter, { card: 4111111111111111 }).card).toBe("************1111");
    expect(one(filter, { card: "1234" }).card).toBe("****");
    expect(one(filter, { phone: "+44-20-7946-0958" }).phone).toBe("+44-**-****-**58");
    expect(one(filter, { card: "\u00e9\u00e9\u00e9\u00e9\u00e91234" }).card).toBe("*****1234");
    expect(one(filter, { card: { nested: true } }).card).toBe("[REDACTED]");
  });

  it("hashes to the pseudonym `logseal pseudonym` computes, decoding escapes first", () => {
    const key = Buffer.from(KEY);
    expect(one(filter, { user_id: "alice" }).user_id).toBe(pseudonym(key, "alice"));
    expect(one(filter, '{"user_id":"h\\u00e9llo"}').user_id).toBe(pseudonym(key, "héllo"));
    expect(one(filter, { user_id: 12345 }).user_id).toBe(pseudonym(key, "12345"));
    expect(one(filter, { user_id: "alice" }).user_id).toMatch(/^pseu:[0-9a-f]{16}$/);
    expect(one(filter, { user_id: "bob" }).user_id).not.toBe(pseudonym(key, "alice"));
  });

  // The walk remembers each key path's verdicts across records (assembly/policy/keyverdicts.ts):
  // a path seen before must get exactly the matchers' verdict, whatever came before it.
  it("gives a key the verdict of its own path when the same keys come again under other parents", () => {
    const record = { meta: { trace: "t", password: "p" }, kubernetes: { annotations: { a: "1" }, meta: { trace: "x" } }, annotations: { a: "1" } };
    const expected = { meta: { trace: "t" }, kubernetes: { annotations: {}, meta: { trace: "x" } }, annotations: { a: "1" } };
    const swapped = { kubernetes: { meta: { trace: "x" }, annotations: { a: "1" } }, annotations: { a: "2" }, meta: { password: "p", trace: "t" } };
    for (let round = 0; round < 3; round++) {
      expect(one(filter, record)).toEqual(expected);
      expect(one(filter, swapped)).toEqual({ kubernetes: { meta: { trace: "x" }, annotations: {} }, annotations: { a: "2" }, meta: { trace: "t" } });
      // More distinct paths than the table holds, then the same records again.
      const many = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`k${round}-${i}`, { password: i, annotations: { a: i } }]));
      const out = one(filter, { ...many, kubernetes: { annotations: { b: 1 } }, password: 1 });
      expect(Object.keys(out)).toHaveLength(601);
      expect(out[`k${round}-599`]).toEqual({ annotations: { a: 599 } });
      expect(out.kubernetes).toEqual({ annotations: {} });
    }
  });

  // Keys an attacker makes hash alike (same length, same first and last four bytes) fill one run of
  // the table: lookups stop after a few slots, and keys past them are matched every time.
  it("gives keys that all hash alike their own verdicts, beyond the slots a lookup tries", () => {
    const collide = (i: number) => `aaaa${String(i).padStart(6, "0")}zzzz`;
    const annotations = collide(0).replace("aaaa", "anno"); // same shape, other bytes
    for (let round = 0; round < 3; round++) {
      const body: Record<string, unknown> = {};
      for (let i = 0; i < 40; i++) body[collide(i)] = { password: i, keep: i };
      const out = one(filter, { ...body, kubernetes: { annotations: { x: 1 } }, [annotations]: 1, password: 2 });
      for (let i = 0; i < 40; i++) expect(out[collide(i)], `${collide(i)} in round ${round}`).toEqual({ keep: i });
      expect(out.kubernetes).toEqual({ annotations: {} });
      expect(out[annotations]).toBe(1);
      expect(out.password).toBeUndefined();
    }
  });
});

describe("detectors in free text", () => {
  const filter = makeFilter({
    policy: policy({
      detectors: { email: "hash", ipv4: "keep", card: { action: "mask", keep_last: 4 } },
      keys: [{ path: "audit.user", action: "keep" }],
      pseudonym: { key_file: "pseudonym.key" },
      summary: true,
    }),
    files: { "pseudonym.key": KEY },
  });

  it("redacts every secret in a string and leaves the rest byte for byte", () => {
    const record = one(filter, { log: "pay 4111-1111-1111-1111 from 10.0.0.1 token=s3cr3t-value; ok", n: 1 });
    expect(record.log).toBe("pay ****-****-****-1111 from 10.0.0.1 token=[REDACTED]; ok");
    expect(record.n).toBe(1);
  });

  it("applies the detector's action: a hashed e-mail is joinable", () => {
    const record = one(filter, { log: "mail to alice@example.com" });
    expect(record.log).toBe(`mail to ${pseudonym(Buffer.from(KEY), "alice@example.com")}`);
  });

  it("leaves Luhn-invalid numbers alone", () => {
    expect(one(filter, { log: "order 4111111111111112" }).log).toBe("order 4111111111111112");
  });

  it("finds secrets in escaped JSON inside a string", () => {
    const record = one(filter, { log: JSON.stringify({ password: "hunter2", user: "u" }) });
    expect(record.log).toBe('{"password":"[REDACTED]","user":"u"}');
  });

  it("skips subtrees a keep rule exempts", () => {
    expect(one(filter, { audit: { user: "dev@example.com" }, log: "dev@example.com" }).audit).toEqual({ user: "dev@example.com" });
  });

  it("summarises per record what it did", () => {
    const record = one(filter, { log: "4111 1111 1111 1111 and bob@example.com and carol@example.com" });
    expect(record.redaction).toEqual({ removed: 0, masked: 1, hashed: 2, found: { card: 1, email: 2 } });
  });

  // A member of the record named as a secret's, which no key rule names, is judged as the same
  // bytes inside a string: `"db_password":"x"` in `log` was masked, the member itself was not.
  it("masks a member whose name is a secret's as the pair detector masks it in text", () => {
    const record = one(filter, '{"aws_secret_access_key": "Zq8Lm2Xp9Rt4Wv8Yc1Nd6Gh3Jk0Ps5UeAb7Cd9Ef","db_password":"hun\\"ter2",' +
      '"cfg":{"redis.password":"x y","list":[{"clientSecret":"abc"}]},"DB_PASSWORD":"s3cr3t","user":"bob"}');
    expect(record).toMatchObject({
      aws_secret_access_key: "[REDACTED]", db_password: "[REDACTED]", cfg: { "redis.password": "[REDACTED]", list: [{ clientSecret: "[REDACTED]" }] },
      DB_PASSWORD: "[REDACTED]", user: "bob",
    });
    expect(record.redaction).toMatchObject({ found: { secret_pair: 5 } }); // by name: the pair detector's verdict, with its action
    // a member's value is a JSON string, never a printed object (`Admin@` followed by a hash)
    expect(one(filter, { db_password: "Admin@123", db_pass: "Welcome1(x", note: "Foo.Bar(1)" })).toMatchObject({ db_password: "[REDACTED]", db_pass: "[REDACTED]", note: "Foo.Bar(1)" });
    // what the pair detector leaves in text, it leaves here: other names, placeholders, empty
    // values, literals, counts, request tokens; numbers and arrays are not strings it reads
    const kept = {
      token_type: "Bearer", secretName: "db-creds", password_changed: "2026-01-01", num_tokens: "5", nextPageToken: "abc123",
      x_token: "{password}", db_pass: "", api_token: true, client_secret2: null, tokens: ["abc"], db_password: 12345,
    };
    expect(one(filter, kept)).toMatchObject(kept);
    // a subtree a keep rule exempts stays whole
    expect(one(filter, { audit: { user: { db_password: "x" } } }).audit).toEqual({ user: { db_password: "x" } });
  });

  // A lone surrogate or a stray byte took the whole string out of the scan: one `\ud800` hid any secret.
  it("scans a string that is not all text, after its repair", () => {
    const record = one(filter, '{"log":"password=hunter2x \\ud800","msg":"card 4111 1111 1111 1111 \\udfff end"}');
    expect(record.log).toBe("password=[REDACTED] \ufffd");
    expect(record.msg).toBe("card **** **** **** 1111 \ufffd end");
    expect(record.logseal_error).toMatch(/^invalid UTF-8 or lone surrogates replaced by U\+FFFD/);
    const raw = Buffer.concat([Buffer.from('{"log":"token=abc'), Buffer.from([0xfe, 0xff]), Buffer.from('def password=s3cr3tvalue"}')]);
    const result = filter.call("kube.app", raw);
    expect(result.kind === "record" && result.record.log).toBe("token=[REDACTED] password=[REDACTED]");
  });

  it("redacts secrets in a body that is not JSON too", () => {
    const record = one(filter, "not json: password=hunter2");
    expect(record.logseal_raw).toBe("not json: password=[REDACTED]");
  });
});

describe("network action", () => {
  const filter = makeFilter({
    policy: policy({
      keys: [{ name: "client_ip", action: "network", prefix_bits: 16 }],
      detectors: { ipv4: "network", ipv6: { action: "network", prefix_bits: 48 } },
    }),
  });

  it("keeps the subnet of addresses found in text", () => {
    expect(one(filter, { log: "from 10.42.7.19 and 2001:db8:85a3:8d3:1319:8a2e:370:7348 and fe80::1ff:fe23:4567:890a" }).log)
      .toBe("from 10.42.7.0/24 and 2001:db8:85a3::/48 and fe80:0:0::/48");
  });

  it("applies to key rules, and masks a value that is not an address", () => {
    expect(one(filter, { client_ip: "192.168.1.77" }).client_ip).toBe("192.168.0.0/16");
    expect(one(filter, { client_ip: "unknown" }).client_ip).toBe("[REDACTED]");
  });

  it("accepts prefix_bits only with the network action", () => {
    const bad = makeFilter({ policy: policy({ keys: [{ name: "x", action: "mask", prefix_bits: 8 }] }) });
    expect(one(bad, { a: 1 }).logseal_error).toMatch(/prefix_bits applies only to the network action/);
  });
});

describe("allow-list mode", () => {
  const filter = makeFilter({
    policy: policy({ allow_list: { keys: ["log", "kubernetes.pod_name", "kubernetes.labels"] }, scan: [] }),
  });

  it("removes every key not listed, keeps listed subtrees whole, traverses their parents", () => {
    const record = one(filter, {
      log: "x", extra: 1, kubernetes: { pod_name: "p", namespace_name: "n", labels: { app: "a", team: "t" } },
    });
    expect(record).toEqual({ log: "x", kubernetes: { pod_name: "p", labels: { app: "a", team: "t" } } });
  });

  it("can mask instead of removing", () => {
    const masking = makeFilter({ policy: policy({ allow_list: { keys: ["log"], action: "mask" }, scan: [] }) });
    expect(one(masking, { log: "x", user: "u" })).toEqual({ log: "x", user: "[REDACTED]" });
  });
});

describe("failing closed", () => {
  it("applies the embedded default to an invalid policy and says why on every record", () => {
    const filter = makeFilter({ policy: '{"version":"bad","redact":{"keys":[{"name":"password","action":"mask2"}]}}' });
    for (let i = 0; i < 3; i++) {
      const record = one(filter, { password: "hunter2", log: "card 4111 1111 1111 1111" });
      expect(record.password).toBe("[REDACTED]");
      expect(record.log).toBe("card **** **** **** 1111");
      expect(record.logseal_error).toMatch(/policy logseal.policy.json is invalid, the embedded default applies: line 1, column \d+: redact.keys\[0\].action/);
    }
  });

  it("applies the default to a policy that is not JSON", () => {
    const record = one(makeFilter({ policy: "{ nope" }), { a: 1 });
    expect(record.logseal_error).toMatch(/not valid JSON/);
  });

  it("rejects unknown detectors and settings instead of ignoring a typo", () => {
    const record = one(makeFilter({ policy: policy({ detectors: { emial: "mask" } }) }), { a: 1 });
    expect(record.logseal_error).toMatch(/redact.detectors.emial: unknown detector/);
  });

  it("masks instead of hashing when the pseudonym key is missing, and says so", () => {
    const filter = makeFilter({ policy: policy({ keys: [{ name: "user_id", action: "hash" }] }) });
    const record = one(filter, { user_id: "alice" });
    expect(record.user_id).toBe("[REDACTED]");
    expect(record.logseal_error).toMatch(/key file pseudonym.key not found/);
  });

  it("refuses a key shorter than 32 characters", () => {
    const filter = makeFilter({ policy: policy({ keys: [{ name: "user_id", action: "hash" }] }), files: { "pseudonym.key": "short" } });
    expect(one(filter, { user_id: "alice" }).logseal_error).toMatch(/shorter than 32 characters/);
  });
});
