// The chains being sealed: per chain the next sequence number, the head (MAC of its last record)
// and the records the policy dropped since. Bounded by max_chains: a new chain then takes the
// slot of the least recently used one, and its first record announces the evicted chain's head,
// so the verifier can tell an eviction from lost state and still anchor the evicted chain's end.
import { ByteBuffer } from "../buffer";

/** Chain ids (tags, field values) are cut to this many bytes, at a character boundary. */
export const MAX_CHAIN_ID: usize = 160;
export const MAC_SIZE: usize = 32;

export class Chain {
  readonly id: ByteBuffer = new ByteBuffer(MAX_CHAIN_ID);
  hash: u32 = 0;
  /** Records sealed so far: the sequence number of the next one. */
  seq: u64 = 0;
  /** MAC of the last sealed record; zeros before the first. */
  readonly head: usize = heap.alloc(MAC_SIZE);
  /** Records the policy dropped since the last sealed one. */
  dropped: u64 = 0;
  lastUse: u64 = 0;
  /** Loaded from the state file and not sealed since: its next record carries the restart marker. */
  resumed: bool = false;
  /**
   * Records the previous instance sealed after the head this chain resumed from (its tally went
   * further than its line): the resume record says so (`u`) and links to that head.
   */
  beyondSaved: u64 = 0;
  /** Records sealed since the state was last written. */
  unsaved: i32 = 0;
  /** The state file's slot holds this chain's line (not yet after it took the slot: its first write must come at once). */
  lined: bool = false;
  /**
   * Bytes of the line the state file holds in this slot, up to its checksum (spaces follow to
   * the slot's newline); 0: not known, the next write fills the whole slot. Kept across begin():
   * it describes the file, not the chain.
   */
  written: u32 = 0;
  /** A chain this one displaced, to announce with its next record. */
  hasEvicted: bool = false;
  readonly evictedId: ByteBuffer = new ByteBuffer(MAX_CHAIN_ID);
  evictedSeq: u64 = 0;
  readonly evictedHead: usize = heap.alloc(MAC_SIZE);
  evictedDropped: u64 = 0;

  constructor(readonly slot: i32) {}

  /** Starts the chain `id` from genesis (the eviction announcement, if any, stays). */
  begin(id: usize, idLen: usize, hash: u32): void {
    this.id.reset();
    this.id.putBytes(id, idLen);
    this.hash = hash;
    this.seq = 0;
    memory.fill(this.head, 0, MAC_SIZE);
    this.dropped = 0;
    this.resumed = false;
    this.beyondSaved = 0;
    this.unsaved = 0;
    this.lined = false;
  }

  /**
   * Evicts this chain to free its slot: its end becomes the announcement the next chain in the
   * slot carries. A chain evicted before its first record passes on its own pending announcement.
   */
  retire(): void {
    if (this.seq == 0 && this.hasEvicted) return;
    this.hasEvicted = this.seq != 0 || this.dropped != 0;
    this.evictedId.reset();
    this.evictedId.putBytes(this.id.ptr, this.id.len);
    this.evictedSeq = this.seq;
    memory.copy(this.evictedHead, this.head, MAC_SIZE);
    this.evictedDropped = this.dropped;
  }
}

export class ChainTable {
  readonly chains: Chain[] = [];
  private readonly index: StaticArray<i32>; // slot + 1 by hash, 0 empty; linear probing
  private readonly mask: u32;
  private last: Chain | null = null;

  constructor(readonly maxChains: i32) {
    let size: u32 = 16;
    while (size < <u32>maxChains * 2) size <<= 1;
    this.index = new StaticArray<i32>(<i32>size);
    this.mask = size - 1;
  }

  /** The chain `id`, or null. */
  find(id: usize, idLen: usize): Chain | null {
    const last = this.last;
    if (last != null && sameId(last, id, idLen)) return last;
    const hash = hashId(id, idLen);
    for (let at = hash & this.mask; ; at = (at + 1) & this.mask) {
      const slot = unchecked(this.index[at]);
      if (slot == 0) return null;
      const chain = unchecked(this.chains[slot - 1]);
      if (chain.hash == hash && sameId(chain, id, idLen)) {
        this.last = chain;
        return chain;
      }
    }
    return null;
  }

  /** The chain `id`, started if new (taking the least recently used slot when all are in use). */
  get(id: usize, idLen: usize): Chain {
    const found = this.find(id, idLen);
    if (found != null) return found;
    let chain: Chain;
    if (this.chains.length < this.maxChains) {
      chain = new Chain(this.chains.length);
      this.chains.push(chain);
    } else {
      chain = this.leastRecentlyUsed();
      this.unindex(chain);
      chain.retire();
    }
    chain.begin(id, idLen, hashId(id, idLen));
    this.insert(chain);
    this.last = chain;
    return chain;
  }

  /** A chain loaded from the state file, in its own slot. */
  restore(slot: i32, id: usize, idLen: usize): Chain | null {
    if (slot >= this.maxChains || this.find(id, idLen) != null) return null;
    while (this.chains.length <= slot) this.chains.push(new Chain(this.chains.length));
    const chain = unchecked(this.chains[slot]);
    chain.begin(id, idLen, hashId(id, idLen));
    this.insert(chain);
    return chain;
  }

  /**
   * The slot to reuse. Never a chain resumed beyond its saved head (at most one, the tallied chain
   * after a restart) while there is another: its announcement could not name its head (it has only
   * the saved one, `u` records back), so it stays until it seals (max_chains 1 excepted).
   */
  private leastRecentlyUsed(): Chain {
    const n = this.chains.length;
    let oldest = unchecked(this.chains[0]);
    if (oldest.beyondSaved != 0 && n > 1) oldest = unchecked(this.chains[1]);
    for (let i = 1; i < n; i++) {
      const chain = unchecked(this.chains[i]);
      if (chain.lastUse < oldest.lastUse && chain.beyondSaved == 0) oldest = chain;
    }
    return oldest;
  }

  private insert(chain: Chain): void {
    let at = chain.hash & this.mask;
    while (unchecked(this.index[at]) != 0) at = (at + 1) & this.mask;
    unchecked(this.index[at] = chain.slot + 1);
  }

  /** Removes a chain from the index, shifting later entries of its probe run back. */
  private unindex(chain: Chain): void {
    if (this.last === chain) this.last = null;
    let at = chain.hash & this.mask;
    while (unchecked(this.index[at]) != chain.slot + 1) {
      if (unchecked(this.index[at]) == 0) return; // slots restored empty are not indexed
      at = (at + 1) & this.mask;
    }
    let hole = at;
    unchecked(this.index[hole] = 0);
    for (let next = (hole + 1) & this.mask; unchecked(this.index[next]) != 0; next = (next + 1) & this.mask) {
      const home = unchecked(this.chains[unchecked(this.index[next]) - 1]).hash & this.mask;
      // The entry may move into the hole unless its home lies cyclically in (hole, next].
      const homeAfterHole = hole <= next ? home > hole && home <= next : home > hole || home <= next;
      if (!homeAfterHole) {
        unchecked(this.index[hole] = unchecked(this.index[next]));
        unchecked(this.index[next] = 0);
        hole = next;
      }
    }
  }
}

function sameId(chain: Chain, id: usize, idLen: usize): bool {
  return chain.id.len == idLen && memory.compare(chain.id.ptr, id, idLen) == 0;
}

/** FNV-1a: ids are short, and a collision only costs a comparison. */
function hashId(id: usize, idLen: usize): u32 {
  let hash: u32 = 0x811C9DC5;
  for (let i: usize = 0; i < idLen; i++) hash = (hash ^ load<u8>(id + i)) * 0x01000193;
  return hash;
}
