// The kinds of port pool (pool-layout.ts PoolKind) as numeric codes: connect(), bind(ip, 0), UDP.
// Plain constants so that the WebAssembly kernel (../kernel/assembly) imports this same file.
export const KIND_CONNECT = 0;
export const KIND_BIND = 1;
export const KIND_UDP = 2;
