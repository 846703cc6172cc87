// `logseal keys trust`: the origins' public node keys, collected from the segment starts of signed
// output into a trust file for `logseal verify --trust` (docs/signing.md, "Trust"). Trust on first
// use: a new origin's key is added if its record proves possession of it (its own checkpoint, or the
// certificate the node key gave the checkpoint's key); a different key for a known origin is listed
// and added only with --accept-new. --pin adds keys read elsewhere (the module's stderr at node start).
import { createReadStream, existsSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { type Checked, KeyRing, checkLine } from "./verify.ts";
import { MAX_LINE_BYTES, byteLines, decodeUtf8 } from "./utf8.ts";
import { type TrustEntry, type TrustFile, certificateStatement, readTrust, verifySignature } from "./signed.ts";
import { fail } from "./util.ts";

const USAGE = `usage: logseal keys trust [--trust TRUST] [--pin ORIGIN=KEY]... [--accept-new] [FILE...]
  FILE          sealed NDJSON in signed mode (Fluent Bit's output); - for stdin
  --trust       the trust file to extend (written back); without it the result goes to stdout
  --pin         trust KEY (64 hex) for ORIGIN, read from the node itself (stderr at its first start)
  --accept-new  also add keys of origins the file already trusts with another key (a rebuilt node, lost state)
exit status: 0 done, 1 keys were presented and not added (review them), 2 usage error`;

interface Candidate {
  origin: string;
  key: string;
  instance: string;
  since: string;
  source: string;
  /** Whether a record showed that the node holds the key (a signature by it). */
  proven: boolean;
}

/** What the files held besides the keys: lines that are no record, signed records. */
export interface Skipped {
  notRecords: number;
  signed: number;
}

/** Node keys the files' segment starts publish, with whether each is proven. */
export async function collectKeys(files: string[], skipped: Skipped = { notRecords: 0, signed: 0 }): Promise<Candidate[]> {
  const keys = new KeyRing([]);
  const found = new Map<string, Candidate>();
  for (const file of files) {
    const input = file === "-" ? process.stdin : createReadStream(file);
    let line = 0;
    // Lines as verify reads them (cli/utf8.ts): split at \n only, an invalid byte never read as U+FFFD.
    for await (const bytes of byteLines(input, MAX_LINE_BYTES)) {
      line++;
      const checked: Checked = Buffer.isBuffer(bytes) ? checkLine(decodeUtf8(bytes), keys) : { kind: "failure", reason: "unreadable", detail: "too long" };
      if (checked.kind === "failure") skipped.notRecords++;
      if (checked.kind === "record" && checked.seal.a === "ed25519") skipped.signed++;
      if (checked.kind !== "record" || checked.seal.a !== "ed25519" || !checked.seal.pk || checked.macFailure) continue;
      const seal = checked.seal;
      const id = `${seal.o}\u0000${seal.pk}`;
      const candidate = found.get(id) ?? { origin: seal.o, key: seal.pk!, instance: seal.i, since: seal.t, source: `${file}:${line}`, proven: false };
      found.set(id, candidate);
      // Possession: the checkpoint is the node key's own, or its key carries the node key's certificate.
      const cp = seal.cp;
      if (cp && (cp.pk === seal.pk || (cp.ce === 0 && verifySignature(seal.pk!, certificateStatement(seal.o, seal.i, 0, cp.e, cp.pk), cp.cs!)))) {
        candidate.proven = true;
      }
    }
  }
  return [...found.values()];
}

export async function main(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== "trust") return fail(USAGE);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        trust: { type: "string" },
        pin: { type: "string", multiple: true },
        "accept-new": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE + "\n");
    return 0;
  }
  let trust: TrustFile;
  try {
    trust = values.trust && existsSync(values.trust) ? readTrust(values.trust) : { logseal_trust: 1, keys: [] };
  } catch (error) {
    return fail((error as Error).message);
  }
  const has = (origin: string, key: string) => trust.keys.some((k) => k.origin === origin && k.key === key);
  const knows = (origin: string) => trust.keys.some((k) => k.origin === origin);
  const add = (entry: TrustEntry) => {
    trust.keys.push(entry);
    process.stderr.write(`trusted: ${JSON.stringify(entry.origin)} ${entry.key} (${entry.source})\n`);
  };
  for (const spec of values.pin ?? []) {
    const match = /^(.*)=([0-9a-f]{64})$/.exec(spec);
    if (!match) return fail(`--pin ${spec}: expected ORIGIN=KEY (KEY: 64 hex digits)`);
    if (!has(match[1], match[2])) add({ origin: match[1], key: match[2], source: "pinned" });
  }
  let refused = 0;
  let candidates: Candidate[];
  const skipped: Skipped = { notRecords: 0, signed: 0 };
  try {
    candidates = await collectKeys(positionals, skipped);
  } catch (error) {
    return fail((error as Error).message, 1);
  }
  // Nothing read is left unsaid: a file of something else gives no key, and says why.
  if (skipped.notRecords > 0) process.stderr.write(`logseal: keys trust: ${skipped.notRecords} lines are not sealed records (skipped)\n`);
  if (positionals.length > 0 && skipped.signed === 0) process.stderr.write("logseal: keys trust: no signed-mode record (\"a\": \"ed25519\") in the input: no node key to collect\n");
  for (const c of candidates) {
    if (has(c.origin, c.key)) continue;
    if (!c.proven) {
      refused++;
      process.stderr.write(`not trusted: ${JSON.stringify(c.origin)} ${c.key} (${c.source}): no record shows the node holds it\n`);
    } else if (knows(c.origin) && !values["accept-new"]) {
      refused++;
      process.stderr.write(`NEW KEY for ${JSON.stringify(c.origin)}: ${c.key} (instance ${c.instance}, ${c.source}): a rebuilt node or lost state, or an impostor; check it on the node, then --accept-new or --pin\n`);
    } else {
      add({ origin: c.origin, key: c.key, instance: c.instance, since: c.since, source: `first use: ${c.source}` });
    }
  }
  const text = JSON.stringify(trust, null, 2) + "\n";
  if (values.trust) writeFileSync(values.trust, text);
  else process.stdout.write(text);
  return refused > 0 ? 1 : 0;
}
