// The allocator Fluent Bit uses to hand records to the module (WAMR prefers exported
// malloc/free). Raw TLSF blocks outside the GC: freed exactly when the host says so.

export function malloc(size: usize): usize {
  return heap.alloc(size == 0 ? 1 : size);
}

export function free(ptr: usize): void {
  if (ptr != 0) heap.free(ptr);
}
