import type { Allocator } from './allocator';

/**
 * NetBSD's default port algorithm "bsd": `algo_bsd` in NetBSD/src sys/netinet/portalgo.c
 * (rev 1.9; still the default, PORTALGO_INET4_DEFAULT = PORTALGO_BSD, in NetBSD 11). Reference:
 * ../shared/reference/os-semantics.md §3.4, §7.
 *
 * The kernel keeps one counter `next`, initially outside the range. Per try: p = next, or the
 * top of the range (anonportmax) when next is outside it; next = p - 1; if p is suitable it is
 * the answer. At most `num` tries, then EAGAIN. So: the first free port at or below the
 * counter, going down by one, wrapping from the bottom to the top; the very first pick on a
 * fresh host is the highest free port; after handing out p the counter stands at p - 1 (at the
 * top again when p was the bottom). Not random at all.
 *
 * Here the counter lives in `pool.cursor` as an offset from the top: the next candidate is
 * index `size - 1 - cursor`, so a fresh pool (cursor 0) starts at the top, as the kernel's
 * out-of-range initial value does. A failed call leaves it where it was (the kernel's `num`
 * decrements bring it back to the same place). The search is PortPool.findFreeDownFrom, which
 * returns exactly the port the kernel's one-by-one probe would.
 *
 * Simplified or different from the kernel:
 * - The counter belongs to the pool (as for `sequential`). NetBSD keeps one per (protocol,
 *   address family, low/high range) for the whole host; the two differ only for a host whose
 *   ports are split over several pools (several source addresses).
 * - "Suitable" (`check_suitable_port`: not in the reserve bitmap, no PCB or vestigial TIME_WAIT
 *   on (local address, port), kauth approval) is the pool's free bit.
 *
 * Cost: O(1) on a full pool; otherwise a few count-leading-zeros steps over the pool's bitset
 * (skipping 32 words at a time), whatever the occupancy. No random draws, no allocation.
 */
export const sequentialDescending: Allocator = {
  pick(pool) {
    const size = pool.size;
    const c = pool.cursor;
    const i = pool.findFreeDownFrom(c < size ? size - 1 - c : size - 1);
    if (i >= 0) pool.cursor = i === 0 ? 0 : size - i; // next candidate: i - 1, or the top
    return i;
  },
};
