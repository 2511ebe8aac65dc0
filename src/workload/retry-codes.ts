// The retry policy's numeric codes (retry.ts RETRY_CODES names them): the backoff shapes and the
// jitters. Plain constants so that the WebAssembly kernel (../kernel/assembly) imports this same file.
export const BACKOFF_FIXED = 0;
export const BACKOFF_EXPONENTIAL = 1;
export const JITTER_NONE = 0;
export const JITTER_FULL = 1;
export const JITTER_EQUAL = 2;
