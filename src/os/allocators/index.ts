import type { AllocatorName } from '../profile';
import type { AllocatorType } from './allocator';
import { linux, linuxSocketRange } from './linux';
import { randomStart } from './random-start';
import { sequential } from './sequential';

export type { Allocator, AllocatorType } from './allocator';

export const ALLOCATORS: Readonly<Record<AllocatorName, AllocatorType>> = {
  sequential,
  'random-start': randomStart,
  linux,
  'linux-socket-range': linuxSocketRange,
};

export const ALLOCATOR_NAMES = Object.keys(ALLOCATORS) as AllocatorName[];
