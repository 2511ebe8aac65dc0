// The allocator dispatch of the kernel (Allocator.pick of ../../os/allocators, by code): the
// port a socket gets in pool pp, or -1. `rng`: the stream its workload's sockets draw with (the
// host's connect(), bind() or UDP one); `state`: its allocator's state (linux, RFC 6056: the
// host's connect() one or one of its bind() ones); `reuseAddr`: SO_REUSEADDR of a bind(ip, 0) socket.

import { ALLOC_DOUBLE_HASH, ALLOC_HASH, ALLOC_LINUX, ALLOC_LINUX_BIND, ALLOC_RANDOM_INCREMENTS, ALLOC_RANDOM_PICK, ALLOC_RANDOM_START, ALLOC_SEQUENTIAL,
  ALLOC_SEQUENTIAL_DESCENDING } from '../../os/allocators/codes';
import { linuxBindPick } from './binds';
import { uniform } from './random';
import { findFreeDownFrom, findFreeFrom, linuxPick, P_CURSOR, P_FREE, P_SIZE, pget, pset } from './pools';
import { doubleHashPick, hashPick, randomIncrementsPick, randomPick } from './rfc6056';

@inline export function allocate(alloc: i32, pp: usize, rng: usize, state: usize, reuseAddr: bool, now: f64): i32 {
  let port: i32;
  if (alloc == ALLOC_RANDOM_START) {
    port = pget(pp, P_FREE) == 0 ? -1 : findFreeFrom(pp, <i32>(uniform(rng) * <f64>pget(pp, P_SIZE))); // >= 0: truncation is Math.floor
  } else if (alloc == ALLOC_SEQUENTIAL) {
    port = findFreeFrom(pp, pget(pp, P_CURSOR));
    if (port >= 0) pset(pp, P_CURSOR, port + 1 == pget(pp, P_SIZE) ? 0 : port + 1);
  } else if (alloc == ALLOC_SEQUENTIAL_DESCENDING) {
    const size = pget(pp, P_SIZE), c = pget(pp, P_CURSOR);
    port = findFreeDownFrom(pp, c < size ? size - 1 - c : size - 1);
    if (port >= 0) pset(pp, P_CURSOR, port == 0 ? 0 : size - port); // next candidate: port - 1, or the top
  } else if (alloc == ALLOC_LINUX_BIND) {
    port = linuxBindPick(pp, rng, reuseAddr);
  } else if (alloc == ALLOC_RANDOM_PICK) {
    port = randomPick(pp, rng);
  } else if (alloc == ALLOC_HASH) {
    port = hashPick(pp, state);
  } else if (alloc == ALLOC_DOUBLE_HASH) {
    port = doubleHashPick(pp, state);
  } else if (alloc == ALLOC_RANDOM_INCREMENTS) {
    port = randomIncrementsPick(pp, state, rng);
  } else {
    port = linuxPick(pp, state, alloc == ALLOC_LINUX ? 2 : 1, rng, now);
  }
  return port;
}
