// Everything sealing keeps between records: the chains, the key and its epoch, the state file.
// Module state, not the engine's: an engine rebuilt for a new policy continues the same chains
// (and reopens them only if the seal settings that shape them changed).
import { loadKey } from "../policy/keys";
import { logLine } from "../wasi/stderr";
import { Chain, ChainTable } from "./chains";
import { SealPolicy } from "./policy";
import { SealKey, KEY_ID_SIZE } from "./sealkey";
import { StateFile } from "./state";

export class Session {
  readonly table: ChainTable;
  readonly state: StateFile;
  readonly key: SealKey = new SealKey();
  /** Records sealed by all chains, ever: the clock of key epochs and of chain recency. */
  count: u64 = 0;
  /** A problem every record must carry (missing key, unwritable state). */
  problem: string = "";

  constructor(readonly policy: SealPolicy) {
    this.table = new ChainTable(policy.maxChains);
    this.state = new StateFile(policy.stateFile);
  }

  /** Loads the state and the key (cold path). */
  open(): void {
    const policy = this.policy;
    const state = this.state;
    state.open(this.table);
    this.count = state.count;
    const problems = new Array<string>();
    if (!state.writable) problems.push(state.problem);
    else if (state.problem.length != 0) logLine(state.problem); // shows in the chains as restart gaps
    const keyProblem = this.loadKey();
    if (keyProblem.length != 0) problems.push(keyProblem);
    this.problem = problems.join("; ");
    state.writeHeader(this.key, policy.forwardSecure);
  }

  /**
   * The key: under forward security the saved epoch key of the same initial key wins (the key
   * file may be gone, as it should be); otherwise the key file; otherwise SHA-256, an error only
   * if the policy names a key file.
   */
  private loadKey(): string {
    const policy = this.policy;
    const key = this.key;
    const saved = this.state.header;
    const file = loadKey(policy.keyFile);
    const raw = file.bytes;
    if (raw != null) {
      key.setInitial(raw);
      memory.fill(changetype<usize>(raw), 0, <usize>raw.byteLength);
    }
    const savedEpochKey = policy.forwardSecure && saved.found && saved.hasEpochKey && saved.hasKeyId
      && (raw == null || memory.compare(saved.keyId, key.id, KEY_ID_SIZE) == 0);
    if (savedEpochKey) {
      key.setEpochKey(saved.epochKey, saved.keyId, saved.epoch);
      key.epochSince = saved.since;
      key.epochStart = saved.start;
      return "";
    }
    if (raw != null) {
      if (policy.forwardSecure) key.evolve(this.count, 0); // K0 itself never seals: it is only the seed
      return "";
    }
    return policy.keyRequired ? file.error + ": records are sealed with SHA-256 (integrity only, no authenticity)" : "";
  }

  /** Starts a new key epoch when the current one is over (forward security). */
  advanceEpoch(now: i64): void {
    const policy = this.policy;
    const key = this.key;
    if (!policy.forwardSecure || !key.hmac) return;
    if (key.epochSince == 0) {
      key.epochSince = now;
      this.state.writeHeader(key, true);
    } else if (key.epochOver(policy.epochRecords, policy.epochSeconds, this.count, now)) {
      key.evolve(this.count, now);
      this.state.writeHeader(key, true);
    }
  }

  /** Saves the chains with records not yet saved (persist_every > 1). */
  flush(): void {
    const chains = this.table.chains;
    for (let i = 0; i < chains.length; i++) {
      const chain = unchecked(chains[i]);
      if (chain.unsaved != 0) this.state.writeChain(chain, this.count);
    }
  }

  /** Saves a chain's state, at once or every `persist_every` records. */
  save(chain: Chain, now: bool): void {
    if (now || ++chain.unsaved >= this.policy.persistEvery) this.state.writeChain(chain, this.count);
  }

  matches(policy: SealPolicy): bool {
    const own = this.policy;
    return own.stateFile == policy.stateFile && own.keyFile == policy.keyFile && own.keyRequired == policy.keyRequired
      && own.maxChains == policy.maxChains && own.epochRecords == policy.epochRecords
      && own.epochSeconds == policy.epochSeconds && own.persistEvery == policy.persistEvery;
  }
}

let current: Session | null = null;

/** The session for these settings: the running one if they match, else a new one from the state file. */
export function sessionFor(policy: SealPolicy): Session {
  const running = current;
  if (running != null) {
    if (running.matches(policy)) return running;
    running.flush();
    running.state.close(); // the new session opens the file again, perhaps another one
  }
  const session = new Session(policy);
  session.open();
  current = session;
  return session;
}
