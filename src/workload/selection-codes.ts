// How a workload chooses its destinations (selection.ts), as numeric codes: nginx's smooth
// weighted round-robin, scoring every destination per pick; a draw by weight; the round-robin
// replayed from one period of its picks (the same sequence, worked out once). Plain constants so
// that the WebAssembly kernel (../kernel/assembly) imports this same file.
export const SELECT_ROUND_ROBIN = 0;
export const SELECT_RANDOM = 1;
export const SELECT_PERIOD = 2;
