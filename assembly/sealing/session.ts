// Everything sealing keeps between records: the chains, the identity, the key and its epoch,
// the state file. Module state, not the engine's: an engine rebuilt for a new policy continues
// the same chains (and reopens them only if the seal settings that shape them changed).
import { loadKey } from "../policy/keys";
import { realtimeNs } from "../wasi/clock";
import { logLine } from "../wasi/stderr";
import { wallClock } from "../wasi/wallclock";
import { Chain, ChainTable } from "./chains";
import { Identity, INSTANCE_SIZE } from "./identity";
import { SealPolicy } from "./policy";
import { SealKey, KEY_ID_SIZE } from "./sealkey";
import { StateFile } from "./state";
import { MAX_EPOCH } from "./epochtree";
import { TALLY_LINE_EVERY } from "./tally";

export class Session {
  table: ChainTable;
  readonly state: StateFile;
  readonly key: SealKey = new SealKey();
  readonly identity: Identity = new Identity();
  /** Records sealed by all chains, ever: the clock of record epochs and of chain recency. */
  count: u64 = 0;
  /** The last seal's wall-clock second: seal times never go back within an instance. */
  wall: i64 = 0;
  /** A problem every record must carry (missing key, unwritable state). */
  problem: string = "";

  /** Seals carry the epoch schedule, seal time and count (forward security with a key). */
  get forwardSecure(): bool {
    return this.key.hmac && this.key.schedule.enabled;
  }

  constructor(readonly policy: SealPolicy) {
    this.table = new ChainTable(policy.maxChains);
    this.state = new StateFile(policy.stateFile);
  }

  /** Loads the state, the identity and the key (cold path). */
  open(): void {
    const ns = realtimeNs();
    const now = ns != 0 ? <i64>(ns / 1_000_000_000) : wallClock.nowSec;
    const policy = this.policy;
    const state = this.state;
    const identity = this.identity;
    const problems = new Array<string>();
    const originProblem = identity.loadOrigin(policy.origin, policy.originFile, policy.originRequired);
    if (originProblem.length != 0) problems.push(originProblem);
    state.open(this.table);
    this.count = state.count;
    const saved = state.header;
    if (saved.sameOrigin(identity)) {
      memory.copy(identity.instance, saved.instance, INSTANCE_SIZE);
      this.wall = saved.wall;
      // Not in signed mode: the records a resume links past would be under no signature (seal-format.md, `u`).
      if (!policy.signed) this.count = max(this.count, state.applyTally(this.table));
    } else {
      // A new instance: a first start, lost state, or another origin (then its chains are not ours).
      if (saved.found) {
        logLine("chain state " + state.where + " belongs to another origin: a new instance, chains start anew");
        const theirs = this.table.chains;
        for (let i = 0; i < theirs.length; i++) state.clearSlot(unchecked(theirs[i]).slot);
        this.table = new ChainTable(policy.maxChains);
        this.count = 0;
      }
      const randomness = identity.newInstance();
      if (randomness.length != 0) problems.push(randomness);
    }
    if (!state.writable) problems.push(state.problem);
    else if (state.problem.length != 0) logLine(state.problem); // shows in the chains as restart gaps
    const keyProblem = this.loadKey(now);
    saved.forgetSecrets();
    if (keyProblem.length != 0) problems.push(keyProblem);
    this.problem = problems.join("; ");
    // An epoch that ended while the process was down is left now, not at the next record.
    this.sealTime(now);
    state.writeHeader(identity, this.key, this.wall, policy.forwardSecure);
    // Tallied only when each record has a MAC under a key: with plain SHA-256 anyone recomputes a
    // chain (a copy of the state file's exact heads is then the only anchor, docs/sealing.md), and in
    // signed mode the records a resume with `u` links past would be covered by no signature.
    if (policy.persistEvery == 1 && this.key.hmac && !policy.signed) state.startTally(); // after the header's write, which sets the time
  }

  /** Zeroes the key material (this session is being replaced). */
  forgetKeys(): void {
    this.key.forget();
  }

  /**
   * The key: under forward security the saved epoch tree of the same initial key and instance wins
   * (the key file may be gone, as it should be); otherwise the key file; otherwise SHA-256, an
   * error only if the policy names a key file.
   */
  private loadKey(now: i64): string {
    const policy = this.policy;
    if (policy.signed) return ""; // the node's own key pair signs (signing.ts): no shared key is read
    const key = this.key;
    const saved = this.state.header;
    const file = loadKey(policy.keyFile);
    const raw = file.bytes;
    if (raw != null) {
      key.setInitial(raw);
      memory.fill(changetype<usize>(raw), 0, <usize>raw.byteLength);
    }
    const savedTree = policy.forwardSecure && saved.sameOrigin(this.identity) && saved.hasEpochKey && saved.hasKeyId
      && (raw == null || memory.compare(saved.keyId, key.id, KEY_ID_SIZE) == 0);
    const schedule = key.schedule;
    if (savedTree) {
      key.setEpochKey(saved.epochKey, saved.keyId, saved.epoch);
      key.tree.restore(saved.tree, saved.treePresent, saved.epoch);
      schedule.start = saved.scheduleStart;
      schedule.seconds = saved.scheduleSeconds;
      schedule.records = saved.scheduleRecords;
      // Counts saved every persist_every records may lag the epoch the header reached.
      if (schedule.records > 0) this.count = max(this.count, (saved.epoch - 1) * <u64>schedule.records);
      if (schedule.seconds != policy.epochSeconds || schedule.records != policy.epochRecords) {
        logLine("seal: the saved epoch schedule is kept (epoch settings take effect with a new state file and the key file)");
      }
      return "";
    }
    if (raw != null) {
      if (policy.forwardSecure) {
        // K0 itself never seals: it roots this instance's epoch tree, then it is gone.
        schedule.start = max<i64>(now, this.wall);
        schedule.seconds = policy.epochSeconds;
        schedule.records = policy.epochRecords;
        this.wall = schedule.start;
        key.startEpochs(this.identity, schedule.epochAt(this.wall, this.count));
      }
      return "";
    }
    // A key file that is there but unusable is an error even where the policy does not name it:
    // the operator meant records to be keyed, and SHA-256 seals anyone can recompute.
    return policy.keyRequired || file.found ? file.error + ": records are sealed with SHA-256 (integrity only, no authenticity)" : "";
  }

  /** The seal time of the next record (never before the last one), moving to its epoch. */
  sealTime(now: i64): i64 {
    const wall = max<i64>(now, this.wall);
    this.wall = wall;
    const key = this.key;
    if (!key.hmac || !key.schedule.enabled) return wall;
    const epoch = key.schedule.epochAt(wall, this.count);
    if (epoch > key.epoch && epoch <= MAX_EPOCH && key.advanceTo(epoch)) {
      this.settleTally();
      this.state.writeHeader(this.identity, key, wall, true);
    }
    return wall;
  }

  /** Saves the chains with records not yet saved (persist_every > 1). */
  flush(): void {
    this.settleTally();
    const chains = this.table.chains;
    for (let i = 0; i < chains.length; i++) {
      const chain = unchecked(chains[i]);
      if (chain.unsaved != 0) this.state.writeChain(chain, this.count);
    }
  }

  /**
   * Saves a chain's state after it sealed a record: tallied (tally.ts), else at once or every
   * `persist_every` records. `now`: the record started a segment or announced an eviction.
   */
  save(chain: Chain, now: bool): void {
    const state = this.state;
    if (!state.tallying) {
      if (now || ++chain.unsaved >= this.policy.persistEvery) state.writeChain(chain, this.count);
      return;
    }
    // Every chain but the tallied one keeps an exact line: the one tallied until now gets its line first.
    const previous = state.tallied;
    let failed = false;
    if (previous != null && previous !== chain && previous.unsaved != 0) {
      state.writeChain(previous, this.count);
      failed = state.failing;
    }
    if (now || ++chain.unsaved >= TALLY_LINE_EVERY) {
      state.writeChain(chain, this.count);
      failed = failed || state.failing;
    }
    state.stamp(chain);
    if (failed) state.failing = true;
  }

  /**
   * Notes a record the policy dropped: saved at once, or with the chain's next line when tallying;
   * at once too when the chain has no line yet (it may have taken an evicted chain's slot: that
   * line must not outlive the eviction, whose announcement this chain now carries).
   */
  saveDrop(chain: Chain): void {
    const state = this.state;
    if (!state.tallying) {
      this.save(chain, false);
    } else if (chain.lined) {
      chain.unsaved++;
    } else {
      this.settleTally();
      state.writeChain(chain, this.count);
    }
  }

  /**
   * Writes the tallied chain's line if the time holds records the line lacks: before any other
   * write to the file outside a record's save, since a write sets the file's time and so ends the tally.
   */
  private settleTally(): void {
    const state = this.state;
    const tallied = state.tallied;
    if (state.tallying && tallied != null && tallied.unsaved != 0) state.writeChain(tallied, this.count);
  }

  matches(policy: SealPolicy): bool {
    const own = this.policy;
    return own.stateFile == policy.stateFile && own.keyFile == policy.keyFile && own.keyRequired == policy.keyRequired
      && own.macHmacSha256 == policy.macHmacSha256
      && own.maxChains == policy.maxChains && own.epochRecords == policy.epochRecords
      && own.epochSeconds == policy.epochSeconds && own.persistEvery == policy.persistEvery
      && own.origin == policy.origin && own.originFile == policy.originFile && own.originRequired == policy.originRequired
      && own.signed == policy.signed && own.signingFile == policy.signingFile
      && own.checkpointRecords == policy.checkpointRecords && own.checkpointSeconds == policy.checkpointSeconds;
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
    running.forgetKeys();
  }
  const session = new Session(policy);
  session.open();
  current = session;
  return session;
}
