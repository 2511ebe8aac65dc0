// Memory handed out while the kernel runs, for what the plan cannot size before the run (the event
// heap and the request layer's tables and idle lanes, grown as they fill): one bump pointer past
// the regions ../run-kernel.ts lays out, the memory grown behind it. Nothing is freed: a grown
// table leaves its old copy behind (at most as large as the new one).

let ARENA: usize = 0; // next free byte
let OOM: usize = 0; // byte offset of the f64 where a failed request's size goes (../run-kernel.ts reads it)

/** Where the arena starts (past the laid-out regions) and where to report running out. */
export function arenaInit(start: usize, oomAt: usize): void {
  ARENA = start;
  OOM = oomAt;
}

/**
 * `bytes` of zeroed memory, 32-byte aligned, never handed out before. Grows the memory as needed;
 * when it cannot (the 4 GiB of 32-bit WebAssembly, or the host's limit), records the size asked
 * for and traps: ../run-kernel.ts turns that into an error.
 */
export function reserve(bytes: usize): usize {
  const at = (ARENA + 31) & ~(<usize>31);
  const end = at + bytes;
  if (end < at) fail(bytes);
  const have = <usize>memory.size() << 16;
  if (end > have) {
    const pages = <i32>((end - have + 65535) >>> 16);
    if (memory.grow(pages) < 0) fail(bytes);
  }
  ARENA = end;
  return at;
}

function fail(bytes: usize): void {
  store<f64>(OOM, <f64>bytes);
  unreachable();
}
