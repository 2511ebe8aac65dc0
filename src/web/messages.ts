import type { StudyResult } from './study';

/** Between the page (./main.ts) and its worker (./worker.ts). */
export interface ToWorker {
  /** The scenario's file name, as messages name it. */
  file: string;
  text: string;
}

export type FromWorker =
  | { kind: 'progress'; done: number }
  | { kind: 'result'; result: StudyResult; ms: number }
  | { kind: 'error'; message: string; scenario: boolean };
