// The distributions' numeric codes (Distribution.kind), in the order of DistributionSpec's
// kinds (distributions.ts). Plain constants so that the WebAssembly kernel (../kernel/assembly)
// imports this same file: the kernel's codes are these.
export const DIST_CONSTANT = 0;
export const DIST_UNIFORM = 1;
export const DIST_EXPONENTIAL = 2;
export const DIST_LOGNORMAL = 3;
export const DIST_PARETO = 4;
export const DIST_EMPIRICAL = 5;
export const DIST_MIXTURE = 6;
