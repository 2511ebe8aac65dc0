/** Event kinds of the connection model (the engine only sees integers; a and b are its two arguments). */
export const ARRIVAL = 0; // a = workload
export const CLOSE = 1; // a = pool, b = port index; who closes is in `closedBy[pool][port]`
export const TIME_WAIT_END = 2; // a = pool, b = port index
export const SAMPLE = 3;
export const TW_REUSABLE = 4; // a = pool, b = port index: the TIME_WAIT is now older than twReuseDelay
export const FIN_WAIT_END = 5; // a = pool, b = port index
export const REQUEST_DONE = 6; // a = pool, b = port index: the request on this pooled connection is served
export const IDLE_END = 7; // a = pool, b = port index: an idle pooled connection reaches its idle timeout
export const CLIENT_NEXT = 8; // a = workload, b = client: a closed-loop client starts its next request
export const RETRY = 9; // a = request slot
export const CONNECT_TIMEOUT = 11; // a = pool, b = port index: a request-layer connect() whose SYN a gateway dropped fails (kernel only: ../kernel/assembly/requests.ts)
export const NAT_UDP_DUE = 12; // a = a UDP mapping's slot entry: its release is near, and goes onto the heap now (kernel only: ../kernel/assembly/nat.ts)
export const NAT_RELEASE = 10; // a = gateway key, b = 1: a gateway's hold of a port ends (kernel only: ../kernel/assembly/nat.ts)
