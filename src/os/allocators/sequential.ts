import type { Allocator, AllocatorType } from './allocator';
import { ALLOC_SEQUENTIAL } from './codes';

/**
 * Counting up from the last port handed out, wrapping, to the first free port: the classic BSD
 * counter (macOS TCP with randomize_ports=0, XNU in_pcb.c; ns-3 Ipv4EndPointDemux). The counter
 * belongs to the pool.
 */
export const sequential: Allocator & AllocatorType = {
  name: 'sequential',
  code: ALLOC_SEQUENTIAL,
  description: 'next free port after the last one handed out, wrapping (BSD/macOS counter)',
  create: () => sequential,
  pick(pool) {
    const i = pool.findFreeFrom(pool.cursor);
    if (i >= 0) pool.cursor = i + 1 === pool.size ? 0 : i + 1;
    return i;
  },
};
