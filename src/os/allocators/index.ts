import type { AllocatorName } from '../profile';
import type { Allocator } from './allocator';
import { randomStart } from './random-start';
import { sequential } from './sequential';

export type { Allocator } from './allocator';

export const ALLOCATORS: Readonly<Record<AllocatorName, Allocator>> = {
  sequential,
  'random-start': randomStart,
};

export const ALLOCATOR_NAMES = Object.keys(ALLOCATORS) as AllocatorName[];
