// Chain heads carried from one verification to the next: `logseal verify --heads-out` writes each
// chain's first and last (seq, MAC); `--continue` makes the next run start every chain exactly
// there, so a day's file that begins mid-chain is verified from yesterday's head, not trusted.
import { readFileSync, writeFileSync } from "node:fs";

export interface Head {
  seq: number;
  mac: string;
}

export interface ChainHeads {
  /** Origin and chain id: together they name a chain. */
  o: string;
  c: string;
  /** Instance id, algorithm and key id of the last record: a chain that was HMAC stays HMAC. */
  i: string;
  a: string;
  k?: string;
  first: Head;
  last: Head;
  /** Whether the chain verified in the run that wrote this. */
  verified: boolean;
}

const FORMAT = "logseal-heads-1";
const HEX64 = /^[0-9a-f]{64}$/;

/** The name a chain has across runs: origin and chain id. */
export const chainKey = (origin: string, chain: string): string => `${origin}\u0000${chain}`;

export function writeHeads(path: string, chains: ChainHeads[]): void {
  writeFileSync(path, JSON.stringify({ format: FORMAT, chains }, null, 1) + "\n", { mode: 0o600 });
}

/** The heads of a heads file by chain key (a chain that did not verify then is kept, and fails as a start). */
export function readHeads(path: string): Map<string, ChainHeads> {
  let parsed: { format?: string; chains?: ChainHeads[] };
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`--continue ${path}: ${(error as Error).message}`);
  }
  if (parsed?.format !== FORMAT || !Array.isArray(parsed.chains)) throw new Error(`--continue ${path}: not a logseal heads file (${FORMAT})`);
  const heads = new Map<string, ChainHeads>();
  for (const chain of parsed.chains) {
    const valid = typeof chain?.o === "string" && typeof chain.c === "string" && typeof chain.i === "string" && typeof chain.a === "string"
      && (chain.k === undefined || typeof chain.k === "string") && typeof chain.verified === "boolean"
      && Number.isSafeInteger(chain.last?.seq) && HEX64.test(chain.last?.mac ?? "");
    if (!valid) throw new Error(`--continue ${path}: a chain entry is malformed`);
    heads.set(chainKey(chain.o, chain.c), chain);
  }
  return heads;
}
