// The chain state file (policy seal.state_file): what a later instance needs to continue every
// chain. Fixed-size text lines, so that sealing a record rewrites one line in place with a single
// write: a header (the instance's identity, key id, epoch schedule, the epoch key and the later
// branches of the epoch tree under forward security), then one line per chain slot. Each line
// ends with a checksum; a damaged line loses only its chain, which then starts anew and shows in
// verification as a restart gap, never silently.
//
//   logseal-state 2 instance=<16 hex> origin=<hex|-> key=<16 hex|-> epoch=<n> schedule=<T1>/<S>/<R>
//     wall=<s> epoch_key=<128 hex|-> tree=<8 hex>:<2048 hex|-> check=<8 hex>          (4096 bytes)
//   seq=<n> count=<n> dropped=<n> head=<64 hex> chain=<hex> evicted=<-|hex,n,64 hex,n> [beyond=<u>] check=<8 hex>
//
// `beyond`: the chain resumed after records its head does not cover (tally.ts) and has not sealed
// since; its next record links to `head` and says `u`.
import { ByteBuffer, utf8 } from "../buffer";
import { HMAC_KEY_SIZE } from "../crypto/hmac";
import { WritableFile, openWritable, wipe } from "../wasi/files";
import { Chain, ChainTable, MAC_SIZE, MAX_CHAIN_ID } from "./chains";
import { NODE_SIZE, TREE_DEPTH } from "./epochtree";
import { Identity, INSTANCE_SIZE, MAX_ORIGIN } from "./identity";
import { checkLine, LineCursor, sealLine } from "./lines";
import { KEY_ID_SIZE, SealKey } from "./sealkey";
import { encodeTally, NO_TALLY, TALLY_LINE_EVERY, tallySeq, tallySlot } from "./tally";

const HEADER_SIZE: usize = 4096;
const SLOT_SIZE: usize = 1024;
const TREE_SIZE: usize = <usize>TREE_DEPTH * NODE_SIZE;

const MAGIC = utf8("logseal-state 2");
const INSTANCE = utf8(" instance=");
const ORIGIN = utf8(" origin=");
const KEY = utf8(" key=");
const EPOCH = utf8(" epoch=");
const SCHEDULE = utf8(" schedule=");
const WALL = utf8(" wall=");
const EPOCH_KEY = utf8(" epoch_key=");
const TREE = utf8(" tree=");
const SEQ = utf8("seq=");
const COUNT = utf8(" count=");
const DROPPED = utf8(" dropped=");
const HEAD = utf8(" head=");
const CHAIN = utf8(" chain=");
const EVICTED = utf8(" evicted=");
const BEYOND = utf8(" beyond=");

/** What the header said (valid only if `found`). */
export class SavedHeader {
  found: bool = false;
  readonly instance: usize = heap.alloc(INSTANCE_SIZE);
  readonly origin: ByteBuffer = new ByteBuffer(MAX_ORIGIN);
  hasKeyId: bool = false;
  readonly keyId: usize = heap.alloc(KEY_ID_SIZE);
  epoch: u64 = 0;
  scheduleStart: i64 = 0;
  scheduleSeconds: i64 = 0;
  scheduleRecords: i64 = 0;
  wall: i64 = 0;
  hasEpochKey: bool = false;
  readonly epochKey: usize = heap.alloc(HMAC_KEY_SIZE);
  treePresent: u32 = 0;
  readonly tree: usize = heap.alloc(TREE_SIZE);

  /** Zeroes the saved epoch key and tree once they are in use (or not wanted). */
  forgetSecrets(): void {
    memory.fill(this.epochKey, 0, HMAC_KEY_SIZE);
    memory.fill(this.tree, 0, TREE_SIZE);
    this.treePresent = 0;
    this.hasEpochKey = false;
  }

  /** Whether the saved identity is this one (same origin): the instance continues. */
  sameOrigin(identity: Identity): bool {
    const origin = identity.origin;
    return this.found && this.origin.len == origin.len && memory.compare(this.origin.ptr, origin.ptr, origin.len) == 0;
  }
}

export class StateFile {
  private file: WritableFile | null = null;
  /** Why the saved state could not be (fully) used, for the start-up error. */
  problem: string = "";
  /** Records sealed by all chains, ever (the largest count saved). */
  count: u64 = 0;
  readonly header: SavedHeader = new SavedHeader();
  /** Whether the last write failed. */
  failing: bool = false;
  /** Whether each record's sequence number goes into the file's modification time (tally.ts). */
  tallying: bool = false;
  /** The chain the modification time tallies (the last one sealed), if any. */
  tallied: Chain | null = null;
  /** The file's modification time when it was opened: the previous run's tally, perhaps. */
  private savedTime: u64 = 0;
  // Room for the header from the start: a grown buffer would leave a copy of the epoch key behind.
  private readonly line: ByteBuffer = new ByteBuffer(HEADER_SIZE);

  constructor(readonly path: string) {}

  get where(): string {
    const file = this.file;
    return file != null ? file.where : this.path;
  }

  get writable(): bool {
    return this.file != null;
  }

  /** Opens the state file (an existing one first, else a new one) and restores its chains into `table`. */
  open(table: ChainTable): void {
    const file = openWritable(this.path, false) || openWritable(this.path, true);
    this.file = file;
    if (file == null) {
      this.problem = "chain state " + this.path + " cannot be written in any accessible path: chains are kept in memory only";
      return;
    }
    this.savedTime = file.modified();
    const content = file.readAll();
    if (content == null) {
      this.problem = "chain state " + file.where + " cannot be read: chains start anew";
      return;
    }
    this.restore(content, file.where, table);
    wipe(content); // it held the epoch key
  }

  private restore(content: ArrayBuffer, where: string, table: ChainTable): void {
    const start = changetype<usize>(content), size = <usize>content.byteLength;
    if (size == 0) return;
    if (size < HEADER_SIZE || !this.parseHeader(start)) {
      this.problem = "chain state " + where + (size >= 15 && memory.compare(start, changetype<usize>(MAGIC), 14) == 0 && load<u8>(start + 14) != 0x32
        ? " is of an older logseal version: chains start anew"
        : " is damaged: chains start anew");
      return;
    }
    let damaged = 0;
    for (let slot = 0, at = start + HEADER_SIZE; at + SLOT_SIZE <= start + size; slot++, at += SLOT_SIZE) {
      if (!this.parseSlot(at, slot, table)) damaged++;
    }
    if (damaged != 0) {
      this.problem = "chain state " + where + ": " + damaged.toString() + " damaged chain line(s) ignored, those chains start anew";
    }
  }

  /**
   * Applies the previous run's tally to the chain it names: that chain sealed records after its
   * line was written, so it resumes after them (its next record says how many, `u`). Returns the
   * records sealed by all chains as far as the tally shows (0 when it shows nothing).
   */
  applyTally(table: ChainTable): u64 {
    const slot = tallySlot(this.savedTime, table.maxChains);
    if (slot < 0 || slot >= table.chains.length) return 0;
    const chain = unchecked(table.chains[slot]);
    if (!chain.resumed) return 0;
    const saved = chain.seq;
    const next = tallySeq(this.savedTime, saved);
    if (next - saved > <u64>TALLY_LINE_EVERY) {
      this.problem = "chain state " + this.where + ": its tally names " + (next - saved).toString() + " unsaved records, more than logseal leaves: ignored";
      return 0;
    }
    if (next == saved) return 0;
    chain.beyondSaved += next - saved;
    chain.seq = next;
    chain.dropped = 0; // the line's count was reported by the record after it
    // Only this chain sealed since the last line of any chain was written (another chain's record
    // would have written this one's line): the largest count saved plus these records bounds the
    // count from above (by one when the last write was that of the chain it took the tally from).
    const count = max(this.count, chain.lastUse) + (next - saved);
    this.writeChain(chain, count); // the line now says it (beyond=), whatever the time says next
    this.tallied = chain;
    return count;
  }

  /**
   * Starts tallying if the file keeps a modification time to the second (checked by writing one
   * and reading it back); the chain the previous run tallied stays tallied.
   */
  startTally(): void {
    const file = this.file;
    if (file == null) return;
    this.tallying = file.setModified(NO_TALLY) && file.modified() / 1_000_000_000 == NO_TALLY / 1_000_000_000;
    const chain = this.tallied;
    if (this.tallying && chain != null) this.stamp(chain);
    else this.tallied = null;
  }

  /** Tallies a record of `chain`: its next sequence number into the modification time. */
  stamp(chain: Chain): void {
    const file = this.file;
    if (file == null) return;
    this.tallied = chain;
    this.failing = !file.setModified(encodeTally(chain.slot, chain.seq));
  }

  /** Blanks a chain's line (its chain belongs to another origin's instance). */
  clearSlot(slot: i32): void {
    const line = this.line;
    line.reset();
    line.putFill(0x20, SLOT_SIZE - 1);
    line.putByte(0x0A);
    const file = this.file;
    if (file != null) this.failing = !file.writeAt(<u64>(HEADER_SIZE + <usize>slot * SLOT_SIZE), line.ptr, SLOT_SIZE);
  }

  writeHeader(identity: Identity, key: SealKey, wall: i64, keepEpochKey: bool): void {
    const line = this.line;
    line.reset();
    line.putBuffer(MAGIC);
    line.putBuffer(INSTANCE);
    line.putHex(identity.instance, INSTANCE_SIZE);
    line.putBuffer(ORIGIN);
    if (identity.origin.len != 0) line.putHex(identity.origin.ptr, identity.origin.len);
    else line.putByte(0x2D);
    line.putBuffer(KEY);
    if (key.hmac) line.putHex(key.id, KEY_ID_SIZE);
    else line.putByte(0x2D);
    line.putBuffer(EPOCH);
    line.putUint(key.epoch);
    const schedule = key.schedule;
    line.putBuffer(SCHEDULE);
    line.putUint(<u64>schedule.start);
    line.putByte(0x2F);
    line.putUint(<u64>schedule.seconds);
    line.putByte(0x2F);
    line.putUint(<u64>schedule.records);
    line.putBuffer(WALL);
    line.putUint(<u64>max<i64>(wall, 0));
    const secret = keepEpochKey && key.hmac;
    line.putBuffer(EPOCH_KEY);
    if (secret) line.putHex(changetype<usize>(key.key), HMAC_KEY_SIZE);
    else line.putByte(0x2D);
    line.putBuffer(TREE);
    if (secret) {
      line.putHex(changetype<usize>(treePresent(key.tree.present)), 4);
      line.putByte(0x3A);
      line.putHex(key.tree.siblings, TREE_SIZE);
    } else {
      line.putByte(0x2D);
    }
    this.write(0, HEADER_SIZE);
    memory.fill(line.ptr, 0, line.len); // the header held the epoch key in hex
  }

  /** Closes the file (the session it belongs to is being replaced). */
  close(): void {
    const file = this.file;
    if (file != null) file.close();
    this.file = null;
  }

  writeChain(chain: Chain, count: u64): void {
    const line = this.line;
    line.reset();
    line.putBuffer(SEQ);
    line.putUint(chain.seq);
    line.putBuffer(COUNT);
    line.putUint(count);
    line.putBuffer(DROPPED);
    line.putUint(chain.dropped);
    line.putBuffer(HEAD);
    line.putHex(chain.head, MAC_SIZE);
    line.putBuffer(CHAIN);
    line.putHex(chain.id.ptr, chain.id.len);
    line.putBuffer(EVICTED);
    if (chain.hasEvicted) {
      line.putHex(chain.evictedId.ptr, chain.evictedId.len);
      line.putByte(0x2C);
      line.putUint(chain.evictedSeq);
      line.putByte(0x2C);
      line.putHex(chain.evictedHead, MAC_SIZE);
      line.putByte(0x2C);
      line.putUint(chain.evictedDropped);
    } else {
      line.putByte(0x2D);
    }
    if (chain.beyondSaved != 0) {
      line.putBuffer(BEYOND);
      line.putUint(chain.beyondSaved);
    }
    // Only the line, padded over what is left of a longer previous one; the whole slot (spaces,
    // then the newline) when the file's slot is not known. A system call costs about its size
    // here: 1.4 µs for 160 bytes against 2.4 µs for 1 KiB (docs/measuring.md).
    checkLine(line);
    const length = line.len;
    const cover = chain.written == 0 ? SLOT_SIZE - 1 : <usize>chain.written;
    if (length < cover) line.putFill(0x20, cover - length);
    if (chain.written == 0) line.putByte(0x0A);
    this.writeRaw(HEADER_SIZE + <usize>chain.slot * SLOT_SIZE, line.len, length);
    chain.written = <u32>length;
    chain.unsaved = 0;
    chain.lined = true;
  }

  /** Writes `size` bytes of the line at `offset`; a line of `length` that does not fit its slot fails. */
  private writeRaw(offset: usize, size: usize, length: usize): void {
    const file = this.file;
    if (file == null) return;
    this.failing = length > SLOT_SIZE - 1 || !file.writeAt(<u64>offset, this.line.ptr, size);
  }

  /** Seals the line with its checksum, pads it to `size` and writes it at `offset`. */
  private write(offset: usize, size: usize): void {
    const file = this.file;
    if (file == null) return;
    const line = this.line;
    sealLine(line, size);
    this.failing = line.len != size || !file.writeAt(<u64>offset, line.ptr, size);
  }

  private parseHeader(at: usize): bool {
    const cursor = new LineCursor(at, HEADER_SIZE);
    if (!cursor.sealed()) return false;
    const header = this.header;
    cursor.label(MAGIC);
    cursor.label(INSTANCE);
    cursor.hex(header.instance, INSTANCE_SIZE);
    cursor.label(ORIGIN);
    if (!cursor.dash()) cursor.hexBytes(header.origin, MAX_ORIGIN);
    else header.origin.reset();
    cursor.label(KEY);
    header.hasKeyId = !cursor.dash();
    if (header.hasKeyId) cursor.hex(header.keyId, KEY_ID_SIZE);
    cursor.label(EPOCH);
    header.epoch = cursor.uint();
    cursor.label(SCHEDULE);
    header.scheduleStart = <i64>cursor.uint();
    cursor.slash();
    header.scheduleSeconds = <i64>cursor.uint();
    cursor.slash();
    header.scheduleRecords = <i64>cursor.uint();
    cursor.label(WALL);
    header.wall = <i64>cursor.uint();
    cursor.label(EPOCH_KEY);
    header.hasEpochKey = !cursor.dash();
    if (header.hasEpochKey) cursor.hex(header.epochKey, HMAC_KEY_SIZE);
    cursor.label(TREE);
    if (!cursor.dash()) {
      cursor.hex(changetype<usize>(treeScratch), 4);
      header.treePresent = bswap<u32>(load<u32>(changetype<usize>(treeScratch)));
      cursor.colon();
      cursor.hex(header.tree, TREE_SIZE);
    } else {
      header.hasEpochKey = false;
    }
    header.found = cursor.atCheck();
    return header.found;
  }

  private parseSlot(at: usize, slot: i32, table: ChainTable): bool {
    if (load<u8>(at) == 0x20) return true; // never written
    const cursor = new LineCursor(at, SLOT_SIZE);
    if (!cursor.sealed()) return false;
    cursor.label(SEQ);
    const seq = cursor.uint();
    cursor.label(COUNT);
    const count = cursor.uint();
    cursor.label(DROPPED);
    const dropped = cursor.uint();
    cursor.label(HEAD);
    cursor.hex(savedHead, MAC_SIZE);
    cursor.label(CHAIN);
    cursor.hexBytes(savedId, MAX_CHAIN_ID);
    cursor.label(EVICTED);
    const hasEvicted = !cursor.dash();
    let evictedSeq: u64 = 0, evictedDropped: u64 = 0;
    if (hasEvicted) {
      cursor.hexBytes(savedEvictedId, MAX_CHAIN_ID);
      cursor.comma();
      evictedSeq = cursor.uint();
      cursor.comma();
      cursor.hex(savedEvictedHead, MAC_SIZE);
      cursor.comma();
      evictedDropped = cursor.uint();
    }
    const beyond = cursor.optional(BEYOND) ? cursor.uint() : 0;
    if (!cursor.atCheck() || beyond > <u64>TALLY_LINE_EVERY) return false; // more than logseal leaves: damaged
    const chain = table.restore(slot, savedId.ptr, savedId.len);
    if (chain == null) return false;
    chain.written = <u32>cursor.checkedLength;
    chain.seq = seq;
    chain.dropped = dropped;
    memory.copy(chain.head, savedHead, MAC_SIZE);
    chain.lastUse = count;
    chain.resumed = true;
    chain.beyondSaved = beyond;
    chain.lined = true;
    chain.hasEvicted = hasEvicted;
    if (hasEvicted) {
      chain.evictedId.reset();
      chain.evictedId.putBytes(savedEvictedId.ptr, savedEvictedId.len);
      chain.evictedSeq = evictedSeq;
      memory.copy(chain.evictedHead, savedEvictedHead, MAC_SIZE);
      chain.evictedDropped = evictedDropped;
    }
    if (count > this.count) this.count = count;
    return true;
  }
}

// Where a slot line is parsed before it is trusted.
const savedHead = heap.alloc(MAC_SIZE);
const savedEvictedHead = heap.alloc(MAC_SIZE);
const savedId = new ByteBuffer(MAX_CHAIN_ID);
const savedEvictedId = new ByteBuffer(MAX_CHAIN_ID);

const treeScratch = new ArrayBuffer(4);

function treePresent(value: u32): ArrayBuffer {
  store<u32>(changetype<usize>(treeScratch), bswap<u32>(value));
  return treeScratch;
}

