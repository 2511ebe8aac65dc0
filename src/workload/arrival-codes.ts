// The arrival processes' numeric codes (arrivalKind, arrivals.ts): `constant` and
// `poisson` arrivals, a rate curve evenly spaced or randomized, a timestamp trace. Plain
// constants so that the WebAssembly kernel (../kernel/assembly) imports this same file.
export const ARRIVAL_CONSTANT = 0;
export const ARRIVAL_POISSON = 1;
export const ARRIVAL_EVEN = 2;
export const ARRIVAL_RANDOM = 3;
export const ARRIVAL_TRACE = 4;
