// Memory laid out while the kernel runs: the parts whose size the plan declares but the run may
// never reach (a pool's free bits and per-port records, made on the pool's first use; the
// close-event heap and the holding lanes, grown as they fill). One bump pointer past the regions
// ../run-kernel.ts lays out before the run; the memory grows a page at a time behind it, so the
// kernel's footprint is what the run touches, not what the plan declares. Nothing is freed: a
// grown heap or lane leaves its old copy behind (at most as large as the new one).

let ARENA: usize = 0; // next free byte
let OOM: usize = 0; // byte offset of the f64 where a failed request's size goes (../run-kernel.ts reads it)

/** Where the arena starts (8-byte aligned, past the laid-out regions) and where to report running out. */
export function arenaInit(start: usize, oomAt: usize): void {
  ARENA = start;
  OOM = oomAt;
}

/**
 * `bytes` of zeroed memory, 32-byte aligned, fresh (never handed out before). Grows the memory as
 * needed; when it cannot (the 4 GiB of 32-bit WebAssembly, or the host's limit), records the
 * size asked for and traps: ../run-kernel.ts turns that into an error.
 */
export function reserve(bytes: usize): usize {
  const at = (ARENA + 31) & ~(<usize>31);
  const end = at + bytes;
  if (end < at) fail(bytes);
  const have = <usize>memory.size() << 16;
  if (end > have) {
    // why a quarter more at least: a grow costs about a millisecond, more as the memory grows
    // (s11's 400 pools took 0.8 s in 800 grows); pages grown but not yet touched cost nothing.
    const needed = <i32>((end - have + 65535) >>> 16), more = memory.size() >> 2;
    if (memory.grow(needed > more ? needed : more) < 0 && memory.grow(needed) < 0) fail(bytes);
  }
  ARENA = end;
  return at;
}

/** The end of what the arena handed out (bytes). */
export function arenaEnd(): usize { return ARENA; }

function fail(bytes: usize): void {
  store<f64>(OOM, <f64>bytes);
  unreachable();
}
