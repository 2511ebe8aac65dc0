import type { Allocator } from './allocator';

/**
 * Counting up from the last port handed out, wrapping, to the first free port: the classic BSD
 * counter (macOS TCP with randomize_ports=0, XNU in_pcb.c; ns-3 Ipv4EndPointDemux). The counter
 * belongs to the pool.
 */
export const sequential: Allocator = {
  pick(pool) {
    const i = pool.findFreeFrom(pool.cursor);
    if (i >= 0) pool.cursor = i + 1 === pool.size ? 0 : i + 1;
    return i;
  },
};
