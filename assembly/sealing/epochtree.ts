// Forward-secure epoch keys as the leaves of a binary tree of depth 32 (docs/seal-format.md,
// "Keys"): child(N, b) = HMAC-SHA256(N, "logseal-epoch-node" || b). The sealer keeps the current
// leaf and, for every level where the current path turns left, the right-hand sibling: those
// subtrees hold every later epoch and no earlier one, so a break-in at epoch E yields nothing
// before E, while a verifier holding the root reaches any epoch in 32 steps (a forged epoch
// 3,000,000 costs it what a real one does).
import { HMAC_KEY_SIZE, HmacKey, hmacSha256 } from "../crypto/hmac";
import { SHA256_SIZE } from "../crypto/sha256";

export const TREE_DEPTH: i32 = 32;
export const NODE_SIZE: usize = SHA256_SIZE;
export const MAX_EPOCH: u64 = 0xFFFFFFFF;

// "logseal-epoch-node" and the branch byte.
const LABEL_SIZE: usize = 18;
const CHILD_MESSAGE = memory.data<u8>([
  0x6c, 0x6f, 0x67, 0x73, 0x65, 0x61, 0x6c, 0x2d, 0x65, 0x70, 0x6f, 0x63, 0x68, 0x2d, 0x6e, 0x6f, 0x64, 0x65, 0,
]);
const parentKey = HmacKey.at(memory.data(<i32>HMAC_KEY_SIZE, 8));
const node = memory.data(<i32>SHA256_SIZE, 8);

export class EpochTree {
  /** Right-hand siblings along the current path: slot d - 1 holds the one at depth d. */
  readonly siblings: usize = heap.alloc(<usize>TREE_DEPTH * NODE_SIZE);
  /** Bit d - 1 set: slot d - 1 holds a node. */
  present: u32 = 0;
  /** The current epoch (its leaf is the caller's key); 0: none yet. */
  epoch: u64 = 0;

  /** Positions the tree at `epoch` from its root (32 bytes), writing that leaf to `leaf`. */
  start(root: usize, epoch: u64, leaf: usize): void {
    memory.copy(node, root, NODE_SIZE);
    this.forget();
    this.descend(0, <u32>epoch);
    this.finish(epoch, leaf);
  }

  /** Moves forward to `epoch` (> the current one), writing its leaf to `leaf`; false if the tree cannot reach it. */
  seek(epoch: u64, leaf: usize): bool {
    if (epoch <= this.epoch || epoch > MAX_EPOCH) return false;
    // The first level where the paths part: the old one went left, so the sibling there is the new path's node.
    const depth = <i32>clz<u32>(<u32>this.epoch ^ <u32>epoch) + 1;
    const slot = this.siblings + <usize>(depth - 1) * NODE_SIZE;
    if ((this.present & (1 << (depth - 1))) == 0) return false;
    memory.copy(node, slot, NODE_SIZE);
    // Everything stored below that level lies before the new epoch: drop it.
    for (let d = depth; d <= TREE_DEPTH; d++) memory.fill(this.siblings + <usize>(d - 1) * NODE_SIZE, 0, NODE_SIZE);
    this.present &= depth == 1 ? 0 : (<u32>-1) >>> <u32>(TREE_DEPTH - depth + 1);
    this.descend(depth, <u32>epoch);
    this.finish(epoch, leaf);
    return true;
  }

  /** Zeroes every kept node. */
  forget(): void {
    memory.fill(this.siblings, 0, <usize>TREE_DEPTH * NODE_SIZE);
    this.present = 0;
  }

  /** Restores saved siblings (state file). */
  restore(siblings: usize, present: u32, epoch: u64): void {
    memory.copy(this.siblings, siblings, <usize>TREE_DEPTH * NODE_SIZE);
    this.present = present;
    this.epoch = epoch;
  }

  /** From `node` at depth `from`, down the path of `epoch`, keeping right-hand siblings. */
  private descend(from: i32, epoch: u32): void {
    for (let d = from + 1; d <= TREE_DEPTH; d++) {
      const bit = (epoch >>> <u32>(TREE_DEPTH - d)) & 1;
      parentKey.set(node, NODE_SIZE);
      if (bit == 0) {
        child(1, this.siblings + <usize>(d - 1) * NODE_SIZE);
        this.present |= 1 << (d - 1);
      }
      child(bit, node);
    }
  }

  private finish(epoch: u64, leaf: usize): void {
    memory.copy(leaf, node, NODE_SIZE);
    memory.fill(node, 0, NODE_SIZE);
    memory.fill(changetype<usize>(parentKey), 0, HMAC_KEY_SIZE);
    this.epoch = epoch;
  }
}

/** HMAC under `parentKey` of the label and `bit`, into `out`. */
function child(bit: u32, out: usize): void {
  store<u8>(CHILD_MESSAGE + LABEL_SIZE, <u8>bit);
  hmacSha256(parentKey, CHILD_MESSAGE, LABEL_SIZE + 1, out);
}
