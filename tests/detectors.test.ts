// The free-text detectors (assembly/redaction/detectors) through build/testkit.wasm: each
// detector's positives, negatives and boundaries, on raw JSON string content (escapes as written).
import { beforeAll, describe, expect, it } from "vitest";
import { cardNumber, ibanNumber, jsonEscape, Rng } from "../bench/corpus.js";
import { loadTestkit, type Testkit } from "./support/testkit.js";

const NAMES = [
  "card", "ssn", "iban", "email", "ipv4", "ipv6", "jwt", "pem_private_key", "aws_access_key_id",
  "aws_secret_key", "github_token", "slack_token", "stripe_key", "google_api_key", "url_password",
  "auth_header", "secret_pair",
] as const;
type Name = (typeof NAMES)[number];

let kit: Testkit;
let all: number;

beforeAll(() => {
  kit = loadTestkit();
  all = kit.exports.detectorsAll();
});

interface Span {
  start: number;
  end: number;
  detector: Name;
}

/** Spans found in `content` (raw JSON string content, or bytes). */
function spansOf(content: string | Uint8Array, enabled = all): Span[] {
  const { ptr, len } = kit.put(content);
  try {
    const count = kit.exports.detect(ptr, len, enabled);
    return Array.from({ length: count }, (_, i) => ({
      start: kit.exports.detectedStart(i),
      end: kit.exports.detectedEnd(i),
      detector: NAMES[kit.exports.detectedDetector(i)],
    }));
  } finally {
    kit.memory.free(ptr);
  }
}

/** `detector:matched text` for each span. */
function find(content: string, enabled = all): string[] {
  return spansOf(content, enabled).map((s) => `${s.detector}:${content.slice(s.start, s.end)}`);
}

const only = (...names: Name[]) => names.reduce((mask, n) => mask | (1 << NAMES.indexOf(n)), 0);

/** Asserts each text yields exactly `detector:expected` (expected defaults to the text itself). */
function positives(detector: Name, cases: Array<string | [string, string]>) {
  for (const c of cases) {
    const [text, expected] = typeof c === "string" ? [c, c] : c;
    it(`finds ${JSON.stringify(expected)} in ${JSON.stringify(text)}`, () => {
      expect(find(text)).toEqual([`${detector}:${expected}`]);
    });
  }
}

function negatives(cases: string[], enabled?: () => number) {
  for (const text of cases) {
    it(`finds nothing in ${JSON.stringify(text)}`, () => {
      expect(find(text, enabled ? enabled() : all)).toEqual([]);
    });
  }
}

/** Offsets inside escape sequences (after the backslash), where no span may start or end. */
function insideEscapes(content: Uint8Array): Set<number> {
  const inside = new Set<number>();
  for (let i = 0; i < content.length; i++) {
    if (content[i] !== 0x5c) continue;
    let length = 2;
    if (content[i + 1] === 0x75 && i + 6 <= content.length && /^[0-9a-fA-F]{4}$/.test(String.fromCharCode(...content.slice(i + 2, i + 6)))) length = 6;
    for (let k = 1; k < length && i + k < content.length; k++) inside.add(i + k);
    i += length - 1;
  }
  return inside;
}

/** Spans are sorted, disjoint, non-empty, inside the string and never split an escape. */
function expectWellFormed(content: Uint8Array, spans: Span[]) {
  const inside = insideEscapes(content);
  let last = 0;
  for (const s of spans) {
    expect(s.start).toBeGreaterThanOrEqual(last);
    expect(s.end).toBeGreaterThan(s.start);
    expect(s.end).toBeLessThanOrEqual(content.length);
    expect(inside.has(s.start) || inside.has(s.end)).toBe(false);
    last = s.end;
  }
}

describe("detector ids and names", () => {
  it("has one id per policy name, in order", () => {
    expect(kit.exports.detectorsCount()).toBe(NAMES.length);
    expect(all).toBe(2 ** (NAMES.length + 1) - 1); // bit 17: every family of the rule pack
    for (const [id, name] of NAMES.entries()) {
      const { ptr, len } = kit.put(name);
      expect(kit.exports.detectorIdOf(ptr, len)).toBe(id);
      kit.memory.free(ptr);
    }
    const { ptr, len } = kit.put("credit_card");
    expect(kit.exports.detectorIdOf(ptr, len)).toBe(-1);
  });

  it("finds nothing in empty input or with every detector off", () => {
    expect(find("")).toEqual([]);
    expect(find("password=hunter2 4111111111111111", 0)).toEqual([]);
  });

  it("runs only the enabled detectors", () => {
    const text = "card 4111111111111111 mail a.b@example.com ip 10.1.2.3";
    expect(find(text, only("email"))).toEqual(["email:a.b@example.com"]);
    expect(find(text, only("card", "ipv4"))).toEqual(["card:4111111111111111", "ipv4:10.1.2.3"]);
  });
});

describe("card", () => {
  positives("card", [
    "4111111111111111",
    ["card 4111 1111 1111 1111 ok", "4111 1111 1111 1111"],
    ["pan=5500-0000-0000-0004;", "5500-0000-0000-0004"],
    ["amex 3782 822463 10005.", "3782 822463 10005"],
    ["2223000048400011", "2223000048400011"],
    ["diners 3056 930902 5904", "3056 930902 5904"],
    ["jcb 3530111333300000", "3530111333300000"],
    ["discover 6011111111111117", "6011111111111117"],
    ["unionpay 6200000000000005", "6200000000000005"],
    ["visa13 4222222222222", "4222222222222"],
    ["(4111111111111111)", "4111111111111111"],
    ["\\n4111111111111111\\n", "4111111111111111"],
    ["\\u00e94111111111111111\\u00e9", "4111111111111111"],
    ["\\\"pan\\\":\\\"4111111111111111\\\"", "4111111111111111"],
    ["4111 1111 1111 1111 2024", "4111 1111 1111 1111"],
  ]);
  negatives([
    "4111111111111112", // Luhn
    "4111 1111 1111 1112",
    "1234567812345670", // Luhn-valid, no known issuer
    "9111111111111111",
    "41111111111111110", // Visa with 17 digits
    "x4111111111111111", "4111111111111111x", "4111111111111111_", "_4111111111111111",
    "4111111111111111.5", "1.4111111111111111", "12-4111111111111111", "4111111111111111-7",
    "4111 1111-1111 1111", // mixed separators
    "4111  1111 1111 1111", // double space
    "411 1111 1111 11111",
    "4111-1111-1111-1111-1",
  ]);
  it("accepts Amex as one run", () => expect(find("378282246310005")).toEqual(["card:378282246310005"]));

  it("checks Luhn like the reference", () => {
    const r = new Rng(42);
    for (let i = 0; i < 500; i++) {
      const number = cardNumber(r);
      const bad = number.slice(0, -1) + String((Number(number.at(-1)) + 1 + (i % 9)) % 10);
      for (const [digits, valid] of [[number, true], [bad, false]] as const) {
        const { ptr, len } = kit.put(digits);
        expect(kit.exports.luhn(ptr, len)).toBe(valid ? 1 : 0);
        kit.memory.free(ptr);
      }
      expect(find(` ${number} `)).toEqual([`card:${number}`]);
      expect(find(` ${bad} `)).toEqual([]);
    }
  });
});

describe("ssn", () => {
  positives("ssn", [
    "123-45-6789",
    ["ssn 078-05-1120.", "078-05-1120"],
    ["ssn=123 45 6789,", "123 45 6789"],
    ["\\n899-99-9999\\t", "899-99-9999"],
    ["\\\"ssn\\\":\\\"665-01-0001\\\"", "665-01-0001"],
    "078.05.1123", // dotted, as Presidio's recognizer reads it, with or without a label
    ["holder 219.09.9999 verified", "219.09.9999"],
  ]);
  negatives([
    "000-12-3456", "666-12-3456", "900-12-3456", "999-12-3456", "123-00-4567", "123-45-0000",
    "1123-45-6789", "123-45-67890", "123-456-7890", "12-345-6789", "123456789", "123-45 6789",
    "1-123-45-6789", "123-45-6789-1", "123-45-6789.5", "a123-45-6789", "123-45-6789b",
    "078.05.1123.4", "1.078.05.1123", "v078.05.1123", "000.12.3456", "078.05.11234", "078.05-1123",
  ]);
});

describe("iban", () => {
  positives("iban", [
    "DE89370400440532013000",
    ["iban DE89 3704 0044 0532 0130 00, ok", "DE89 3704 0044 0532 0130 00"],
    ["GB82WEST12345698765432", "GB82WEST12345698765432"],
    ["\\\"iban\\\":\\\"NL91ABNA0417164300\\\"", "NL91ABNA0417164300"],
    ["FR1420041010050500013M02606", "FR1420041010050500013M02606"],
    ["NO9386011117947", "NO9386011117947"],
  ]);
  negatives([
    "DE89370400440532013001", // checksum
    "DE8937040044053201300", // too short for DE
    "DE893704004405320130000", // too long
    "XX89370400440532013000", // no such country
    "de89370400440532013000", // lower case
    "DE89 37040044 0532 0130 00", // grouping not in fours
    "DE89370400440532013000X",
  ]);
  it("accepts generated IBANs of every listed country and rejects a changed digit", () => {
    const r = new Rng(7);
    for (let i = 0; i < 300; i++) {
      const iban = ibanNumber(r);
      expect(find(`to ${iban} `)).toEqual([`iban:${iban}`]);
      const changed = iban.slice(0, 6) + String((Number(iban[6]) + 1) % 10) + iban.slice(7);
      if (/^\d$/.test(iban[6])) expect(find(`to ${changed} `)).toEqual([]);
    }
  });
});

describe("email", () => {
  positives("email", [
    "john.doe@example.com",
    ["mail <jane+ci@mail.example.org>", "jane+ci@mail.example.org"],
    ["\\njohn_doe@x.io\\n", "john_doe@x.io"],
    ["\\u00e9john@example.com", "john@example.com"],
    ["to=a.b@example.co.uk&x=1", "a.b@example.co.uk"],
    ["user@example.com.5", "user@example.com"],
    ["\\\"email\\\":\\\"ops@acme-payments.net\\\"", "ops@acme-payments.net"],
  ]);
  negatives([
    "java.lang.Object@1b6d3586", "nginx@sha256:abcdef", "user@localhost", "user@host.c", "user@host.123",
    "@scope/pkg@1.2.3", "a@-example.com", ".john@example.com", "john.@example.com",
    `${"a".repeat(65)}@example.com`,
    // SSH names its own algorithms name@domain (RFC 4251 section 6); in a list of offers it is no mailbox
    "Their offer: aes256-cbc,rijndael-cbc@lysator.liu.se,aes192-cbc,none", "kex: curve25519-sha256,sntrup761x25519-sha512@openssh.com",
  ]);
  positives("email", [
    ["to: ann@example.com,bob", "ann@example.com"], // a neighbour that is no algorithm name
    ["cc=x1-ab,carol@example.org", "carol@example.org"], // too short for an algorithm
  ]);
});

describe("ipv4", () => {
  positives("ipv4", [
    "10.0.0.1",
    ["from 192.168.1.254:8080", "192.168.1.254"],
    ["client=0.0.0.0,", "0.0.0.0"],
    ["[255.255.255.255]", "255.255.255.255"],
    ["\\n10.1.2.3\\n", "10.1.2.3"],
    ["net 10.0.0.0/8", "10.0.0.0"],
  ]);
  negatives([
    "256.1.1.1", "1.2.3.256", "01.2.3.4", "1.02.3.4", "1.2.3", "1.2.3.4.5", "v1.2.3.4", "x1.2.3.4", "1.2.3.4a",
    "version=1.2.3.4", "Version: 10.2.0.1", "\\\"version\\\":\\\"1.2.3.4\\\"", "appVersion 1.0.0.12", "release 2.1.0.0",
    "1.3.6.1.4.1.311", "_1.2.3.4", "1.2.3.4_",
  ]);
});

describe("ipv6", () => {
  positives("ipv6", [
    "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
    ["peer [2001:db8::1]:443", "2001:db8::1"],
    ["fe80::1ff:fe23:4567:890a%eth0", "fe80::1ff:fe23:4567:890a%eth0"], // the zone id belongs to the address
    ["to 2001:db8::1.", "2001:db8::1"],
    ["::ffff:192.168.1.1", "::ffff:192.168.1.1"],
    ["ip=2001:db8::", "2001:db8::"],
    ["\\\"ip\\\":\\\"2600:1f18:abcd::12\\\"", "2600:1f18:abcd::12"],
    ["\\n1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"],
  ]);
  negatives([
    "00:1a:2b:3c:4d:5e", "00-1A-2B-3C-4D-5E", "12:30:45", "12:30:45.123", "1:02:03:04", "::1", "::",
    "Abc::Def", "std::vector", "dead::beef", "1::2::3", "12345::1", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9",
    "2001:db8::1x", "g001:db8::1",
  ]);
});

const HEADER = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
const PAYLOAD = "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ";
const JWT = `${HEADER}.${PAYLOAD}.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c`;

describe("jwt", () => {
  positives("jwt", [
    JWT,
    [`token ${JWT} ok`, JWT],
    [`${HEADER}.${PAYLOAD}.`, `${HEADER}.${PAYLOAD}.`],
    [`\\\"id\\\":\\\"${JWT}\\\"`, JWT],
    [`Authorization: Bearer ${JWT}`, JWT],
  ]);
  negatives([HEADER, `${HEADER}.abc.sig`, `eyJhbGc.${PAYLOAD}.sig`, `${HEADER}${PAYLOAD}`]);
  it("does not start inside a longer base64url word", () => expect(find(`abc-${JWT}`)).toEqual([]));
});

describe("pem_private_key", () => {
  const body = "MIIEowIBAAKCAQEA7\\nZ0xYc8Q+abc/def==\\n";
  for (const label of ["RSA PRIVATE KEY", "EC PRIVATE KEY", "PRIVATE KEY", "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "DSA PRIVATE KEY", "PGP PRIVATE KEY BLOCK"]) {
    const pem = `-----BEGIN ${label}-----\\n${body}-----END ${label}-----`;
    positives("pem_private_key", [[`key:\\n${pem}\\nnext`, pem]]);
  }
  positives("pem_private_key", [
    ["x -----BEGIN RSA PRIVATE KEY-----\\nMIIE", "-----BEGIN RSA PRIVATE KEY-----\\nMIIE"],
    [
      "-----BEGIN EC PRIVATE KEY-----\\nAA\\n-----END RSA PRIVATE KEY-----\\nBB\\n-----END EC PRIVATE KEY----- tail",
      "-----BEGIN EC PRIVATE KEY-----\\nAA\\n-----END RSA PRIVATE KEY-----\\nBB\\n-----END EC PRIVATE KEY-----",
    ],
  ]);
  // a key under a label RFC 7468 does not list but that is no public key
  positives("pem_private_key", [["\\\"key\\\": \\\"-----BEGIN RSA KEY-----QUJDREVGR0g=-----END RSA KEY-----\\\"", "-----BEGIN RSA KEY-----QUJDREVGR0g=-----END RSA KEY-----"]]);
  negatives(["-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----", "-----BEGIN PUBLIC KEY-----\\nMIIB", "----BEGIN PRIVATE KEY-----", "-----BEGIN private key-----", "-----BEGIN RSA PUBLIC KEY-----\\nMIIB\\n-----END RSA PUBLIC KEY-----", "-----BEGIN SSH2 PUBLIC KEY-----\\nAAAA", "-----BEGIN KEY-----", "-----BEGIN PGP PUBLIC KEY BLOCK-----\\nmQEN"]);
});

describe("pem_private_key, base64-encoded (kubeconfig client-key-data, tls.key)", () => {
  const b64 = (text: string) => Buffer.from(text).toString("base64");
  const pem = (label: string) => `-----BEGIN ${label}-----\nMIIEowIBAAKCAQEA7Z0xYc8Q+abc/def0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij\n-----END ${label}-----\n`;
  for (const label of ["RSA PRIVATE KEY", "EC PRIVATE KEY", "PRIVATE KEY", "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "DSA PRIVATE KEY", "PGP PRIVATE KEY BLOCK", "RSA KEY"]) {
    const key = b64(pem(label));
    positives("pem_private_key", [
      [`    client-key-data: ${key}\\n- name: ci`, key],
      [`\\\"tls.key\\\":\\\"${key}\\\"`, key],
      key,
    ]);
  }
  const key = b64(pem("PRIVATE KEY") + "x".repeat(200));
  // wrapped as `base64` writes it (76 a line), in a JSON string and in JSON text inside one
  const wrapped = key.match(/.{1,76}/g)!;
  positives("pem_private_key", [
    [`key:\\n${wrapped.join("\\n")}\\nnext line`, wrapped.join("\\n")],
    [`key: ${wrapped.join("\\\\r\\\\n")}\\\\nnext`, wrapped.join("\\\\r\\\\n")],
    // `/` escaped as JSON allows
    [`k=${key.replace(/\//g, "\\/")} end`, key.replace(/\//g, "\\/")],
  ]);
  // a key after a block that is none: EC or DSA parameters (`openssl ecparam -genkey`), a certificate
  // (combined .pem files); the first block's length varied so that the key's BEGIN line falls at
  // each of the three alignments of the encoding
  const params = (label: string, body: string) => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
  positives("pem_private_key", ["BggqhkjOPQMBBw==", "BggqhkjOPQMBBwA=", "BggqhkjOPQMBBwAB"].flatMap((body) => [
    b64(params("EC PARAMETERS", body) + pem("EC PRIVATE KEY")),
    b64(params("DSA PARAMETERS", body) + pem("DSA PRIVATE KEY")),
    b64(pem("CERTIFICATE").replace("MIIE", body) + pem("PRIVATE KEY")),
  ]));
  it("ends at the padding, and at a line that cannot continue the wrapped run", () => {
    let padded = b64(pem("EC PRIVATE KEY"));
    for (let more = "a"; !padded.endsWith("="); more += "a") padded = b64(pem("EC PRIVATE KEY") + more);
    expect(find(`${padded}\\nAAAA next`)).toEqual([`pem_private_key:${padded}`]);
    const lines = key.match(/.{1,64}/g)!.slice(0, 2);
    expect(find(`${lines.join("\\n")}\\nabc`)).toEqual([`pem_private_key:${lines.join("\\n")}`]);
  });
  // public material stays readable: certificates, public keys, CSRs, CA bundles
  negatives([
    b64(pem("CERTIFICATE")), b64(pem("PUBLIC KEY")), b64(pem("RSA PUBLIC KEY")), b64(pem("CERTIFICATE REQUEST")),
    b64(pem("NEW CERTIFICATE REQUEST")), b64(pem("X509 CRL")), b64(pem("PGP PUBLIC KEY BLOCK")), b64(pem("CERTIFICATE") + pem("CERTIFICATE")),
    `caBundle: ${b64(pem("CERTIFICATE"))}`, "LS0tLS1CRUdJTi", "LS0tLS1CRUdJTiBQUklWQVRF", b64("-----BEGIN private key-----\n"),
    // parameters alone, a chain of certificates, a public key after a certificate
    b64(params("EC PARAMETERS", "BggqhkjOPQMBBw==") + "x".repeat(120)), b64(pem("CERTIFICATE") + pem("CERTIFICATE") + pem("CERTIFICATE")),
    b64(pem("CERTIFICATE") + pem("PUBLIC KEY")),
    // the encoded BEGIN line alone, as a scanner's rule or documentation writes it: no key material
    "        | LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0t             (?# prefix of base64 encoding of an EC key)",
    b64("-----BEGIN OPENSSH PRIVATE KEY-----\n") + "AAAAB3NzaC1yc2E",
    // not where a base64 run starts: inside another run
    `QUJD+${b64(pem("PRIVATE KEY"))}`, `QUJD/${b64(pem("PRIVATE KEY"))}`,
  ]);
});

describe("aws_access_key_id", () => {
  positives("aws_access_key_id", ["AKIA2E0A8F3B244C9986", "ABIA3TFX7CA22HCUPDGV", "ACCA66YVBQ7MVAWEU4U6", "A3T0ZZZZZZZZZZZZZZZZ", ["id=ASIAY34FZKBOKMUTVV7A,", "ASIAY34FZKBOKMUTVV7A"], ...["AGPA", "AIDA", "AROA", "ANPA", "ANVA", "AIPA"].map((p) => `${p}ABCDEFGHIJKLMNOP`)]);
  negatives(["AKIAIOSFODNN7EXAMPL", "AKIA2E0A8F3B244C9986X", "AKIAIOSFODNN7EXAMPLe", "XAKIA2E0A8F3B244C9986", "ABCDIOSFODNN7EXAMPLE", "akiaiosfodnn7example"]);
});

describe("aws_secret_key", () => {
  const key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  positives("aws_secret_key", [
    [`aws_secret_access_key=${key}`, key],
    [`AWS_SECRET_ACCESS_KEY: ${key}`, key],
    [`\\\"SecretAccessKey\\\":\\\"${key}\\\"`, key],
    [`aws_secret_key = '${key}'`, key],
    [`secret_access_key ${key}`, key],
    [`aws_secret_access_key=${key.replace(/\//g, "\\/")}`, key.replace(/\//g, "\\/")],
    [`MY_AWS_SECRET_ACCESS_KEY=${key}`, key],
    // the bare name `aws_key` with exactly 40 base64 characters, also as an XML element
    [`aws_key: ${key}`, key],
    [`<aws_key>${key}</aws_key>`, key],
    // names are compared skipping `_`, `-`, `.` after their first letter, right from the second byte
    [`aws-secret-key=${key}`, key],
    [`se_cret_access_key: ${key}`, key],
    [`aw.s_key: ${key}`, key],
  ]);
  negatives([key, `aws_region=${key}`, `note ${key}`, `aws_key_id=${key}`, `aws_keypair=${key}`, `aws_key: ${key.slice(1)}`]);
  it("leaves a wrong-length value to secret_pair", () => {
    expect(find(`aws_secret_access_key=${key}X`)).toEqual([`secret_pair:${key}X`]);
    expect(find(`aws_secret_access_key=${key.slice(1)}`)).toEqual([`secret_pair:${key.slice(1)}`]);
  });
});

describe("vendor tokens", () => {
  const a36 = "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789";
  positives("github_token", [`ghp_${a36}`, `gho_${a36}`, `ghu_${a36}`, `ghs_${a36}`, `ghr_${a36}`, [`token ghp_${a36}.`, `ghp_${a36}`], `github_pat_11ABCDEFG0${"a1B2".repeat(3)}_${"Y".repeat(59)}`]);
  // a GitHub App installation token that carries a signed JWT after the installation id
  positives("github_token", [[`token ghs_4242_${HEADER}.${PAYLOAD}.c2lnbmF0dXJl after`, `ghs_4242_${HEADER}.${PAYLOAD}.c2lnbmF0dXJl`]]);
  positives("slack_token", ["xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "xoxp-1234-5678-abcdefghijklmnopqrst"]);
  // a webhook after its scheme: `/` is in the webhook's alphabet but not `.`, so the anchor can start after it
  positives("slack_token", [
    ["post to https://hooks.slack.com/services/T0000AAAA/B0000BBBB/abcdefghijKLMNOPQRSTuvwx ok", "hooks.slack.com/services/T0000AAAA/B0000BBBB/abcdefghijKLMNOPQRSTuvwx"],
    ["https:\\/\\/hooks.slack.com\\/services\\/T0000AAAA\\/B0000BBBB\\/abcdefghijKLMNOPQRSTuvwx", "hooks.slack.com\\/services\\/T0000AAAA\\/B0000BBBB\\/abcdefghijKLMNOPQRSTuvwx"],
  ]);
  positives("stripe_key", [`sk_live_${"a1B2".repeat(6)}`, `rk_live_${"a1B2".repeat(8)}`, `sk_test_${"a1B2".repeat(6)}`]);
  positives("google_api_key", ["AIzaSyA-1234567890abcdefghijklmnopqrstu", ["key=AIzaSyA-1234567890abcdefghijklmnopqrstu&", "AIzaSyA-1234567890abcdefghijklmnopqrstu"]]);
  negatives([
    `ghp_${a36.slice(1)}`, `ghx_${a36}`, `github_pat_${"x".repeat(81)}`, `xghp_${a36}`,
    "xoxb-123456", "xoxq-123456789012-1234567890123-AbCdEf", "xoxb_123456789012-1234567890123-AbCdEf",
    `pk_live_${"a1B2".repeat(6)}`, `sk_live_${"a1B2".repeat(5)}`, `sk_live_${"a1B2".repeat(6)}_x`,
    "AIzaSyA-1234567890abcdefghijklmnopqrst", "AIzaSyA-1234567890abcdefghijklmnopqrstuv", "x-AIzaSyA-1234567890abcdefghijklmnopqrstu",
  ]);
});

describe("url_password", () => {
  positives("url_password", [
    ["postgres://app:s3cr3t@db.internal:5432/orders", "s3cr3t"],
    ["redis://:p4ss@cache:6379/0", "p4ss"],
    ["mongodb+srv://u:p@ss@cluster0.mongodb.net/", "p@ss"],
    ["https:\\/\\/user:pw!x@proxy.corp\\/path", "pw!x"],
    ["amqp://guest:gu:est@rabbit", "gu:est"],
    // GitHub's token-as-user form: the token is the user, the password a fixed word
    ["git+https://a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0:x-oauth-basic@github.com/o/r.git", "a1b2c3d4e5f6a7b8c9d0a1b2c3d4e5f6a7b8c9d0:x-oauth-basic"],
  ]);
  // stand-ins for a password in templates and documentation
  negatives(["https://user:${PASSWORD}@api.example.com/v1", "mysql://u:{{pass}}@db:3306/x", "postgres://$(PGUSER):$(PGPASSWORD)@$(PGHOST)/db", "https://u:{PASS}@host/x", "redis://:<password>@cache:6379"], () => only("url_password"));
  negatives(["https://example.com:8443/path", "ssh://git@github.com:22/x", "http://user@host/", "https://:@host/", "://user:pw@host", "http://user:pw/x@host"], () => only("url_password"));
  it("keeps the host out of the e-mail detector", () => {
    expect(find("postgres://app:pw@db.example.com/x")).toEqual(["url_password:pw"]);
  });
});

describe("auth_header", () => {
  positives("auth_header", [
    ["Authorization: Bearer abc123.def", "abc123.def"],
    ["authorization: basic dXNlcjpwYXNz==", "dXNlcjpwYXNz=="],
    ["AUTHORIZATION=Token 0123456789abcdef&x=1", "0123456789abcdef"],
    ["\\\"Authorization\\\":\\\"Bearer opaque-token\\\"", "opaque-token"],
    ["{'authorization': 'Digest c2VjcmV0'}", "c2VjcmV0"],
    ["Proxy-Authorization: Basic dXNlcjpwYXNz\\r\\nHost: x", "dXNlcjpwYXNz"],
    ["Authorization: justonetoken", "justonetoken"],
    ["Authorization: Basic dXNl\\/cjpw", "dXNl\\/cjpw"],
    // Caddy's header lists
    ["\\\"headers\\\":{\\\"Authorization\\\":[\\\"Bearer caddy-list-token\\\"],\\\"X\\\":[]}", "caddy-list-token"],
  ]);
  negatives(["Authorization header missing", "authorization_code=abc", "authorization:", "Authorization: \\n", "\\\"headers\\\":{\\\"Authorization\\\":[],\\\"User-Agent\\\":[\\\"curl/7\\\"]}"]);
});

describe("secret_pair", () => {
  positives("secret_pair", [
    ["password=hunter2", "hunter2"],
    ["db_password=s3cr3t&user=x", "s3cr3t"],
    ["DB_PASSWORD: s3cr3t, next", "s3cr3t"],
    ["password_super_secure = \"value with quotes and spaces\"", "value with quotes and spaces"],
    ["aws_secret_access_key: value with quotes and spaces", "value with quotes and spaces"],
    ["githubToken := \"AD8rgZcOitPJvgMWShS8P2LIJShvE4im\"", "AD8rgZcOitPJvgMWShS8P2LIJShvE4im"],
    ["System.setProperty(\"GITHUB_TOKEN\", \"AD8rgZcOitPJvgMWShS8P2LIJShvE4im\")", "AD8rgZcOitPJvgMWShS8P2LIJShvE4im"],
    ["System.setProperty(\\\"GITHUB_TOKEN\\\", \\\"AD8rgZcOitPJvgMWShS8P2LIJShvE4im\\\")", "AD8rgZcOitPJvgMWShS8P2LIJShvE4im"], // inside a JSON string
    ["<githubToken>\\n  AD8rgZcOitPJvgMWShS8P2LIJShvE4im\\n</githubToken>", "AD8rgZcOitPJvgMWShS8P2LIJShvE4im"],
    ["{\\\"password\\\":\\\"x\\\"}", "x"],
    ["{\\\"password\\\": \\\"two words\\\"}", "two words"],
    ["{\\\"passwd\\\":\\\"a\\\\\\\"b\\\"}", "a\\\\\\\"b"],
    // `pass` alone, then a quoted value that looks made (12+ characters, letters and digits)
    ["user 'bob' pass 'Summer2026x!'", "Summer2026x!"],
    ["pass '55c3a879d7efe24929506f368dcff6d4-5eeb6406-757a4247' key-x", "55c3a879d7efe24929506f368dcff6d4-5eeb6406-757a4247"],
    // JSON text inside a JSON string inside a JSON string (a docker json-file line of an app's log
    // that holds a stringified body): the key's quotes escaped three times, as the value's
    ["{\\\\\\\"password\\\\\\\":\\\\\\\"FTA@CNCF0n@zure3\\\\\\\"}", "FTA@CNCF0n@zure3"],
    ["{\\\\n\\\\\\\"password\\\\\\\": \\\\\\\"FTA@CNCF0n@zure3\\\\\\\",\\\\n\\\\\\\"x\\\\\\\": 1}", "FTA@CNCF0n@zure3"],
    ["pwd=abc;x=1", "abc"],
    ["client_secret='with space'", "with space"],
    ["X-Api-Key: k-123\\r\\n", "k-123"],
    ["api-key=abc", "abc"],
    ["apikey=abc", "abc"],
    ["access_token=tok1", "tok1"],
    ["refresh_token=tok2", "tok2"],
    ["auth_token=tok3", "tok3"],
    ["private_key=k", "k"],
    ["credentials=c", "c"],
    ["redis.password=r", "r"],
    ["userPassword=p", "p"],
    ["\\npassword=nl\\nnext", "nl"],
    ["password=ends\\twith tab", "ends"],
    ["password=caf\\u00e9!", "caf\\u00e9!"],
    ["password=a\\/b", "a\\/b"],
    ["Password = \\\"quoted\\\"", "quoted"],
    ["secret: (x)", "(x)"], // brackets the value opened are its own
    ["(secret=x)", "x"],
    ["User{name=x, password=abc}", "abc"],
    ["PWD=hunter2", "hunter2"], // not a path: still a password
    ["db_PWD=/s3cr3t", "/s3cr3t"],
    ["(password:hunter2)", "hunter2"],
    ["db_pass: m1x3d.Secr3t", "m1x3d.Secr3t"],
    ["SMTP-PASS=hunter22", "hunter22"],
    // comparisons with a quoted literal, on either side of the name (as a JSON string holds them)
    ["if (api_key == \\\"k3y-v4lue\\\") {", "k3y-v4lue"],
    ["if (db_pass != 'k3y-v4lue')", "k3y-v4lue"],
    ["if (secret === \\\"k3y-v4lue\\\")", "k3y-v4lue"],
    ["if (token !== 'k3y-v4lue')", "k3y-v4lue"],
    ["if (\\\"k3y-v4lue\\\" == password) {", "k3y-v4lue"],
    ["if ('k3y-v4lue' !== my_private_key)", "k3y-v4lue"],
    ["password = @\\\"verbatim C# string\\\";", "verbatim C# string"],
    ["secrete = \\\"misspelt on purpose\\\"", "misspelt on purpose"],
    ["char secret[25] = \\\"in a C array\\\";", "in a C array"],
    ["token[] = 'in a C array'", "in a C array"],
    ["password=$P5t5agX;next", "$P5t5agX"],
    ["password=$$IoHVRkpDCp;next", "$$IoHVRkpDCp"], // `$$` then mixed case: a password, not Compose's escaped variable
    ["password=my.env.Pw1", "my.env.Pw1"], // not an environment variable's upper-case name // starts with `$` but is no variable's name (digits in mixed case)
    // a quoted value after a password's name and spaces, or ` is ` (Gradle, Go calls, prose)
    ["credentials { username 'u' password 'gr4dle-pw' }", "gr4dle-pw"],
    ["password \\\"go-call-pw\\\";", "go-call-pw"],
    ["the default password is 'blue-moon-7'", "blue-moon-7"],
    ["DB_PASSWD  \\\"two  spaces\\\"", "two  spaces"],
    // .NET appSettings: the name is the key attribute, the secret the value attribute
    ["<add key=\\\"SmtpPassword\\\" value=\\\"app-settings-pw\\\"/>", "app-settings-pw"],
    // numbered names (up to three digits after a letter)
    ["static_password01 = \\\"n0t-hunter2\\\";", "n0t-hunter2"],
    ["token2=abc123def", "abc123def"],
    // name/value objects: ECS and Kubernetes env lists, key/value settings (JSON inside the line and as a JSON string holds it)
    ["{\"name\": \"DB_PASSWORD\", \"value\": \"ecs-env-pw\"}", "ecs-env-pw"],
    ["{\\\"name\\\":\\\"DB_PASSWORD\\\",\\\"value\\\":\\\"ecs-env-pw\\\"}", "ecs-env-pw"],
    ["{\"key\": \"db.password\", \"value\": \"kv-object-pw\", \"info\": \"x\"}", "kv-object-pw"],
    // a quoted name in brackets (PHP, Python, Ruby)
    ["$config['db_password'] = 'php-array-pw';", "php-array-pw"],
    ["settings[\\\"api_token\\\"] = \\\"py-dict-tok\\\"", "py-dict-tok"],
    // Python's f-string literal compared with a name
    ["if password == f\\\"py-fstring-pw\\\":", "py-fstring-pw"],
    // more names: a licence key, `pass` glued to db/user (JDBC's userpass)
    ["license_key: nr-0123456789abcdef", "nr-0123456789abcdef"],
    ["jdbc:mysql://db/app?user=app&userpass=jdbc-userpass-1", "jdbc-userpass-1"],
    ["dbpass: dbpass-value-9", "dbpass-value-9"],
    // a list of passwords, one of them in an XML element
    ["<admin_passwords>Adm1n-pw</admin_passwords>", "Adm1n-pw"],
    ["db_passwords: 'p1-abc,p2-def'", "p1-abc,p2-def"],
    // a number as text, and a tab before the value
    ["{\\\"pin_password\\\":\\\"2128\\\"}", "2128"],
    ["password=2128", "2128"],
    ["Token:\\t\\tdGhpcy1pcy1hLXRva2Vu\\r\\n", "dGhpcy1pcy1hLXRva2Vu"],
    // spaces before the comma of a quoted name and value (Gradle's buildConfigField)
    ["buildConfigField 'String' , 'API_KEY' , 'k3y-in-gradle'", "k3y-in-gradle"],
    // a provider's name then `key`
    ["GITLAB_KEY=glk-0123456789", "glk-0123456789"],
    ["{\\\"slackKey\\\": \\\"sl4ck-k3y-value\\\"}", "sl4ck-k3y-value"],
    ["<githubKey>gh-k3y-value</githubKey>", "gh-k3y-value"],
  ]);
  negatives([
    "password=", "password: \\\"\\\"", "token_count=42", "max_tokens: 256", "password_policy=strict", "secretName=db",
    "passwordless=true", "at com.android.server.wm.AppWindowToken.destroySurfaces:374", "token=Token{a64f992 ActivityRecord{de9231d}}", "Bad activity token: android.os.BinderProxy@2bd79ce", "stream/token: com.apple.xpc.activity/4505: 132", "password_min_length: 12", "\\\"password\\\":null", "\\\"token\\\": true", "\\\"secret\\\":{\\\"a\\\":1}", "password==x",
    "tokens=5", "bypass=1", "pass: 15 fail: 0", "first_bypass=2", "compass=north",
    // auth.log lines of a holdout corpus the code had not seen (docs/detectors.md, "Holdout").
    "sudo: ubuntu : TTY=pts/0 ; PWD=/home/ubuntu ; USER=root ; COMMAND=/bin/ls", "pam_unix(chpasswd:chauthtok): password changed for x",
    // a syslog program and its pid, not a C array; comparisons of two names; a literal compared with no secret name
    "chpasswd[30938]: pam_unix(chpasswd:chauthtok): user x does not exist", "passwd[12] = 3", "if (password == hash) {",
    "if (password != stored_password)", "if (\\\"admin\\\" == username)", "if ('x' === token_count)", "password === ''",
    // a Secret's name in Kubernetes errors; apostrophes in prose; another attribute's value
    "error: secret \\\"db-creds\\\" not found", "it's the user's password", "password '$DB_PASSWORD'",
    "<add key=\\\"SmtpServer\\\" value=\\\"mail.example.com\\\"/>", "<input type=\\\"password\\\" value=\\\"x\\\"/>",
    // a name/value object whose value comes from elsewhere, or is empty; a call's two names
    "{\\\"name\\\":\\\"DB_PASSWORD\\\",\\\"valueFrom\\\":{\\\"secretKeyRef\\\":{}}}", "{\"key\": \"password\", \"value\": \"\"}", "{\"name\": \"password\", \"type\": \"string\"}",
    // numbered plural counts, template fields, Compose's `$$`, a function call
    "cache_key=user:1:profile", "routing_key: orders.created", "monkey=3", "key=abc123", "s3_key=logs/2026/12/05.gz", "mygithubkey=x1",
    "passwords: 3", "<weak_passwords>12</weak_passwords>", "expired_passwords=\\\"4\\\"",
    "tokens2=5", "max_tokens_1: 256", "password = \\\"{password}\\\"", "password: \\\"{ db_password }\\\"", "password: $$password", "password: $${PYPI_PASSWORD}", "{\\\"key\\\":\\\"password\\\",\\\"value\\\":\\\"[FILTERED]\\\"}", "\\\"password\\\":\\\"__REDACTED__\\\"", "Access denied for user 'x'@'h' (using password: YES)", "password: no", "{\\\"elevatedToken\\\":\\\"%%1842\\\"}", "Elevated Token:\\t\\tYes\\r\\n", "\\\"passwordLastSet\\\":\\\"11/8/2021 10:09:47 AM\\\"", "subj=unconfined_u:unconfined_r:passwd_t:s0-s0:c0.c1023", "{\\\"full_hash_pass\\\":2128,\\\"x\\\":1}", "password = getPassword()", "secret = cfg.load_secret();",
    "$config['db_host'] = 'db.internal';", "settings['password'] = $pw;", "if password == f(x):",
  ]);
  it("reports a value of a specific shape as that detector, or as a pair when it is off", () => {
    const token = "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789";
    expect(find(`GITHUB_TOKEN=${token}`)).toEqual([`github_token:${token}`]);
    expect(find(`GITHUB_TOKEN=${token}`, all & ~only("github_token"))).toEqual([`secret_pair:${token}`]);
    expect(find(`password=4111111111111111`)).toEqual(["card:4111111111111111"]);
    expect(find(`password=4111111111111111x`)).toEqual(["secret_pair:4111111111111111x"]);
  });
});

// What real logs write that is no secret, as the forms appeared in two corpora of others' log
// lines (docs/detectors.md, "two corpora the code never saw"); the examples are written here.
describe("real logs' look-alikes", () => {
  negatives([
    "Access denied for user 'app'@'localhost' (using password: YES)",
    "Access denied for user 'app'@'localhost' (using password: NO)",
    "\\\"elevatedToken\\\":\\\"%%1842\\\",\\\"virtualAccount\\\":\\\"%%1843\\\"",
    "\\\"tokenElevationType\\\":\\\"%%1936\\\"",
    "Elevated Token:\\t\\tYes\\r\\n\\r\\nImpersonation Level:\\t\\tImpersonation",
    "Elevated Token:\\\\t\\\\tNo\\\\r\\\\n\\\\r\\\\nImpersonation Level",
    "\\\"passwordLastSet\\\":\\\"3/1/2024 9:15:02 AM\\\"",
    "{\\\"key\\\":\\\"authenticity_token\\\",\\\"value\\\":\\\"[FILTERED]\\\"}",
    "\\\"password\\\":\\\"__REDACTED__\\\"",
    "password=(hidden) token=**MASKED**",
    "scontext=system_u:system_r:passwd_t:s0-s0:c0.c1023",
    "$hToken = OpenProcessToken -ProcessHandle $hProcess",
    "error decoding token:Expired token",
    "\\\"full_hash_pass\\\":2128,\\\"closed_pruned\\\":0",
    "url=/p?sticky_token=274&sticky_pool=a",
    "\\\"headers\\\":{\\\"Authorization\\\":[],\\\"Accept\\\":[\\\"*/*\\\"]}",
    "Message-ID: <20240223075525.8CD9941B67@mx.example.com>",
    "[session 50181234567896] [client x]",
    // a third outside corpus (fail2ban, lnav, mtail, Panther test data)
    "\\\"messageID\\\":\\\"<a1b2c3@mx.example.com>\\\"",
    "{\\\"rfc2822_message_id\\\":\\\"<x9@mail.example.org>\\\"}",
    "\\\"scope\\\":[\\\"read:client_credentials\\\",\\\"read:client_grants\\\"]",
    "[\"VPN_CREDENTIALS\", \"APIKEY_MANAGEMENT\", \"AUDIT_LOGS\"]",
    "\\\"clientToken\\\":\\\"5f1c9a8e-1b7d-4c3e-9a6f-2d8e4b1c7a90\\\"",
    "nextToken=AAMA-EFRSURBSGh3",
    "\\\"tokenHash\\\":\\\"key1(AbCdEf0123)\\\"",
    "\\\"uniqueTokenIdentifier\\\":\\\"AbCd123_45xyz\\\"",
    "\\\"ssh_url\\\":\\\"git@github.com:owner/repo.git\\\"",
    "abfss://container@account.dfs.core.windows.net/path",
    "GET /ad;ord=50181234567896? HTTP/1.1",
    "\\\"authorization\\\":{\\\"action\\\":\\\"Microsoft.Storage/read\\\"}",
    "\\\"FAILED_PASSWD_ATTEMPTS\\\":\\\"100\\\"",
    "\\\"accessToken\\\":\\\"HIDDEN_DUE_TO_SECURITY_REASONS\\\"",
    "FTP command: Client \\\"192.0.2.1\\\", \\\"PASS <password>\\\"",
    "\\\"encCS\\\":[\\\"aes128-ctr\\\",\\\"aes128-gcm@openssh.com\\\"]",
    // a fourth (loki, logstash, sshguard test data)
    "<= sender@ H=mx (helo) P=esmtp id=0123456789abcdef0123456789abcdef@mx.example.net",
    "msgid=<202403201244.r2KCi11V018784@host.example.com>",
    "LastUpdated:time.Time{wall:0xc0d8, ext:50181234567896, loc:(*time.Location)(nil)}",
    "level=info traceID=50181234567896 msg=done",
  ].map((t) => t.replace(/\d+\.\d+\.\d+\.\d+/, "host")));
  positives("secret_pair", [
    ["found within ARGS:password: l0ng-s3cret-value", "l0ng-s3cret-value"],
    ["password=1234", "1234"], // a person's choice may be short digits or a word
    ["secret=dragon", "dragon"],
    ["-Password \\\\\\\"pw-1234\\\\\\\" -Force", "pw-1234"], // quotes of JSON text inside a JSON string
    ["api_token=9f8e7d6c5b4a", "9f8e7d6c5b4a"],
  ]);
  positives("secret_pair", [
    // an argument vector printed as a list: a flag's value, not a list of names
    ["Command '['mysql', '--password', 'S3cr3tP4ss']' returned non-zero exit status 1.", "S3cr3tP4ss"],
    ["exec [\"vault\",\"login\",\"-token\",\"tok-not-real-1\"]", "tok-not-real-1"],
    ["[\\\"--db-password\\\", \\\"hunter2hunter2\\\"]", "hunter2hunter2"],
    // a password's numbered or glued name keeps a short value secret
    ["PASSWORD_1=Welcome", "Welcome"],
    ["db_password2=12345", "12345"],
    ["dbpass=1234", "1234"],
  ]);
  positives("secret_pair", [
    // the review's leaks: a person's word under a password name, a `_pass` name's word
    ["psql password=Sunshine -h localhost", "Sunshine"],
    ["DB_PASS=Welcome", "Welcome"],
  ]);
  positives("secret_pair", [
    // issue 12, h12: a subscript name in JSON-escaped quotes with a value in apostrophes; values
    // padded far from their name in aligned configuration
    ["os.environ[\\\"OPENAI_API_KEY\\\"] = 'sk1bb7dde73fe449de2293'", "sk1bb7dde73fe449de2293"],
    ["     fbApiKey:            \\\"171e84fd57f430fc59afa8fad3dbda2a\\\",", "171e84fd57f430fc59afa8fad3dbda2a"],
  ]);
  negatives(["os.environ[\\\"OPENAI_API_TYPE\\\"] = 'azure'", "status:                                                  ok"]);
  negatives(["full_hash_pass=2128 retries", "status=%1 done", "arn:aws:secretsmanager:us-east-1:123456789012:secret:Db-Creds-ab12cd"]);
  positives("auth_header", [["\\\"Authorization\\\":[\\\"Bearer abc.def-123\\\"]", "abc.def-123"]]);
  positives("card", [["card 50181234567896", "50181234567896"]]);
  positives("email", [
    ["From: <jane@example.com>", "jane@example.com"],
    ["https://jane%40example.com@contacts.example.net/x", "jane%40example.com@contacts.example.net"], // an address as a URL's user
  ]);
  positives("secret_pair", [["<password>hunter22</password>", "hunter22"], ["\\\"scope\\\":\\\"admin\\\",\\\"client_secret\\\", \\\"s3cr3t-v4lue\\\"", "s3cr3t-v4lue"]]);
  // a fifth (OTRF's lab events, syslog-ng's patterndb, Matomo's access-log tests)
  negatives([
    "\\\"CountOfCredentialsReturned\\\":\\\"0\\\",\\\"ProcessCreationTime\\\":\\\"x\\\"",
    "num_tokens=3 total_secrets=12",
    "System.Management.Automation, Version=3.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35",
    "Culture=neutral, PublicKeyToken=null\\\"\\r\\nParameterBinding",
    "\\\"QueryName\\\":\\\"HR001\\\",\\\"QueryOptions\\\":\\\"50181234567896\\\"",
    "access_mask=50181234567896 open_flags 50181234567896",
    "Cache lookup for name HR001, type 1 and option 50181234567896 returned 9701",
    "authentication error for the server ldap/dc1.corp.example/corp.example@CORP.EXAMPLE. The failure",
    "[ValidateSet('All', 'ResetPassword', 'WriteMembers')]",
    "\\\"x-amz-id-2\\\":\\\"Qm9v2Zx1e+6p2q4h8VM9f5MgKvPwDRd0JvnZYy6Y=\\\"},\\\"eventVersion\\\":\\\"1.07\\\"",
    "$tokenPrivileges = New-Object AdjPriv.AdjPriv+TOKEN_PRIVILEGES",
    "Zendesk API token: a new description was set",
    "\\\\\\\"InternetMessageId\\\\\\\":\\\\\\\"\\\\u003c00000000-0000-0000-0000-000000000000@az.eastus.production.microsoft.com\\\\u003e\\\\\\\"",
  ]);
  positives("email", [
    // a JSON text's escapes inside a JSON string are not letters of the address
    ["Account Name:\\\\t\\\\tbob@corp.example.com\\\\r\\\\n", "bob@corp.example.com"],
    ["Recipient:\\\\r\\\\n\\\\tnora@corp.example.com", "nora@corp.example.com"],
    ["CORP\\\\nancy@corp.example.com", "nancy@corp.example.com"], // DOMAIN\\user: the n is hers
    ["Mailbox: jane.doe-1@example.com", "jane.doe-1@example.com"],
    ["TargetUserName: bob@CORP.EXAMPLE", "bob@CORP.EXAMPLE"], // a user's Kerberos principal
    ["GET /api/users/bob@example.com HTTP/1.1", "bob@example.com"],
  ]);
  positives("secret_pair", [
    // a key name's digits and the list form of a call's arguments still find the value
    ["oauth2_client_secret=Zx81QwErTy77", "Zx81QwErTy77"],
    ["System.setProperty('AWS_SECRET_TOKEN', 'tok-5f1c9a8e1b7d')", "tok-5f1c9a8e1b7d"],
    ["counter_token=9f8e7d6c5b4a", "9f8e7d6c5b4a"],
    ["password = Summer-Time", "Summer-Time"], // a person's word, though shaped like a cmdlet
    ["password: ab cd", "ab cd"], // a person's choice under a password name, however short
    ["token=x1", "x1"],
  ]);
  // a sixth (pgbadger's PostgreSQL logs, mtools' MongoDB logs, go-libaudit, DataDog's samples)
  negatives([
    "2022-02-17 16:26:29.068 UTC [2106] [queryid=6133553607493706416] postgres@stackoverflow ERROR:  x",
    "\\\"query_id\\\":\\\"6133553607493706416\\\",\\\"recordId\\\":\\\"6133553607493706416\\\"",
    "op=start direction=from-server cipher=chacha20-poly1305@openssh.com ksize=512 mac= pfs=curve25519-sha256@libssh.org spid=1299",
    "kex_algorithms=sntrup761x25519-sha512@openssh.com HostKeyAlgorithms=ssh-ed25519-cert-v01@openssh.com",
    "options: { security: { authorization: \\\"enabled\\\", keyFile: \\\"/x\\\" } }",
    "authorization=disabled",
    "\\\"filename\\\":\\\"/controller/certificates/server-ca.crt\\\",\\\"secret\\\":\\\"myapp-pg-cluster-ca\\\"}",
    "secrets: db-creds-prod",
    "secret=cluster-example-app secret=web-api-v2 secret=ingress-nginx-tls",
    "failed to pass 'config' to the handler; cannot pass 'request_timeout' either", // `pass` the verb
    "bypass 'abcdefgh12345678' compass 'n0rth-by-west12'", // words that end in `pass`

    "count_of_secrets=Zx81QwErTy77 user_agent_token=Zx81QwErTy77 hostkey=ssh-ed25519-cert-v01@openssh.com",
    "\\\"uaclass\\\":\\\"AI\\\",\\\"ua_token\\\":\\\"Ztunnel 1.0 Windows\\\",\\\"alpnprotocol\\\":\\\"N/A\\\"",
  ]);
  // a seventh (Zeek's test baselines): SSH algorithms in ssh.log's columns, Zeek's `\x0a` escapes
  negatives([
    "OpenSSH_6.7\\tchacha20-poly1305@openssh.com\\thmac-sha2-512-etm@openssh.com\\tnone\\tcurve25519-sha256@libssh.org\\tssh-ed25519-cert-v01@openssh.com\\tSHA256:x",
    "aes192-ctr\thmac-sha2-256\tzlib\tsntrup761x25519-sha512@openssh.com\tssh-ed25519",
  ]);
  positives("email", [
    ["web-01\\tjane-doe@example.com\\tok", "jane-doe@example.com"], // a host's column, then a mailbox
    ["mail-01.example.com\\tuser-01@example.com", "user-01@example.com"], // a host name is no algorithm
    ["zlib-1.2\\tzlib@example.com", "zlib@example.com"], // no `-` and digit of its own, no SSH domain: a mailbox
    ["rcptto={\\\\x0afelica4uu@hotmail.com\\\\x0a}", "felica4uu@hotmail.com"], // Zeek's escaped newline stays whole
    ["to={\\\\x0d\\\\x0abob@example.com}", "bob@example.com"], // after another such escape
    ["CORP\\\\xaaron@corp.example.com", "xaaron@corp.example.com"], // DOMAIN\\user: the x is his
  ]);
  // all corpora pooled (fpjudge): SSH's own names under openssh.com/libssh.org wherever they stand
  // (RFC 4251 §6), and a Message-ID in angle brackets whose left part is a random token
  negatives([
    "2\t-\tSSH-2.0-OpenSSH_5.9\taes128-ctr\thmac-md5\tzlib@openssh.com\tecdh-sha2-nistp256",
    "arcfour256\thmac-md5-etm@openssh.com\tnone\tdiffie-hellman-group-exchange-sha256",
    "\\\"encCS\\\":[\\\"aes128-gcm@openssh.com\\\",\\\"aes256-gcm@openssh.com\\\"],\\\"macCS\\\":[\\\"hmac-sha2-256-etm@openssh.com\\\"]",
    "from=zlib@openssh.com kex curve25519-sha256@libssh.org; request keepalive@openssh.com",
    "Arne Welzel\t-\t<CADsmdyWKpbe9NVsh29VkbMCRZRfXUUXH+316vKFgDGHtJxwoAw@mail.gmail.com>\t-",
    "<CAHp75Vd5u1jHKPALfBTTqEoXf-4OAdLhsn3A-fzPw3Me=7hhMA@mail.gmail.com>",
    "in_reply_to <CA+55aFxQ9zK3mP7rT2vW8yB4nL6cD1eG5hJ0kM@mail.gmail.com>",
  ].map((t) => t.replace("<a@b.c>", "-")));
  negatives([
    // PostgreSQL's VACUUM report in a JSON log, logged as a raw line: an index's name, then a label
    "index \\\\\\\"ix_tabbranches_parttimebettz_for_authorization\\\\\\\": pages: 14 in total, 0 newly deleted",
    "index \\\"ix_for_authorization\\\": pages: 826 in total",
    "proxy_authorization: Next-Step: retry",
  ]);
  positives("auth_header", [
    ["index \\\"ix_for_authorization\\\": s3cr3t-t0ken: 1", "s3cr3t-t0ken:"], // digits: a credential's
    ["Authorization: Zx81QwErTy77", "Zx81QwErTy77"],
    ["proxy_authorization: hunter2:", "hunter2:"],
  ]);
  positives("email", [
    ["user Jane.Doe@openssh.com", "Jane.Doe@openssh.com"], // not a name's shape: a mailbox at that domain
    ["jane_doe@libssh.org", "jane_doe@libssh.org"],
    ["zlib@openssh.com.example.net", "zlib@openssh.com.example.net"], // the domain only begins like it
    ["zlib@mail.openssh.com", "zlib@mail.openssh.com"],
    ["zlib@openssh.co", "zlib@openssh.co"],
    ["zlib@libssh.org.evil.example", "zlib@libssh.org.evil.example"],
  ]);
  positives("email", [
    // a mailbox's name before a tag: the token after it is a capability, the address is masked
    ["Reply-To: <reply+AAJQX2mB7kLq9ZpR4vN8sT3wYhGf5cD1eK6jU0@reply.github.com>", "reply+AAJQX2mB7kLq9ZpR4vN8sT3wYhGf5cD1eK6jU0@reply.github.com"],
    ["<jsmith3+Ab9Cd8Ef7Gh6Ij5Kl4Mn3Op2@boards.trello.com>", "jsmith3+Ab9Cd8Ef7Gh6Ij5Kl4Mn3Op2@boards.trello.com"],
    ["<JohnSmith+Ab9Cd8Ef7Gh6Ij5Kl4Mn3Op2@example.com>", "JohnSmith+Ab9Cd8Ef7Gh6Ij5Kl4Mn3Op2@example.com"], // a name, no digit
    ["From: <Jane.Doe@example.com>", "Jane.Doe@example.com"], // short, a `.`: a person
    ["<CADsmdyWKpbe9NVsh29VkbMCRZRfXUUXH+316vKFgDGHtJxwoAw@example.com", "CADsmdyWKpbe9NVsh29VkbMCRZRfXUUXH+316vKFgDGHtJxwoAw@example.com"], // no closing bracket
    ["CADsmdyWKpbe9NVsh29VkbMCRZRfXUUXH@example.com", "CADsmdyWKpbe9NVsh29VkbMCRZRfXUUXH@example.com"], // no brackets
  ]);
  positives("email", [
    // an SRS address carries the original mailbox (and its domain's `.`): masked
    ["Return-Path: <SRS0=Ab1C=Xy=example.com=BobSmith42@forwarder.example.org>", "BobSmith42@forwarder.example.org"],
  ]);
  negatives([
    "msedge.exe --type=renderer --field-trial-handle=1776,6404088009311199867,3082750514405554529,131072 --lang=en-US",
    "job_handle=6404088009311199867 session=12,6404088009311199867",
  ]);
  positives("card", [
    ["amounts=1776,6404088009311199867,20", "6404088009311199867"], // a list under no id's label
    ["12,4111111111111111,100.00", "4111111111111111"], // a CSV row: an order, then a card
    ["handled 4111111111111111", "4111111111111111"],
  ]);
  positives("card", [
    ["card 6133553607493706416", "6133553607493706416"], // unlabelled, the same number is a card
    ["paid=4111111111111111", "4111111111111111"], // `id` ends the word but no label of its own
  ]);
  positives("email", [
    ["from=chacha20-poly1305@example.com", "chacha20-poly1305@example.com"], // no algorithm's label, no SSH domain
    ["cipher=Jane.Doe@example.com", "Jane.Doe@example.com"], // not an algorithm's name
  ]);
  positives("auth_header", [["authorization: \\\"dG9rZW4tZW5hYmxlZA\\\"", "dG9rZW4tZW5hYmxlZA"]]);
  positives("secret_pair", [
    ["\\\"secret\\\":\\\"Xk9-pq2Lm-77aa\\\"", "Xk9-pq2Lm-77aa"], // upper case: not an object name
    ["\\\"secret\\\":\\\"two-words\\\"", "two-words"], // two words only
    ["client_secret=myapp-pg-cluster-ca", "myapp-pg-cluster-ca"], // a longer name than `secret`
    ["password: correct-horse-battery-staple", "correct-horse-battery-staple"],
    // words alone, none short, no digit, no operator's ending: a passphrase, not an object name
    ["secret: correct-horse-battery-staple", "correct-horse-battery-staple"],
    ["\\\"secret\\\":\\\"acid-bank-coil\\\"", "acid-bank-coil"],
    ["ua=1 token=Ztunnel9x7Qw2", "Ztunnel9x7Qw2"],
  ]);
});

describe("boundaries and overlaps", () => {
  it("keeps spans sorted and disjoint across detectors", () => {
    const text = "a@b.io 4111111111111111 123-45-6789 10.0.0.1 password=x AKIA2E0A8F3B244C9986 fe80::1:2";
    expect(find(text)).toEqual([
      "email:a@b.io", "card:4111111111111111", "ssn:123-45-6789", "ipv4:10.0.0.1", "secret_pair:x",
      "aws_access_key_id:AKIA2E0A8F3B244C9986", "ipv6:fe80::1:2",
    ]);
  });

  it("finds secrets at the very start and end, next to punctuation", () => {
    for (const secret of ["4111111111111111", "a@b.io", "10.0.0.1", "AKIA2E0A8F3B244C9986", JWT]) {
      for (const [before, after] of [["", ""], ["(", ")"], ["\\\"", "\\\""], ["\\n", "\\n"], ["\\t", ","], ["[", "]"]]) {
        const spans = find(`${before}${secret}${after}`);
        expect(spans.length, `${before}${secret}${after}`).toBe(1);
        expect(spans[0].endsWith(":" + secret)).toBe(true);
      }
    }
  });

  it("tolerates invalid UTF-8 and broken escapes next to matches", () => {
    const bytes = (...parts: Array<string | number[]>) => Uint8Array.from(parts.flatMap((p) => (typeof p === "string" ? [...new TextEncoder().encode(p)] : p)));
    const content = bytes([0xff, 0xfe], "4111111111111111", [0xc3], " a@b.io", [0x80], " \\u12", "password=x\\");
    const spans = spansOf(content);
    expect(spans.map((s) => s.detector)).toEqual(["card", "email", "secret_pair"]);
    expectWellFormed(content, spans);
    expect(find("password=\\")).toEqual(["secret_pair:\\"]);
    expect(find("x\\u00")).toEqual([]);
  });

  it("merges into the last span instead of overflowing, without trapping", () => {
    const text = Array.from({ length: 10 }, (_, i) => `u${i}@example.com`).join(" ");
    const { ptr, len } = kit.put(text);
    const count = kit.exports.detectWithCapacity(ptr, len, all, 3);
    expect(count).toBe(3);
    expect(kit.exports.detectedOverflow()).toBe(1);
    expect(kit.exports.detectedEnd(2)).toBe(len);
    kit.exports.detectWithCapacity(ptr, len, all, 4096);
    expect(kit.exports.detectedOverflow()).toBe(0);
    kit.memory.free(ptr);
  });
});

describe("robustness", () => {
  it("scans 1 MiB of log text with secrets, in linear time", () => {
    const line = jsonEscape('GET /api?user=a.b@example.com&password=hunter2 card 4111 1111 1111 1111 from 10.0.0.1 "ok"\n');
    const text = line.repeat(Math.ceil((1 << 20) / line.length)).slice(0, 1 << 20);
    const started = performance.now();
    const spans = spansOf(text);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(spans.length).toBeGreaterThan(4000); // the probe's list holds 4096; the rest is merged
  });

  it("stays linear on adversarial repetitions", () => {
    const M = 1 << 20;
    for (const unit of ["eyJ-", "xoxb-", "AIza-", "github_pat_", "aws_secret_", "a://", "a:", "1:", "4111 ", "-----BEGIN A PRIVATE KEY----- ", "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t ", "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t\\n", "?command=", "?command=-p&command=x&", "?c", "?command=mysql&command=-pA", "\\", "@a.", "pwd=\\\"", "Authorization: "]) {
      const text = unit.repeat(Math.ceil(M / unit.length)).slice(0, M);
      const started = performance.now();
      spansOf(text);
      expect(performance.now() - started, unit).toBeLessThan(2000);
    }
  });

  it("never traps and keeps spans well-formed on random bytes", () => {
    const r = new Rng(2024);
    const alphabet = '0123456789abcdefABCDEF@:=-_./\\"\' uxyzAKIAeyJghp_sk_live_xoxb-'.split("").map((c) => c.charCodeAt(0));
    for (let i = 0; i < 5000; i++) {
      const length = r.int(0, 200);
      const content = Uint8Array.from({ length }, () => (r.chance(0.7) ? r.pick(alphabet) : r.int(0, 255)));
      expectWellFormed(content, spansOf(content));
    }
  });

  it("keeps spans well-formed on mutated corpus-like text", () => {
    const r = new Rng(99);
    const pieces = ["password=", "\\\"token\\\":\\\"", "4111 1111 1111 1111", "a.b@example.com", "10.0.0.1", "fe80::1", "\\n", "\\u00e9", "\\\\", "-----BEGIN RSA PRIVATE KEY-----", "Authorization: Bearer ", JWT, "postgres://u:p@h/", " ", "&", ","];
    for (let i = 0; i < 3000; i++) {
      const text = Array.from({ length: r.int(1, 12) }, () => r.pick(pieces)).join("");
      const cut = new TextEncoder().encode(text).slice(0, r.int(0, text.length));
      expectWellFormed(cut, spansOf(cut));
    }
  });
});

describe("exec and attach command lines in a request URI (command= query parameters, URL-encoded)", () => {
  const uri = (query: string) => `/api/v1/namespaces/db/pods/mysql-0/exec?${query}`;
  const tail = "&container=main&stdin=true&stdout=true&tty=true";
  // the password only: the command and the other parameters stay readable
  const cases: Array<[string, string, Name]> = [
    ["command=mysql&command=-uroot&command=-pS3cret-Pw", "S3cret-Pw", "secret_pair"],
    ["command=mysql&command=-u&command=root&command=-p&command=S3cret-Pw", "S3cret-Pw", "secret_pair"],
    ["command=mysql&command=--password%3DS3cret-Pw", "S3cret-Pw", "secret_pair"],
    ["command=mysql&command=-uroot&command=-pS3%21cr%40t", "S3%21cr%40t", "secret_pair"],
    ["command=redis-cli&command=-a&command=S3cret-Pw", "S3cret-Pw", "secret_pair"],
    ["command=sh&command=-c&command=PGPASSWORD%3DS3cret-Pw+psql+-U+app", "S3cret-Pw", "secret_pair"],
    ["command=sh&command=-c&command=PGPASSWORD%3DS3cret-Pw%20psql%20-U%20app", "S3cret-Pw", "secret_pair"],
    ["command=psql&command=postgresql%3A%2F%2Fapp%3AS3cret-Pw%40localhost%2Fapp", "S3cret-Pw", "url_password"],
    ["command=curl&command=-H&command=Authorization%3A+Bearer+Zx81QwErTy77aBcD9f0e1d2c&command=http%3A%2F%2Flocalhost%3A8080%2Fadmin", "Zx81QwErTy77aBcD9f0e1d2c", "auth_header"],
    ["container=db&command=mysql&command=-pS3cret-Pw", "S3cret-Pw", "secret_pair"],
  ];
  for (const [query, secret, detector] of cases) {
    for (const [how, sep] of [["&", "&"], ["\\u0026 (Go's JSON)", "\\u0026"], ["\\\\u0026 (JSON text in a string)", "\\\\u0026"]]) {
      const text = uri(query + tail).replaceAll("&", sep);
      it(`finds ${secret} in ${query} (${how})`, () => expect(find(text)).toEqual([`${detector}:${secret}`]));
    }
  }
  it("scans the command line with the policy's rules only", () => {
    const mysql = uri("command=mysql&command=-uroot&command=-pS3cret-Pw" + tail);
    const psql = uri("command=psql&command=postgresql%3A%2F%2Fapp%3AS3cret-Pw%40localhost%2Fapp" + tail);
    expect(find(mysql, only("url_password"))).toEqual([]);
    expect(find(psql, only("url_password"))).toEqual(["url_password:S3cret-Pw"]);
    expect(find(psql, only("email", "ipv4"))).toEqual([]);
  });
  it("finds every secret of one command line, each where it is in the URI", () => {
    const text = uri("command=sh&command=-c&command=PGPASSWORD%3Dpw1-Secret+psql+postgresql%3A%2F%2Fu%3Apw2-Secret%40h%2Fd" + tail);
    expect(find(text)).toEqual(["secret_pair:pw1-Secret", "url_password:pw2-Secret"]);
  });
  it("finds it in the audit line as the kit's tail hands it over (escaped quotes around the URI)", () => {
    const line = `{\\"kind\\":\\"Event\\",\\"requestURI\\":\\"${uri("command=redis-cli\\\\u0026command=-a\\\\u0026command=S3cret-Pw\\\\u0026container=redis")}\\",\\"verb\\":\\"create\\"}`;
    expect(find(line)).toEqual(["secret_pair:S3cret-Pw"]);
  });
  // no password: -p is a port for these tools, the variable is a reference, no value, no command
  negatives([
    uri("command=ls&command=-la" + tail),
    uri("command=nc&command=-l&command=-p&command=8080" + tail),
    uri("command=ssh&command=-p&command=2222&command=bastion" + tail),
    uri("command=mysql&command=-u&command=root&command=-p&command=3306" + tail),
    uri("command=mysql&command=-uroot&command=-p" + tail),
    uri("command=sh&command=-c&command=mysql+-uroot+-p%24MYSQL_ROOT_PASSWORD" + tail),
    uri("command=sh&command=-c&command=echo+%24PGPASSWORD" + tail),
    uri("command=redis-cli&command=-h&command=redis&command=ping" + tail),
    uri("command=cat&command=%2Fetc%2Fresolv.conf&container=coredns"),
    uri("command=psql&command=postgresql%3A%2F%2Fdb%2Fapp" + tail),
    "/oauth/callback?code=abc&client_id=x&command=ok",
    "/api/v1/namespaces/ns/pods/p/attach?container=main&stdin=true&stdout=true&tty=true",
  ]);
});

describe("command-line secrets", () => {
  // -p after -u <user> (PsExec, mysql), PowerShell-style word flags
  positives("secret_pair", [
    ["PsExec.exe \\\\\\\\host -u DOMAIN\\\\admin -p Winter-2026 cmd", "Winter-2026"],
    ["mysql -u root -p s3cret mydb", "s3cret"],
    ["Connect-VIServer -Server vc1 -User admin -Password VMware1!", "VMware1!"],
    ["tool -ApiKey k-0123456789 -Verbose", "k-0123456789"],
    ["java -jar app.jar -password hunter22 -port 8080", "hunter22"],
    // curl's and wget's proxy credentials name themselves (no `curl` needed on the line)
    ["    --proxy-user admin:pr0xy-pw \\\\", "pr0xy-pw"],
  ]);
  negatives([
    "docker run -u 1000 -p 8080:80 nginx", "ls -token", "tool -Password $PW", "tool -PasswordFile /etc/pw", "grep -u x -p",
    "wget --proxy-user admin --proxy-password=$PROXY_PW", "--proxy-user admin:",
    "psexec -u admin -p %ADMIN_PW% cmd", "char *password = NULL;", "password = env.DB_PASSWORD", "DB_PASSWORD=process.env.DB_PASSWORD", "Connect-VIServer vc -User $u -Password \\\"$password\\\"", "password=$db_pass",
  ]);
});
