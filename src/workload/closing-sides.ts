// Who closes a connection first, which decides who holds TIME_WAIT: the codes of the closing
// sides named in closer.ts's CLOSER_NAMES (same order). Plain constants so that the WebAssembly
// kernel (../kernel/assembly) imports this same file: the kernel's codes are these.

/** The client closes first: it holds the port in TIME_WAIT. */
export const BY_CLIENT = 0;
/** The server closes first: the client side goes through CLOSE_WAIT/LAST_ACK and frees its port. */
export const BY_SERVER = 1;
/** Reset (SO_LINGER 0): no TIME_WAIT anywhere, the port is free at close. */
export const BY_RESET = 2;
/**
 * The client closes and the peer never closes its side: the orphaned socket waits in FIN_WAIT_2
 * for the profile's `finTimeout` (Linux tcp_fin_timeout), then the port is free, with no TIME_WAIT.
 */
export const BY_UNANSWERED = 3;
/** Not drawn: a connected UDP socket, closed by its owner after its idle timeout, with no TIME_WAIT (../sim/udp.ts). */
export const UDP_END = 4;
