import type { CapacityResult } from './capacity';
import type { StudyResult } from './study';

/** Between the page (./main.ts) and its worker (./worker.ts). */
export interface ToWorker {
  /** run (the default): `portsim run`; capacity: `portsim capacity` (./capacity.ts). */
  kind?: 'run' | 'capacity';
  /** The scenario's file name, as messages name it. */
  file: string;
  text: string;
}

export type FromWorker =
  | { kind: 'progress'; done: number }
  | { kind: 'capacity-progress'; probes: number; runs: number }
  | { kind: 'result'; result: StudyResult; ms: number }
  | { kind: 'capacity'; result: CapacityResult; ms: number }
  | { kind: 'error'; message: string; scenario: boolean };
