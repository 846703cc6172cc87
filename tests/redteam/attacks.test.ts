// The tamper suite: an outside attacker's attacks on logseal's sealed output, each in every mode
// where it applies, against `logseal verify` as a user runs it. The attacker's tools (forger.ts)
// were written from docs/seal-format.md alone (signed mode: and docs/signing.md). Modes: sha256
// (no key; verified with --allow-sha256), hmac (a key file), hmac-fs (a key file and a new epoch
// every 4 records), signed (the node's own Ed25519 keys, a new epoch every 4 records, a checkpoint
// every 3 records of a chain; verified with a trust file from `logseal keys trust`).
//
// Every verdict is recorded; `npx tsx tests/redteam/table.ts` prints the table of docs/redteam.md
// from the last run.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Line,
  type Resign,
  type Signer,
  type SigningKey,
  breakInAt,
  certStatement,
  certifiedKey,
  headStatement,
  keyPairOf,
  newKeyPair,
  rechainSigned,
  signEd25519,
  signHead,
  stolenKey,
  verifyEd25519,
  canonical,
  cloneLine,
  computeMac,
  deriveFromStolen,
  downgrade,
  epochKey,
  fromJs,
  inventChain,
  inventChainV1,
  keyId,
  parseLine,
  parseSchedule,
  rechain,
  reseal,
  scheduledEpoch,
  setMember,
  writeLine,
} from "./forger.js";
import {
  type FileContent,
  type Input,
  type Mode,
  type Verdict,
  CHECKPOINT_RECORDS,
  EPOCH_RECORDS,
  K0,
  MODES,
  OBSERVED_PATH,
  ORIGIN,
  cleanUp,
  copyState,
  inputs,
  keyPath,
  modeDir,
  cli,
  prepareCli,
  runCli,
  sealRun,
  sealRunWatching,
  signingPath,
  statePath,
  tempDir,
  verify,
} from "./harness.js";

// ---------------------------------------------------------------------------------------------
// Fixtures: legitimately sealed output of the real module, per mode.

interface Fixture {
  mode: Mode;
  /** what a verifier of this mode passes: --allow-sha256, or --key-file K */
  flags: string[];
  signer: Signer;
  /** 12 records on tag `app`, through `logseal run` (epochs 1, 2, 3 in hmac-fs) */
  base: string[];
  baseState: string;
  /** 8 records alternating tags web and db */
  tags: string[];
  tagsState: string;
  /** 8 records on tags kube.a / kube.b chained by the field ns (one chain "shop") */
  byField: string[];
  /** records with integers beyond 2^53 and 1e400 */
  numbers: string[];
  /** records stressing the canonical form */
  varied: string[];
  /** a chain over two process starts (state kept): day 2 starts with g: resume */
  day1: string[];
  day2: string[];
  /** a chain over two process starts with the state file deleted in between */
  restart: string[];
  /** max_chains 1: a×3, b×3 (evicts a), a×3 (a new genesis, evicts b) */
  evict: string[];
  evictState: string;
  /** signed: the checkpoint records of base and tags as an anchor sink holds them (files), and the trust file */
  anchors?: string;
  tagsAnchors?: string;
  trust?: string;
  /** signed: the signing file as a break-in found it in each epoch of base */
  signingFiles?: Map<number, string>;
}

const BIG_BODY = '{"msg":"numbers","id":9007199254740993,"big":1234567890123456789,"inf":1e400,"f":0.30000000000000004}';

const VARIED_BODIES = [
  '{"b":1,"a":2,"a":1,"\\u00e9":"\\u00e9\\n\\t\\"x\\"\\/","\\u20ac":[1.0,1e2,-0,1E30,0.1,5e-324,1e-7,123456789012345678901234]}',
  '{"nested":{"z":[{"y":null,"x":true}],"arr":[]},"empty":{},"s":"\\u001f\\u007f\\u2028 \\ud83d\\ude00"}',
  '{"\\ue000":1,"\\ud83d\\ude00":2,"a":3,"A":4,"":5}',
  '{"neg":-9223372036854775808,"u64":18446744073709551615,"over":18446744073709551616,"f17":0.30000000000000004,"tiny":-0.0}',
  '{"_seal":{"fake":1},"msg":"a record that came with a _seal of its own"}',
  '{"lone":"\\ud800x"}',
  "this is not JSON",
];

const BAD_TIME = 1_700_000_000;
const timed = (i: number): string => `[${BAD_TIME + i}.25, ${JSON.stringify({ msg: `record ${i}`, i, level: "info" })}]`;

function tagInputs(tags: string[], count: number): Input[] {
  return inputs("x", count).map((input, i) => ({ ...input, tag: tags[i % tags.length] }));
}

async function buildFixture(mode: Mode): Promise<Fixture> {
  const flags = mode === "sha256" ? ["--allow-sha256"] : [];
  const signer: Signer = mode === "sha256" || mode === "signed" ? { kind: "sha256" } : { kind: "k0", k0: K0 };

  const baseDir = modeDir(mode);
  let base: string[];
  let signingFiles: Map<number, string> | undefined;
  if (mode === "signed") {
    // In-process (the same module and host as `logseal run`), to read the signing file after each record.
    const watched = sealRunWatching(baseDir, Array.from({ length: 12 }, (_, i) => ({ tag: "app", body: JSON.stringify({ msg: `record ${i}`, i, level: "info" }), sec: BAD_TIME + i, nsec: 250_000_000 })));
    base = watched.lines;
    signingFiles = watched.signingFiles;
  } else {
    base = await runCli(baseDir, "app", Array.from({ length: 12 }, (_, i) => timed(i)));
  }
  const baseState = copyState(baseDir);
  if (mode === "hmac" || mode === "hmac-fs") flags.push("--key-file", keyPath(baseDir));

  const tagsDir = modeDir(mode);
  const tags = sealRun(tagsDir, tagInputs(["web", "db"], 8));
  const tagsState = copyState(tagsDir);
  const byField = sealRun(
    modeDir(mode, { chain_by: "ns" }),
    tagInputs(["kube.a", "kube.b"], 8).map((input, i) => ({ ...input, body: JSON.stringify({ ns: "shop", msg: `record ${i}` }) })),
  );
  const numbers = sealRun(modeDir(mode), inputs("nums", 3, 0, () => BIG_BODY));
  const varied = sealRun(
    modeDir(mode),
    VARIED_BODIES.map((body, i) => ({ tag: "varied", body, sec: BAD_TIME + i, nsec: i * 111_111_111 })),
  );

  const dayDir = modeDir(mode);
  const day1 = sealRun(dayDir, inputs("app", 6, 0));
  const day2 = sealRun(dayDir, inputs("app", 6, 6));

  const restartDir = modeDir(mode);
  const restart = sealRun(restartDir, inputs("app", 6, 0));
  rmSync(statePath(restartDir));
  restart.push(...sealRun(restartDir, inputs("app", 6, 6)));

  const evictDir = modeDir(mode, { max_chains: 1 });
  const evict = sealRun(evictDir, [...inputs("a", 3, 0), ...inputs("b", 3, 3), ...inputs("a", 3, 6)]);
  const evictState = copyState(evictDir);

  const fx: Fixture = { mode, flags, signer, base, baseState, tags, tagsState, byField, numbers, varied, day1, day2, restart, evict, evictState };
  if (mode === "signed") {
    // The anchor sink: what rewrite_tag copies off the node (every record with a checkpoint).
    const dir = tempDir("signed");
    fx.anchors = join(dir, "anchors-base.ndjson");
    writeFileSync(fx.anchors, base.filter((l) => parseLine(l).seal.cp).join("\n") + "\n");
    fx.tagsAnchors = join(dir, "anchors-tags.ndjson");
    writeFileSync(fx.tagsAnchors, tags.filter((l) => parseLine(l).seal.cp).join("\n") + "\n");
    // Trust on first use over every legitimate output (several instances of hostA: --accept-new).
    const all = join(dir, "all.ndjson");
    writeFileSync(all, [base, tags, byField, numbers, varied, day1, day2, restart, evict].flat().join("\n") + "\n");
    fx.trust = join(dir, "trust.json");
    const trusted = await cli(["keys", "trust", "--accept-new", "--trust", fx.trust, all]);
    if (trusted.code !== 0) throw new Error(`logseal keys trust: ${trusted.stderr}`);
    fx.signingFiles = signingFiles;
    flags.push("--trust", fx.trust);
  }
  return fx;
}

const fixtures = new Map<Mode, Fixture>();
beforeAll(async () => {
  await prepareCli();
  const built = await Promise.all(MODES.map(buildFixture));
  for (const fx of built) fixtures.set(fx.mode, fx);
});

// ---------------------------------------------------------------------------------------------
// What was observed, for docs/redteam.md.

interface Observation {
  attack: string;
  title: string;
  mode: Mode;
  code: number;
  reasons: string[];
  ms: number;
  expected: string;
  limit?: string;
  knownIssue?: string;
}
const observed: Observation[] = [];

afterAll(() => {
  const order = (id: string): number => attacks.findIndex((a) => a.id === id);
  observed.sort((a, b) => order(a.attack) - order(b.attack) || MODES.indexOf(a.mode) - MODES.indexOf(b.mode));
  writeFileSync(OBSERVED_PATH, JSON.stringify({ at: new Date().toISOString(), observed }, null, 1));
  cleanUp();
});

// ---------------------------------------------------------------------------------------------
// Helpers on lines.

const P = (lines: string[]): Line[] => lines.map(parseLine);
const W = (lines: Line[]): string[] => lines.map(writeLine);
const without = <T>(xs: T[], ...drop: number[]): T[] => xs.filter((_, i) => !drop.includes(i));

function setBody(line: Line, name: string, value: unknown): Line {
  setMember(line.body, name, fromJs(value));
  return line;
}

/** A number member rewritten as a raw text (so 9007199254740992 is written as such). */
function setRaw(line: string, from: string, to: string): string {
  if (!line.includes(from)) throw new Error(`${from} not in ${line}`);
  return line.replace(from, to);
}

/** A seal as logseal before version 3 wrote it: version 2, and keyed seals were HMAC-SHA256 then. */
function asVersion2(line: Line): void {
  line.seal.v = 2;
  if (line.seal.a === "blake2b-keyed") line.seal.a = "hmac-sha256";
}

const mAt = (lines: string[], i: number): string => parseLine(lines[i]).seal.m;
const headOf = (lines: string[], i: number): string => {
  const s = parseLine(lines[i]).seal;
  return `${s.c}=${s.s}:${s.m}`;
};

/** The line with a date member first, as out_stdout's json_lines writes it (`json_date_key date`). */
function withDate(line: string, date: string): string {
  return `{"date":${date},${line.slice(1)}`;
}
const dateOf = (t: string): string => t.slice(0, t.indexOf(".") + 7); // %.6f-like, as Fluent Bit's double

// ---------------------------------------------------------------------------------------------
// The attacks.

interface Expect {
  code: number;
  /** the reason the verifier must report (any of, when several fit the documentation) */
  reason?: string | string[];
  /** a documented limit: the attack verifies, and why it cannot be detected */
  limit?: string;
  /** the verify call must finish within this many ms */
  maxMs?: number;
}

interface Attack {
  id: string;
  title: string;
  modes: Mode[];
  /** builds the files and flags, runs verify; several calls may be made, the last is the verdict */
  run(fx: Fixture): Promise<Verdict>;
  expect: Expect | ((mode: Mode) => Expect);
  /** the verifier disagrees with the documentation here: the test is marked it.fails */
  knownIssue?: string;
  /** run alone, after the concurrent ones (timed attacks) */
  serial?: boolean;
}

const ALL = MODES;
const KEYED: Mode[] = ["hmac", "hmac-fs"];
/** Modes where a forger without the key cannot seal: HMAC and signed. */
const AUTHENTICATED: Mode[] = ["hmac", "hmac-fs", "signed"];
const attacks: Attack[] = [];
const attack = (a: Attack): void => void attacks.push(a);

// Positive controls.
attack({
  id: "control-untouched",
  title: "untouched output (logseal run, 12 records)",
  modes: ALL,
  run: (fx) => verify([fx.base], fx.flags),
  expect: { code: 0 },
});
attack({
  id: "control-upgrade-v2-to-v3",
  title: "a chain sealed as version 2 on day 1 (an older logseal, recomputed with the key) and continued as version 3 after the restart",
  modes: ["hmac"],
  run: (fx) => verify([W(rechain(P([...fx.day1, ...fx.day2]), 0, fx.signer, (l, i) => void (i < fx.day1.length && asVersion2(l))))], fx.flags),
  expect: { code: 0 },
});
attack({
  id: "seal-version-change-mid-run",
  title: "with the key: day 1's last three records recomputed as version 2 (a format change with no restart marker)",
  modes: ["hmac"],
  run: (fx) => verify([W(rechain(P([...fx.day1, ...fx.day2]), fx.day1.length - 3, fx.signer, (l, i) => void (i < fx.day1.length && asVersion2(l))))], fx.flags),
  expect: { code: 1, reason: "modified" },
});
attack({
  id: "control-upgrade-hmac-to-blake2b",
  title: "a keyed chain sealed with hmac-sha256 on day 1 (logseal before keyed BLAKE2b, recomputed with the key) and continued as blake2b-keyed after the restart",
  modes: KEYED,
  run: (fx) => verify([W(rechain(P([...fx.day1, ...fx.day2]), 0, fx.signer, (l, i) => void (i < fx.day1.length && (l.seal.a = "hmac-sha256"))))], fx.flags),
  expect: { code: 0 },
});
attack({
  id: "mac-algorithm-relabel",
  title: "one seal's a changed from blake2b-keyed to hmac-sha256, MAC untouched",
  modes: KEYED,
  run: (fx) => verify([fx.base.map((l, i) => (i === 5 ? setRaw(l, '"a":"blake2b-keyed"', '"a":"hmac-sha256"') : l))], fx.flags),
  expect: { code: 1, reason: "modified" },
});
attack({
  id: "mac-algorithm-unknown",
  title: "every seal's a changed to blake2s-keyed (an algorithm the format does not have), MACs untouched",
  modes: KEYED,
  run: (fx) => verify([fx.base.map((l) => setRaw(l, '"a":"blake2b-keyed"', '"a":"blake2s-keyed"'))], fx.flags),
  expect: { code: 1, reason: "modified" },
});
attack({
  id: "control-state-origin",
  title: "untouched output, --state (a copy of the state file) and --origin hostA",
  modes: ALL,
  run: (fx) => verify([fx.base], [...fx.flags, "--state", fx.baseState, "--origin", ORIGIN]),
  expect: { code: 0 },
});
attack({
  id: "control-forms",
  title: "untouched output in the line forms (tag: [t, r]; [t, r]; [[t, meta], r]; json_lines with date)",
  modes: ALL,
  async run(fx) {
    const tagged = await verify([W(P(fx.tags).map((l) => ({ ...l, form: "tagged", tag: l.seal.c, time: l.seal.t })))], fx.flags);
    expect(tagged.code, `tagged: ${tagged.stdout}${tagged.stderr}`).toBe(0);
    const timedForm = await verify([W(P(fx.tags).map((l) => ({ ...l, form: "timed", time: l.seal.t })))], fx.flags);
    expect(timedForm.code, `timed: ${timedForm.stdout}${timedForm.stderr}`).toBe(0);
    const withMeta = await verify([W(P(fx.tags).map((l) => ({ ...l, form: "timed", time: l.seal.t, meta: fromJs({ source: "tail" }) })))], fx.flags);
    expect(withMeta.code, `[[t, meta], r]: ${withMeta.stdout}${withMeta.stderr}`).toBe(0);
    return verify([fx.tags.map((l) => withDate(l, dateOf(parseLine(l).seal.t)))], [...fx.flags, "--date-key", "date"]);
  },
  expect: { code: 0 },
});
attack({
  id: "control-numbers",
  title: "untouched records with integers beyond 2^53 and 1e400",
  modes: ALL,
  run: (fx) => verify([fx.numbers], fx.flags),
  expect: { code: 0 },
});
attack({
  id: "control-days",
  title: "a chain over two files: day 1 --heads-out, day 2 --continue",
  modes: ALL,
  run: (fx) => verifyDays(fx, fx.day1),
  expect: { code: 0 },
});
/** `day1` verified with --heads-out (it must verify), then day 2 with --continue from those heads. */
async function verifyDays(fx: Fixture, day1: string[]): Promise<Awaited<ReturnType<typeof verify>>> {
  const heads = join(tempDir("heads"), "heads.json");
  // Signed mode: day 1's run also writes the epoch keys it certified (--trust-out), day 2's trust.
  const trustOut = join(tempDir("trust"), "trust.json");
  const first = await verify([day1], [...fx.flags, "--heads-out", heads, ...(fx.mode === "signed" ? ["--trust-out", trustOut] : [])]);
  expect(first.code, `day 1: ${first.stdout}${first.stderr}`).toBe(0);
  return verify([fx.day2], [...dayTwoFlags(fx, trustOut), "--continue", heads]);
}
/** Day 2's flags: in signed mode the trust file day 1's run wrote (--trust-out) replaces the first. */
function dayTwoFlags(fx: Fixture, trustOut: string): string[] {
  if (fx.mode !== "signed") return fx.flags;
  const flags = [...fx.flags];
  flags[flags.indexOf("--trust") + 1] = trustOut;
  return flags;
}
// Restarts after records the state file's line does not cover (HMAC and signed modes keep each
// record's sequence number in the file's time, docs/sealing.md): the resume says how many (`u`).
attack({
  id: "restart-unsaved-tail-cut",
  title: "day 1's last two records deleted before day 2's resume (which says day 1 sealed them)",
  modes: ALL,
  run(fx) {
    // The fixture must exercise a resume with u where records are authenticated, else this proves nothing.
    if (fx.mode.startsWith("hmac")) expect(P(fx.day2)[0].seal.u).toBeGreaterThanOrEqual(2); // the two cut records among those it names
    return verify([fx.day1.slice(0, -2), fx.day2], fx.flags);
  },
  expect: { code: 1, reason: "deleted" },
});
attack({
  id: "resume-u-changed",
  title: "day 2's resume claims one record more beyond the saved head (u + 1, no key)",
  modes: ALL,
  run: (fx) => verify([fx.day1, W(P(fx.day2).map((l, i) => (i === 0 ? { ...l, seal: { ...l.seal, g: "resume", u: (l.seal.u ?? 0) + 1 } } : l)))], fx.flags),
  expect: { code: 1, reason: "modified" },
});
attack({
  id: "continue-unsaved-tail-cut",
  title: "day 1 verified without its last two records (--heads-out), day 2 --continue",
  modes: ALL,
  run: (fx) => verifyDays(fx, fx.day1.slice(0, -2)),
  expect: { code: 1, reason: "headless" },
});
attack({
  id: "headless-day2",
  title: "day 2's file alone, without --continue",
  modes: ALL,
  run: (fx) => verify([fx.day2], fx.flags),
  expect: { code: 1, reason: "headless" },
});
attack({
  id: "sha256-not-allowed",
  title: "a plain SHA-256 chain verified without --allow-sha256",
  modes: ["sha256"],
  run: (fx) => verify([fx.base], []),
  expect: { code: 1, reason: "unauthenticated" },
});

// Nothing to verify.
attack({
  id: "empty-file",
  title: "an empty file",
  modes: ALL,
  run: (fx) => verify([{ text: "" }], fx.flags),
  expect: { code: 3 },
});
attack({
  id: "blank-file",
  title: "a file of blank lines",
  modes: ALL,
  run: (fx) => verify([{ text: "\n\n   \n\t\n" }], fx.flags),
  expect: { code: 3 },
});

// The classics.
attack({
  id: "modify",
  title: "change a record's content (seal untouched)",
  modes: ALL,
  run: (fx) => verify([W(P(fx.base).map((l, i) => (i === 5 ? setBody(l, "msg", "tampered") : l)))], fx.flags),
  expect: { code: 1, reason: "modified" },
});
attack({
  id: "modify-seal-time",
  title: "change a seal's t (the event time)",
  modes: ALL,
  run: (fx) =>
    verify(
      [
        W(
          P(fx.base).map((l, i) => {
            if (i === 5) l.seal.t = `${Number(l.seal.t.split(".")[0]) - 3600}.${l.seal.t.split(".")[1]}`;
            return l;
          }),
        ),
      ],
      fx.flags,
    ),
  expect: { code: 1, reason: "modified" },
});
attack({
  id: "delete-middle",
  title: "delete a record in the middle",
  modes: ALL,
  run: (fx) => verify([without(fx.base, 5)], fx.flags),
  expect: { code: 1, reason: "deleted" },
});
attack({
  id: "insert-forged",
  title: "insert a changed copy of a record after it",
  modes: ALL,
  run: (fx) => {
    const lines = fx.base.slice();
    lines.splice(6, 0, writeLine(setBody(parseLine(fx.base[5]), "msg", "inserted")));
    return verify([lines], fx.flags);
  },
  expect: { code: 1, reason: "inserted" },
});
attack({
  id: "insert-unsealed",
  title: "insert a record without a seal",
  modes: ALL,
  run: (fx) => {
    const lines = fx.base.slice();
    lines.splice(6, 0, JSON.stringify({ msg: "no seal", i: 99 }));
    return verify([lines], fx.flags);
  },
  expect: { code: 1, reason: "inserted" },
});
attack({
  id: "reorder",
  title: "swap two records",
  modes: ALL,
  run: (fx) => {
    const lines = fx.base.slice();
    [lines[5], lines[6]] = [lines[6], lines[5]];
    return verify([lines], fx.flags);
  },
  expect: { code: 1, reason: "reordered" },
});
attack({
  id: "replay",
  title: "replay a record later in the chain",
  modes: ALL,
  run: (fx) => {
    const lines = fx.base.slice();
    lines.splice(8, 0, fx.base[5]);
    return verify([lines], fx.flags);
  },
  expect: { code: 1, reason: "duplicated" },
});
attack({
  id: "truncate-end",
  title: "cut the chain's last 3 records, no head known",
  modes: ALL,
  run: (fx) => verify([fx.base.slice(0, 9)], fx.flags),
  expect: { code: 0, limit: "nothing in the remaining records says more followed: only a head from elsewhere shows it" },
});
attack({
  id: "truncate-end-expect-head",
  title: "cut the chain's last 3 records, --expect-head of the real head",
  modes: ALL,
  run: (fx) => verify([fx.base.slice(0, 9)], [...fx.flags, "--expect-head", headOf(fx.base, 11)]),
  expect: { code: 1, reason: "truncated" },
});
attack({
  id: "truncate-end-state",
  title: "cut the chain's last 3 records, --state",
  modes: ALL,
  run: (fx) => verify([fx.base.slice(0, 9)], [...fx.flags, "--state", fx.baseState]),
  expect: { code: 1, reason: "truncated" },
});
attack({
  id: "restart-state-removed",
  title: "restart with the state file removed (a new genesis mid-chain)",
  modes: ALL,
  run: (fx) => verify([fx.restart], fx.flags),
  expect: { code: 1, reason: "restart-gap" },
});
attack({
  id: "delete-start",
  title: "delete the chain's first 3 records",
  modes: ALL,
  run: (fx) => verify([fx.base.slice(3)], fx.flags),
  expect: { code: 1, reason: "headless" },
});
attack({
  id: "delete-start-state",
  title: "delete the chain's first 3 records, --state",
  modes: ALL,
  run: (fx) => verify([fx.base.slice(3)], [...fx.flags, "--state", fx.baseState]),
  expect: { code: 1, reason: "headless" },
});
attack({
  id: "evicted-first-segment",
  title: "max_chains 1: delete a's first segment and the record of b announcing its eviction",
  modes: ALL,
  run: (fx) => verify([without(fx.evict, 0, 1, 2, 3)], fx.flags),
  expect: { code: 1, reason: "headless" },
});
attack({
  id: "evicted-whole",
  title: "max_chains 1: delete a's first segment and all of chain b (a's new genesis announces b: n 3, head m)",
  modes: ALL,
  run: (fx) => verify([without(fx.evict, 0, 1, 2, 3, 4, 5)], fx.flags),
  expect: { code: 1, reason: "truncated" },
  // docs/sealing.md, "What each mode detects": "delete a whole chain: only against an expected head
  // (--state) or an eviction announcement". The announcement of b (x: {c: b, n: 3, m}) is in the
  // input, chain b is not: the verifier passes it (exit 0).
});

attack({
  id: "evicted-whole-state",
  title: "max_chains 1: delete a's first segment and all of chain b, --state",
  modes: ALL,
  run: (fx) => verify([without(fx.evict, 0, 1, 2, 3, 4, 5)], [...fx.flags, "--state", fx.evictState]),
  expect: { code: 1, reason: "truncated" },
  // The state's line for a holds b's eviction (evicted=b,3,head,0) and the input holds a's genesis
  // announcing it; a chain still in the table and absent from the input is `truncated`
  // (delete-whole-chain-state), an evicted one passes (exit 0).
});
attack({
  id: "evicted-segment-end",
  title: "max_chains 1: delete the last record of b's segment, which a's new genesis announces",
  modes: ALL,
  run: (fx) => verify([without(fx.evict, 5)], fx.flags),
  expect: { code: 1, reason: "truncated" },
});
attack({
  id: "delete-whole-chain",
  title: "delete every record of one chain (db of web/db), no state",
  modes: ALL,
  run: (fx) => verify([fx.tags.filter((l) => parseLine(l).seal.c !== "db")], fx.flags),
  expect: { code: 0, limit: "nothing in the other chains names it: only a state copy (or an eviction announcement) shows the chain existed" },
});
attack({
  id: "delete-whole-chain-state",
  title: "delete every record of one chain, --state",
  modes: ALL,
  run: (fx) => verify([fx.tags.filter((l) => parseLine(l).seal.c !== "db")], [...fx.flags, "--state", fx.tagsState]),
  expect: { code: 1, reason: "truncated" },
});
attack({
  id: "delete-start-accept-any",
  title: "delete the chain's first 3 records, verified with --accept-any-start",
  modes: ALL,
  run: (fx) => verify([fx.base.slice(3)], [...fx.flags, "--accept-any-start"]),
  expect: { code: 0, limit: "--accept-any-start is the operator saying earlier records are elsewhere (rotated files): the start is reported, not failed" },
});
const continueFrom = async (fx: Fixture): Promise<string> => {
  const heads = join(tempDir("heads"), "heads.json");
  const day1 = await verify([fx.day1], [...fx.flags, "--heads-out", heads]);
  expect(day1.code, `day 1: ${day1.stdout}${day1.stderr}`).toBe(0);
  return heads;
};
attack({
  id: "continue-delete-start",
  title: "day 2 with --continue, its first 2 records deleted",
  modes: ALL,
  run: async (fx) => verify([fx.day2.slice(2)], [...fx.flags, "--continue", await continueFrom(fx)]),
  expect: { code: 1, reason: ["headless", "deleted"] },
});
attack({
  id: "continue-replay-day1",
  title: "day 1's file presented again as day 2 (--continue with day 1's heads)",
  modes: ALL,
  run: async (fx) => verify([fx.day1], [...fx.flags, "--continue", await continueFrom(fx)]),
  expect: { code: 1, reason: ["duplicated", "headless", "restart-gap"] },
  // `verify --help`: "--continue: chains must start right after them". A chain that starts at its
  // genesis is accepted whatever head --continue gives for it: day 1 (seq 0..5) presented again
  // with day 1's head (seq 5) verifies, and day 2's records are gone without a word.
});
attack({
  id: "continue-replay-day1-cut",
  title: "day 1's file without its last 2 records presented as day 2 (--continue with day 1's heads: seq 5)",
  modes: ALL,
  run: async (fx) => verify([fx.day1.slice(0, 4)], [...fx.flags, "--continue", await continueFrom(fx)]),
  expect: { code: 1, reason: ["truncated", "duplicated", "headless", "restart-gap"] },
  // As above: the chain ends at seq 3, before the head --continue names (seq 5), and verifies.
});

// The seal's own shape.
attack({
  id: "seal-extra-member",
  title: "a member the format does not have added to one seal (MAC untouched)",
  modes: ALL,
  run: (fx) => verify([fx.base.map((l, i) => (i === 5 ? l.replace('"_seal":{', '"_seal":{"note":"approved",') : l))], fx.flags),
  expect: { code: 1, reason: ["unreadable", "modified"] },
});
attack({
  id: "seal-number-spelling",
  title: "one seal's s written 5.0 instead of 5 (same value, MAC untouched)",
  modes: ALL,
  run: (fx) => verify([fx.base.map((l, i) => (i === 5 ? setRaw(l, '"s":5,', '"s":5.0,') : l))], fx.flags),
  expect: { code: 1, reason: ["unreadable", "modified"] },
  // docs/seal-format.md: "All numbers are unsigned integers below 2^53 written in plain decimal."
  // The verifier accepts 5.0 (and so the same record in several spellings). No value changes: the
  // MAC covers s as a u64, so this is malleability of the seal's text, not a forgery.
});
attack({
  id: "seal-version-relabel",
  title: "one seal's v changed from 3 to 2 (version 2 MACs the message itself), MAC untouched",
  modes: ALL,
  run: (fx) => verify([fx.base.map((l, i) => (i === 5 ? setRaw(l, '"v":3,', '"v":2,') : l))], fx.flags),
  expect: { code: 1, reason: "modified" },
});
attack({
  id: "seal-version-relabel-future",
  title: "every seal's v changed from 3 to 4 (a version this verifier does not know), MACs untouched",
  modes: ALL,
  // The verifier's MAC code falls back to version 3's domain for a version it has no entry for
  // (cli/seal-mac.ts), so the version must be refused before: else v would not be bound to m.
  run: (fx) => verify([fx.base.map((l) => setRaw(l, '"v":3,', '"v":4,'))], fx.flags),
  expect: { code: 1, reason: "modified" },
});
attack({
  id: "seal-version-recompute-v2",
  title: "a record changed and its chain recomputed from there as version 2 seals (the older format)",
  modes: ["sha256", "signed"],
  run: (fx) =>
    verify([W(rechain(P(fx.base), 5, fx.signer, (l, i) => {
      l.seal.v = 2;
      if (i === 5) setBody(l, "msg", "tampered");
    }))], fx.flags),
  // The older format is as recomputable as the new one without a key, but a format change inside a
  // run (no restart marker) is not the module's; signed mode also catches it by its signatures.
  expect: { code: 1, reason: ["signature", "modified"] },
});
attack({
  id: "legacy-v1-chain",
  title: "an invented chain in the version-1 format (valid v1 SHA-256 links) beside the real chains",
  modes: ALL,
  run: (fx) => verify([fx.base, inventChainV1({ c: "legacy", pv: "redteam-1", bodies: [{ msg: "old" }, { msg: "older" }] })], fx.flags),
  expect: { code: 1, reason: ["unauthenticated", "modified", "unreadable"] },
});

// A keyless attacker who recomputes SHA-256 links.
attack({
  id: "recompute-modify",
  title: "change a record and recompute the SHA-256 chain from there",
  modes: ["sha256", "signed"],
  run: (fx) => verify([W(rechain(P(fx.base), 5, fx.signer, (l, i) => void (i === 5 && setBody(l, "msg", "tampered"))))], fx.flags),
  // Signed mode: the links are SHA-256 too, but the checkpoints and closing signatures no longer match them.
  expect: (mode) => (mode === "sha256" ? { code: 0, limit: "SHA-256 is integrity only: anyone recomputes the links" } : { code: 1, reason: "signature" }),
});
attack({
  id: "recompute-modify-state",
  title: "change a record and recompute the SHA-256 chain, --state",
  modes: ["sha256"],
  run: (fx) =>
    verify([W(rechain(P(fx.base), 5, fx.signer, (l, i) => void (i === 5 && setBody(l, "msg", "tampered"))))], [...fx.flags, "--state", fx.baseState]),
  expect: { code: 1, reason: ["truncated", "modified"] },
});
attack({
  id: "recompute-delete",
  title: "delete a record, renumber and recompute the SHA-256 chain",
  modes: ["sha256", "signed"],
  run: (fx) => verify([W(rechain(P(without(fx.base, 5)), 5, fx.signer, (l) => void (l.seal.s -= 1)))], fx.flags),
  expect: (mode) => (mode === "sha256" ? { code: 0, limit: "SHA-256 is integrity only: anyone recomputes the links" } : { code: 1, reason: ["signature", "modified"] }),
});
attack({
  id: "recompute-delete-state",
  title: "delete a record, renumber and recompute the SHA-256 chain, --state",
  modes: ["sha256"],
  run: (fx) => verify([W(rechain(P(without(fx.base, 5)), 5, fx.signer, (l) => void (l.seal.s -= 1)))], [...fx.flags, "--state", fx.baseState]),
  expect: { code: 1, reason: ["truncated", "modified"] },
});

// Keyless downgrade of HMAC chains.
const downgradeAll = (fx: Fixture, from = 0): string[] =>
  W(
    rechain(P(fx.base), from, { kind: "sha256" }, (l, i) => {
      downgrade(l.seal);
      if (i === 6) setBody(l, "msg", "tampered");
    }),
  );
attack({
  id: "downgrade-sha256",
  title: "every record set to a:sha256 (k/e/f/w/n and pk/cp/pc dropped), one changed, chain recomputed",
  modes: AUTHENTICATED,
  run: (fx) => verify([downgradeAll(fx)], fx.flags),
  expect: { code: 1, reason: "unauthenticated" },
});
attack({
  id: "downgrade-sha256-allowed",
  title: "the same, verified with --key-file (signed: --trust) and --allow-sha256",
  modes: AUTHENTICATED,
  run: (fx) => verify([downgradeAll(fx)], [...fx.flags, "--allow-sha256"]),
  expect: { code: 0, limit: "--allow-sha256 accepts unauthenticated chains by definition: never give it when verifying keyed logs" },
});
attack({
  id: "downgrade-tail",
  title: "records from the 7th on downgraded to sha256 and recomputed (chain has HMAC or signed records), --allow-sha256",
  modes: AUTHENTICATED,
  run: (fx) => verify([downgradeAll(fx, 6)], [...fx.flags, "--allow-sha256"]),
  expect: { code: 1, reason: "wrong-key" },
});
const invented = (fx: Fixture): string[] => {
  const real = parseLine(fx.base[0]).seal;
  return W(inventChain({ o: real.o, i: real.i, c: "audit", pv: real.pv, bodies: [{ msg: "all good" }, { msg: "nothing happened" }, { msg: "really" }] }));
};
attack({
  id: "invented-sha256-chain",
  title: "a wholly invented SHA-256 chain file beside the real chains",
  modes: ALL,
  run: (fx) => verify([fx.base, invented(fx)], fx.flags),
  expect: (mode) =>
    mode === "sha256"
      ? { code: 0, limit: "a SHA-256 deployment cannot tell an invented chain from a real one" }
      : { code: 1, reason: "unauthenticated" },
});
attack({
  id: "invented-sha256-chain-state",
  title: "a wholly invented SHA-256 chain file beside the real chains, --state",
  modes: ALL,
  run: (fx) => verify([fx.base, invented(fx)], [...fx.flags, "--state", fx.baseState]),
  expect: (mode) =>
    mode === "sha256"
      ? { code: 0, limit: "a SHA-256 deployment cannot tell an invented chain from a real one (the state names chains still in its table, not all)" }
      : { code: 1, reason: "unauthenticated" },
});

// Forward security: the attacker broke in at epoch E = 3 and holds what the module held then.
const E = 3;
function stolenSigner(fx: Fixture): (line: Line) => Signer {
  const seal0 = parseLine(fx.base[0]).seal;
  const stolen = breakInAt(K0, seal0.o, seal0.i, parseSchedule(seal0.f!), E);
  return (line) => {
    const key = deriveFromStolen(stolen, line.seal.e!);
    return { kind: "raw", key: key ?? stolen.leaf }; // an earlier epoch's key is out of reach: sign with K_E
  };
}
attack({
  id: "fs-reforge-old-wn",
  title: "key of epoch 3 stolen: cut after an epoch-1 record, re-forge the rest as epoch 3 keeping w/n",
  modes: ["hmac-fs"],
  run: (fx) => {
    const signer = stolenSigner(fx);
    return verify([W(rechain(P(fx.base), 2, signer, (l, i) => void ((l.seal.e = E), setBody(l, "msg", `forged ${i}`))))], fx.flags);
  },
  expect: { code: 1, reason: ["time", "wrong-key"] },
});
attack({
  id: "fs-claim-earlier-epoch",
  title: "key of epoch 3 stolen: change an epoch-1 record, MAC it with K_3, claim epoch 1",
  modes: ["hmac-fs"],
  run: (fx) => {
    const signer = stolenSigner(fx);
    return verify([W(P(fx.base).map((l, i) => (i === 2 ? reseal(setBody(l, "msg", "forged"), signer(l)) : l)))], fx.flags);
  },
  // The MAC does not hold under epoch 1's key: `modified` (docs/sealing.md's reason table), or
  // `wrong-key` if the verifier finds the epoch whose key made it.
  expect: { code: 1, reason: ["modified", "wrong-key"] },
});
const forgeConsistent = (fx: Fixture): string[] => {
  const signer = stolenSigner(fx);
  const lines = P(fx.base.slice(0, 6));
  return W(
    rechain(lines, 2, signer, (l, i) => {
      l.seal.e = E;
      l.seal.n = (E - 1) * EPOCH_RECORDS + (i - 2);
      setBody(l, "msg", `forged ${i}`);
    }),
  );
};
attack({
  id: "fs-forge-consistent",
  title: "key of epoch 3 stolen: cut after an epoch-1 record, forge 4 records as epoch 3 with n to match",
  modes: ["hmac-fs"],
  run: (fx) => verify([forgeConsistent(fx)], fx.flags),
  expect: { code: 0, limit: "after a break-in at E the attacker seals as logseal would from E on; cutting the end shows only against a head from elsewhere" },
});
attack({
  id: "fs-forge-consistent-head",
  title: "the same, --expect-head of the real head",
  modes: ["hmac-fs"],
  run: (fx) => verify([forgeConsistent(fx)], [...fx.flags, "--expect-head", headOf(fx.base, 11)]),
  expect: { code: 1, reason: "truncated" },
});
attack({
  id: "fs-forge-after-break-in",
  title: "key of epoch 3 stolen: change an epoch-3 record and re-MAC the rest",
  modes: ["hmac-fs"],
  run: (fx) => verify([W(rechain(P(fx.base), 9, stolenSigner(fx), (l, i) => void (i === 9 && setBody(l, "msg", "forged"))))], fx.flags),
  expect: { code: 0, limit: "a key holder (here of epoch 3 on) writes valid records for those epochs" },
});

attack({
  id: "fs-forge-later-epoch",
  title: "key of epoch 3 stolen: append 4 records of epoch 4, its key derived from what the break-in yields",
  modes: ["hmac-fs"],
  run: (fx) => {
    const lines = P(fx.base);
    const last = lines[lines.length - 1];
    for (let k = 0; k < 4; k++) {
      const forged = cloneLine(last);
      forged.seal.s = last.seal.s + 1 + k;
      forged.seal.n = E * EPOCH_RECORDS + k;
      forged.seal.e = E + 1;
      setBody(forged, "msg", `forged later ${k}`);
      lines.push(forged);
    }
    return verify([W(rechain(lines, 12, stolenSigner(fx)))], fx.flags);
  },
  expect: { code: 0, limit: "the break-in's right-hand siblings derive every later epoch's key: forward security protects the past only" },
});

// Signed mode (docs/signing.md): no key to steal from the verifier; the attacker's means are the
// links (SHA-256, recomputable), keys of his own, and what a break-in at epoch E finds in the
// signing file (the seed of E and its certificate). Epochs 1, 2, 3 = seq 0-3, 4-7, 8-11 of base;
// checkpoints at seq 0, 3, 6, 9; a closing signature of epoch 2 on seq 8 (over seq 7).
const SIGNED: Mode[] = ["signed"];
const BROKE_AT = 3;
const stolenAt = (fx: Fixture, epoch = BROKE_AT): SigningKey => stolenKey(fx.signingFiles!.get(epoch)!);
/** Re-signs a signature object with `key` as it was (same head number and time), over head `m`. */
const resignWith = (key: SigningKey): Resign => (seal, old, _kind, m) => signHead(seal, key, old.s, m, old.w);
/** Signatures of epoch E or later re-signed with the stolen key; the earlier ones handled by `earlier`. */
function breakIn(fx: Fixture, earlier: Resign): Resign {
  const key = stolenAt(fx);
  return (seal, old, kind, m) => (old.e >= key.e ? resignWith(key)(seal, old, kind, m) : earlier(seal, old, kind, m));
}
const forgeEarlier = (fx: Fixture, earlier: Resign): string[] =>
  W(rechainSigned(P(fx.base), 2, breakIn(fx, earlier), (l, i) => void (i === 2 && setBody(l, "msg", "forged"))));
const withAnchors = (fx: Fixture, anchors = fx.anchors!): string[] => [...fx.flags, "--anchors", anchors];
const trustWithout = (fx: Fixture): string[] => fx.flags.filter((f, i) => f !== "--trust" && fx.flags[i - 1] !== "--trust");

attack({
  id: "signed-no-trust",
  title: "signed output verified without a trust file",
  modes: SIGNED,
  run: (fx) => verify([fx.base], trustWithout(fx)),
  expect: { code: 1, reason: "no-key" },
});
attack({
  id: "signed-other-trust",
  title: "a trust file that holds another key for hostA",
  modes: SIGNED,
  run: (fx) => {
    const trust = join(tempDir("trust"), "other.json");
    writeFileSync(trust, JSON.stringify({ logseal_trust: 1, keys: [{ origin: ORIGIN, key: newKeyPair().pk }] }));
    return verify([fx.base], [...trustWithout(fx), "--trust", trust]);
  },
  expect: { code: 1, reason: "untrusted" },
});
attack({
  id: "signed-own-key",
  title: "the whole chain re-sealed under the attacker's own node key (epoch keys certified by it), one record changed",
  modes: SIGNED,
  run: (fx) => {
    const root = { ...newKeyPair(), e: 0 };
    const seal0 = parseLine(fx.base[0]).seal;
    const epochKeys = new Map<number, SigningKey>();
    const keyOf = (e: number) => epochKeys.get(e) ?? (epochKeys.set(e, certifiedKey(seal0, root, e)), epochKeys.get(e)!);
    return verify([W(rechainSigned(P(fx.base), 0, (seal, old, _kind, m) => signHead(seal, keyOf(old.e), old.s, m, old.w), (l, i) => {
      l.seal.k = root.pk.slice(0, 16);
      if (l.seal.pk) l.seal.pk = root.pk;
      if (i === 5) setBody(l, "msg", "forged");
    }))], fx.flags);
  },
  expect: { code: 1, reason: "untrusted" },
});
attack({
  id: "signed-strip-signatures",
  title: "every checkpoint and closing signature after the genesis removed, links recomputed (flags in m follow)",
  modes: SIGNED,
  run: (fx) => verify([W(rechainSigned(P(fx.base), 1, () => "drop"))], fx.flags),
  expect: { code: 1, reason: "unsigned" },
});
attack({
  id: "signed-break-in-earlier-keep",
  title: "seed of epoch 3 stolen: change an epoch-1 record, re-sign what epoch 3 can, keep the earlier signatures",
  modes: SIGNED,
  run: (fx) => verify([forgeEarlier(fx, () => "keep")], fx.flags),
  expect: { code: 1, reason: "signature" },
});
attack({
  id: "signed-break-in-earlier-drop",
  title: "seed of epoch 3 stolen: change an epoch-1 record, drop the signatures of epochs 1 and 2",
  modes: SIGNED,
  run: (fx) => verify([forgeEarlier(fx, () => "drop")], fx.flags),
  expect: { code: 1, reason: ["unsigned", "signature"] },
});
attack({
  id: "signed-break-in-earlier-claim",
  title: "seed of epoch 3 stolen: change an epoch-1 record, sign its epoch-1 and -2 heads with the epoch-3 key",
  modes: SIGNED,
  run: (fx) => verify([forgeEarlier(fx, resignWith(stolenAt(fx)))], fx.flags),
  expect: { code: 1, reason: ["signature", "modified"] },
});
attack({
  id: "signed-break-in-certify-earlier",
  title: "seed of epoch 3 stolen: new keys for epochs 1 and 2, certified as by the node key (ce 0) and each other with the epoch-3 key",
  modes: SIGNED,
  run: (fx) => {
    const stolen = stolenAt(fx);
    const seal0 = parseLine(fx.base[0]).seal;
    const pair = newKeyPair();
    // A certificate statement naming the node key (ce 0) as the signer, signed with the epoch-3 key.
    const e1: SigningKey = { ...pair, e: 1, ce: 0, cs: signEd25519(stolen.seed, certStatement(seal0.o, seal0.i, 0, 1, pair.pk)) };
    const e2 = certifiedKey(seal0, e1, 2);
    const keys = new Map<number, SigningKey>([[1, e1], [2, e2]]);
    return verify([forgeEarlier(fx, (seal, old, _kind, m) => signHead(seal, keys.get(old.e)!, old.s, m, old.w))], fx.flags);
  },
  expect: { code: 1, reason: "signature" },
});
attack({
  id: "signed-break-in-reforge-old-wn",
  title: "seed of epoch 3 stolen: cut after an epoch-1 record, re-forge the rest as epoch 3 keeping w/n",
  modes: SIGNED,
  run: (fx) => {
    const stolen = stolenAt(fx);
    return verify([W(rechainSigned(P(fx.base), 2, (seal, old, _kind, m) => signHead(seal, stolen, old.s, m, old.w), (l, i) => void ((l.seal.e = BROKE_AT), setBody(l, "msg", `forged ${i}`))))], fx.flags);
  },
  expect: { code: 1, reason: ["time", "signature"] },
});
/** Records from `keep` on (a checkpoint ends what is kept) forged as epoch 3 with the count to match, four of them, the rest cut. */
const signedForgeFrom = (fx: Fixture, keep: number): string[] => {
  const stolen = stolenAt(fx);
  return W(rechainSigned(P(fx.base.slice(0, keep + 4)), keep, (seal, old, _kind, m) => signHead(seal, stolen, old.s, m, old.w), (l, i) => {
    l.seal.e = BROKE_AT;
    l.seal.n = (BROKE_AT - 1) * EPOCH_RECORDS + (i - keep);
    setBody(l, "msg", `forged ${i}`);
  }));
};
const signedForgeConsistent = (fx: Fixture): string[] => signedForgeFrom(fx, 7);
attack({
  id: "signed-break-in-skip-epoch",
  title: "seed of epoch 3 stolen: keep seq 0-3 (epoch 1, ends on a checkpoint), forge seq 4-7 as epoch 3 with n to match, cut the rest",
  modes: SIGNED,
  run: (fx) => verify([signedForgeFrom(fx, 4)], fx.flags),
  // No signature of epoch 2's key is left: the epoch-3 key's certificate (by epoch 2) leads nowhere.
  expect: { code: 1, reason: "signature" },
});
attack({
  id: "signed-break-in-forge-consistent",
  title: "seed of epoch 3 stolen: keep seq 0-6 (ends on epoch 2's checkpoint), forge seq 7-10 as epoch 3 with n to match, cut the rest",
  modes: SIGNED,
  run: (fx) => verify([signedForgeConsistent(fx)], fx.flags),
  expect: { code: 0, limit: "after a break-in at E the attacker signs as the node would from E on; the cut shows only against a head kept elsewhere (anchors)" },
});
attack({
  id: "signed-break-in-forge-consistent-anchored",
  title: "the same, --anchors (the checkpoints rewrite_tag copied off the node)",
  modes: SIGNED,
  run: (fx) => verify([signedForgeConsistent(fx)], withAnchors(fx)),
  expect: { code: 1, reason: ["truncated", "modified"] },
});
attack({
  id: "signed-break-in-forge-after",
  title: "seed of epoch 3 stolen: change the epoch-3 checkpoint record (seq 9) and re-sign it",
  modes: SIGNED,
  run: (fx) => verify([W(rechainSigned(P(fx.base), 9, breakIn(fx, () => "keep"), (l, i) => void (i === 9 && setBody(l, "msg", "forged"))))], fx.flags),
  expect: { code: 0, limit: "a holder of the epoch-E key signs valid records for epoch E and later" },
});
attack({
  id: "signed-break-in-forge-later-epoch",
  title: "seed of epoch 3 stolen: append 4 records of epoch 4 under a key the stolen one certifies (closing signature of seq 11 included)",
  modes: SIGNED,
  run: (fx) => {
    const stolen = stolenAt(fx);
    const lines = P(fx.base);
    const last = lines[lines.length - 1];
    const e4 = certifiedKey(last.seal, stolen, BROKE_AT + 1);
    for (let k = 0; k < 4; k++) {
      const forged = cloneLine(last);
      forged.seal.s = last.seal.s + 1 + k;
      forged.seal.n = BROKE_AT * EPOCH_RECORDS + k;
      forged.seal.e = BROKE_AT + 1;
      delete forged.seal.cp;
      delete forged.seal.pc;
      // The first one closes seq 11 (epoch 3, unsigned) with the epoch-3 key and is a checkpoint of epoch 4.
      if (k === 0) {
        forged.seal.pc = signHead(forged.seal, stolen, last.seal.s, last.seal.m, last.seal.w!);
        forged.seal.cp = { e: 0, s: 0, w: 0, pk: e4.pk, sg: "" };
      }
      setBody(forged, "msg", `forged later ${k}`);
      lines.push(forged);
    }
    return verify([W(rechainSigned(lines, 12, (seal, old, kind, m) => (kind === "pc" ? "keep" : signHead(seal, e4, seal.s, m, seal.w!))))], fx.flags);
  },
  expect: { code: 0, limit: "a break-in at E certifies keys for every later epoch: forward security protects the past only" },
});
attack({
  id: "signed-truncate-anchored",
  title: "cut the chain's last 3 records (the last anchored checkpoint, seq 9, among them), --anchors",
  modes: SIGNED,
  run: (fx) => verify([fx.base.slice(0, 9)], withAnchors(fx)),
  expect: { code: 1, reason: "truncated" },
});
attack({
  id: "signed-truncate-tail-anchored",
  title: "cut only the unsigned tail after the last anchored checkpoint (seq 10, 11), --anchors",
  modes: SIGNED,
  run: (fx) => verify([fx.base.slice(0, 10)], withAnchors(fx)),
  expect: { code: 0, limit: "anchors hold a chain up to its last anchored checkpoint: the unsigned tail after it can be cut (bounded by checkpoint_records / checkpoint_seconds)" },
});
attack({
  id: "signed-delete-chain-anchored",
  title: "delete every record of one chain (db of web/db), --anchors",
  modes: SIGNED,
  run: (fx) => verify([fx.tags.filter((l) => parseLine(l).seal.c !== "db")], withAnchors(fx, fx.tagsAnchors)),
  expect: { code: 1, reason: "truncated" },
});
attack({
  id: "signed-anchor-sink-tampered",
  title: "the anchor sink itself changed (one anchored checkpoint record edited)",
  modes: SIGNED,
  run: (fx) => {
    const file = join(tempDir("anchors"), "anchors.ndjson");
    const anchors = readFileSync(fx.anchors!, "utf8").trimEnd().split("\n");
    anchors[1] = writeLine(setBody(parseLine(anchors[1]), "msg", "forged"));
    writeFileSync(file, anchors.join("\n") + "\n");
    return verify([fx.base], withAnchors(fx, file));
  },
  // verify refuses to run on anchors that do not verify: exit 1 before any record is read.
  expect: { code: 1 },
});

// Parts of the line outside the record.
const taggedLines = (fx: Fixture): Line[] => P(fx.tags).map((l) => ({ ...l, form: "tagged" as const, tag: l.seal.c, time: l.seal.t }));
attack({
  id: "tag-rewrite",
  title: "tag: [t, r] lines: one record's tag rewritten to the other chain's tag",
  modes: ALL,
  run: (fx) => {
    const lines = taggedLines(fx);
    const other = lines[1].seal.c;
    lines[2] = { ...lines[2], tag: other };
    return verify([W(lines)], fx.flags);
  },
  expect: { code: 1, reason: "tag" },
});
attack({
  id: "tag-rewrite-by-field",
  title: "chains by a field (chain_by ns): one record's tag rewritten in tag: [t, r] lines",
  modes: ALL,
  run: (fx) => {
    const lines = P(fx.byField).map((l) => ({ ...l, form: "tagged" as const, tag: l.seal.s % 2 === 0 ? "kube.a" : "kube.b", time: l.seal.t }));
    lines[2] = { ...lines[2], tag: "kube.evil" };
    return verify([W(lines)], fx.flags);
  },
  expect: { code: 0, limit: "with chains by field the tag is not in the seal (documented: not covered)" },
});
attack({
  id: "outer-time",
  title: "[t, r] lines: one record's outer time changed by a second",
  modes: ALL,
  run: (fx) => {
    const lines = P(fx.tags).map((l) => ({ ...l, form: "timed" as const, time: l.seal.t }));
    const [sec, frac] = lines[4].seal.t.split(".");
    lines[4].time = `${Number(sec) + 1}.${frac}`;
    return verify([W(lines)], fx.flags);
  },
  expect: { code: 1, reason: "time" },
});
attack({
  id: "date-key",
  title: "json_lines with --date-key date: one record's date changed by a second",
  modes: ALL,
  run: (fx) => {
    const lines = fx.tags.map((l, i) => {
      const date = dateOf(parseLine(l).seal.t);
      return withDate(l, i === 4 ? String(Number(date.split(".")[0]) + 1) + "." + date.split(".")[1] : date);
    });
    return verify([lines], [...fx.flags, "--date-key", "date"]);
  },
  expect: { code: 1, reason: "time" },
});

// Numbers a double cannot tell apart.
attack({
  id: "int-2^53+1",
  title: "9007199254740993 changed to 9007199254740992",
  modes: ALL,
  run: (fx) => verify([fx.numbers.map((l, i) => (i === 1 ? setRaw(l, '"id":9007199254740993', '"id":9007199254740992') : l))], fx.flags),
  expect: { code: 1, reason: "modified" },
});
attack({
  id: "int-19-digits",
  title: "a 19-digit id raised by 200",
  modes: ALL,
  run: (fx) => verify([fx.numbers.map((l, i) => (i === 1 ? setRaw(l, '"big":1234567890123456789', '"big":1234567890123456989') : l))], fx.flags),
  expect: { code: 1, reason: "modified" },
});
attack({
  id: "inf-to-null",
  title: "1e400 changed to null",
  modes: ALL,
  run: (fx) => verify([fx.numbers.map((l, i) => (i === 1 ? setRaw(l, '"inf":1e400', '"inf":null') : l))], fx.flags),
  expect: { code: 1, reason: "modified" },
});

// Origin.
attack({
  id: "origin-other-host",
  title: "host A's file presented as host B's (--origin hostB)",
  modes: ALL,
  run: (fx) => verify([fx.base], [...fx.flags, "--origin", "hostB"]),
  expect: { code: 1, reason: "origin" },
});
attack({
  id: "origin-changed-in-seal",
  title: "every seal's o changed to hostB (MACs untouched), --origin hostB",
  modes: ALL,
  run: (fx) =>
    verify(
      [
        W(
          P(fx.base).map((l) => {
            l.seal.o = "hostB";
            return l;
          }),
        ),
      ],
      [...fx.flags, "--origin", "hostB"],
    ),
  expect: { code: 1, reason: "modified" },
});
const otherInstance = "0123456789abcdef";
attack({
  id: "instance-changed",
  title: "the instance id changed from the 7th record on (MACs untouched)",
  modes: ALL,
  run: (fx) =>
    verify(
      [
        W(
          P(fx.base).map((l, i) => {
            if (i >= 6) l.seal.i = otherInstance;
            return l;
          }),
        ),
      ],
      fx.flags,
    ),
  expect: { code: 1, reason: "modified" },
});
attack({
  id: "instance-changed-resealed",
  title: "the instance id changed from the 7th record on, chain re-MACed with the key (a key holder)",
  modes: ALL,
  run: (fx) => verify([W(rechain(P(fx.base), 6, fx.signer, (l) => void (l.seal.i = otherInstance)))], fx.flags),
  expect: { code: 1, reason: "origin" },
});

// The verifier under absurd claims: it must answer at once.
const lastWith = (fx: Fixture, change: (l: Line) => void): string[] => W(P(fx.base).map((l, i) => (i === 11 ? (change(l), l) : l)));
const FAST = 5_000;
/** an untouched verify measured just before, in the same conditions */
let baselineMs = 0;
attack({
  id: "dos-epoch-3M",
  serial: true,
  title: "one record claims epoch 3,000,000",
  modes: AUTHENTICATED,
  run: (fx) => verify([lastWith(fx, (l) => void (l.seal.e = 3_000_000))], fx.flags),
  expect: (mode) => ({ code: 1, reason: mode === "hmac-fs" || mode === "signed" ? "time" : ["wrong-key", "modified"], maxMs: FAST }),
});
attack({
  id: "dos-epoch-3M-n",
  serial: true,
  title: "one record claims epoch 3,000,000 with n to match",
  modes: ["hmac-fs"],
  run: (fx) => verify([lastWith(fx, (l) => void ((l.seal.e = 3_000_000), (l.seal.n = (3_000_000 - 1) * EPOCH_RECORDS)))], fx.flags),
  expect: { code: 1, reason: ["wrong-key", "modified"], maxMs: FAST },
});
attack({
  id: "dos-epoch-max",
  serial: true,
  title: "one record claims epoch 4294967295",
  modes: KEYED,
  run: (fx) => verify([lastWith(fx, (l) => void (l.seal.e = 4_294_967_295))], fx.flags),
  expect: { code: 1, reason: ["time", "wrong-key", "modified"], maxMs: FAST },
});
attack({
  id: "dos-epoch-2^32-n",
  serial: true,
  title: "one record claims epoch 2^32 with n to match",
  modes: ["hmac-fs"],
  run: (fx) => verify([lastWith(fx, (l) => void ((l.seal.e = 2 ** 32), (l.seal.n = (2 ** 32 - 1) * EPOCH_RECORDS)))], fx.flags),
  expect: { code: 1, reason: ["time", "wrong-key", "modified"], maxMs: FAST },
});
attack({
  id: "dos-absurd-w",
  serial: true,
  title: "one record claims w = 2^53 - 1 (far in the future)",
  modes: ["hmac-fs", "signed"],
  run: (fx) => verify([lastWith(fx, (l) => void (l.seal.w = 2 ** 53 - 1))], fx.flags),
  expect: { code: 1, reason: "time", maxMs: FAST },
});

// ---------------------------------------------------------------------------------------------

function describeExpect(x: Expect): string {
  if (x.limit) return `verifies (limit)`;
  const reasons = x.reason === undefined ? "" : ` ${[x.reason].flat().join("|")}`;
  return `exit ${x.code}${reasons}`;
}

describe("the forger reproduces the module's MACs (docs/seal-format.md alone)", () => {
  for (const mode of MODES) {
    it(`${mode}: every legitimately sealed record`, () => {
      const fx = fixtures.get(mode)!;
      const all = [...fx.base, ...fx.tags, ...fx.byField, ...fx.numbers, ...fx.varied, ...fx.day1, ...fx.day2, ...fx.restart, ...fx.evict];
      expect(parseLine(fx.byField[0]).seal.cb, "chains by field carry cb").toBe("ns");
      expect(parseLine(fx.evict[3]).seal.x?.c, "b's genesis announces a's eviction").toBe("a");
      const mismatches: string[] = [];
      for (const text of all) {
        const line = parseLine(text);
        expect(line.seal.v, `seal version of ${text}`).toBe(3);
        if (mode === "hmac" || mode === "hmac-fs") expect(line.seal.k).toBe(keyId(K0));
        if (mode === "hmac-fs" || mode === "signed") {
          const f = parseSchedule(line.seal.f!);
          expect(line.seal.e, `epoch of ${text}`).toBe(scheduledEpoch(f, line.seal.w!, line.seal.n!));
        }
        const mac = computeMac(line.seal, line.body, fx.signer);
        if (mac !== line.seal.m) mismatches.push(`${text}\n  canonical: ${canonical(line.body)}\n  forger m: ${mac}`);
      }
      expect(mismatches, mismatches.join("\n")).toEqual([]);
    });
  }

  it("signed: every checkpoint, closing signature and key certificate verifies as docs/signing.md says (node:crypto)", () => {
    const fx = fixtures.get("signed")!;
    const all = [...fx.base, ...fx.tags, ...fx.byField, ...fx.numbers, ...fx.varied, ...fx.day1, ...fx.day2, ...fx.restart, ...fx.evict];
    const keysByInstance = new Map<string, Map<number, Set<string>>>();
    const certificates: { o: string; i: string; e: number; pk: string; ce: number; cs: string }[] = [];
    let signatures = 0;
    for (const text of all) {
      const { seal } = parseLine(text);
      expect(seal.a).toBe("ed25519");
      const keys = keysByInstance.get(seal.i) ?? new Map<number, Set<string>>();
      keysByInstance.set(seal.i, keys);
      const note = (e: number, pk: string) => keys.set(e, (keys.get(e) ?? new Set()).add(pk));
      if (seal.pk) {
        expect(seal.k).toBe(seal.pk.slice(0, 16));
        note(0, seal.pk);
      }
      for (const [kind, sig] of [["cp", seal.cp], ["pc", seal.pc]] as const) {
        if (!sig) continue;
        signatures++;
        expect(verifyEd25519(sig.pk, headStatement(seal, sig, kind === "cp" ? seal.m : seal.p), sig.sg), `${kind} of ${text}`).toBe(true);
        note(sig.e, sig.pk);
        if (sig.ce !== undefined) certificates.push({ o: seal.o, i: seal.i, e: sig.e, pk: sig.pk, ce: sig.ce, cs: sig.cs! });
      }
    }
    expect(signatures).toBeGreaterThan(20);
    expect(certificates.length).toBeGreaterThan(0);
    for (const c of certificates) {
      const signers = [...(keysByInstance.get(c.i)!.get(c.ce) ?? [])];
      expect(signers.some((pk) => verifyEd25519(pk, certStatement(c.o, c.i, c.ce, c.e, c.pk), c.cs)), `certificate of epoch ${c.e} by ${c.ce}`).toBe(true);
    }
    // What the break-in found: the seed of each epoch is that epoch's key, and the certificate with it is the seals' one.
    for (const [epoch, file] of fx.signingFiles!) {
      const stolen = stolenKey(file);
      expect(stolen.e).toBe(epoch);
      expect(P(fx.base).some((l) => l.seal.cp?.pk === stolen.pk && l.seal.cp.cs === stolen.cs)).toBe(true);
    }
  });

  it("hmac-fs: what a break-in at epoch E yields derives every epoch from E on, and none before", () => {
    const f = { T1: 1_700_000_000, S: 3600, R: 4 };
    const i = "00112233445566aa";
    for (const brokeAt of [1, 2, 3, 5, 1000, 2 ** 31, 2 ** 32 - 2]) {
      const stolen = breakInAt(K0, ORIGIN, i, f, brokeAt);
      for (const e of [brokeAt - 1, brokeAt, brokeAt + 1, brokeAt + 7, 2 ** 32 - 1]) {
        if (e < 1 || e >= 2 ** 32) continue;
        const derived = deriveFromStolen(stolen, e);
        if (e < brokeAt) expect(derived).toBeUndefined();
        else expect(derived?.toString("hex")).toBe(epochKey(K0, ORIGIN, i, f, e).toString("hex"));
      }
    }
  });
});

function attackTest(a: Attack, mode: Mode): void {
  const x = typeof a.expect === "function" ? a.expect(mode) : a.expect;
  const name = `${a.id} [${mode}]: ${a.title} -> ${x.limit ? "verifies (documented limit)" : describeExpect(x)}`;
  const test = a.knownIssue ? it.fails : it;
  test(name, async () => {
    const fx = fixtures.get(mode)!;
    const v = await a.run(fx);
    observed.push({
      attack: a.id,
      title: a.title,
      mode,
      code: v.code,
      reasons: v.reasons,
      ms: Math.round(v.ms),
      expected: describeExpect(x),
      limit: x.limit,
      knownIssue: a.knownIssue,
    });
    const context = `exit ${v.code}\n${v.stdout}\n${v.stderr}`;
    expect(v.code, context).toBe(x.code);
    if (x.reason !== undefined) expect([x.reason].flat().some((r) => v.reasons.includes(r)), context).toBe(true);
    if (x.code === 0) expect(v.reasons, context).toEqual([]);
    // Timed against an untouched verify just before: the process start is not the attack's cost.
    if (x.maxMs !== undefined) expect(v.ms, `baseline ${baselineMs} ms`).toBeLessThan(Math.max(x.maxMs, baselineMs + 2_000));
  });
}

describe.concurrent("attacks", () => {
  for (const a of attacks) if (!a.serial) for (const mode of a.modes) attackTest(a, mode);
});

describe("the verifier under absurd claims (one at a time, each within 5 s)", () => {
  beforeAll(async () => {
    const fx = fixtures.get("hmac-fs")!;
    baselineMs = (await verify([fx.base], fx.flags)).ms;
  });
  for (const a of attacks) if (a.serial) for (const mode of a.modes) attackTest(a, mode);
});

describe("the bundled CLI answers as bin/logseal.js does", () => {
  it("same exit status and JSON on an untouched, a modified and a headless file", async () => {
    const fx = fixtures.get("hmac-fs")!;
    const cases: FileContent[] = [fx.base, W(P(fx.base).map((l, i) => (i === 5 ? setBody(l, "msg", "tampered") : l))), fx.day2];
    for (const file of cases) {
      const [bundled, real] = await Promise.all([verify([file], fx.flags), verify([file], fx.flags, true)]);
      const strip = (v: Verdict) => ({ code: v.code, reasons: v.reasons, records: v.records, failures: v.failures.map((f) => ({ ...f, file: "" })) });
      expect(strip(bundled)).toEqual(strip(real));
    }
  });
});

