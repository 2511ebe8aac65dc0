import type { AllocatorName } from '../profile';
import type { AllocatorType } from './allocator';
import { doubleHash } from './double-hash';
import { hash } from './hash';
import { linux, linuxSocketRange } from './linux';
import { linuxBind } from './linux-bind';
import { randomIncrements } from './random-increments';
import { randomPick } from './random-pick';
import { randomStart } from './random-start';
import { sequential } from './sequential';
import { sequentialDescending } from './sequential-descending';

export type { Allocator, AllocatorOptions, AllocatorType } from './allocator';

export const ALLOCATORS: Readonly<Record<AllocatorName, AllocatorType>> = {
  sequential,
  'sequential-descending': sequentialDescending,
  'random-start': randomStart,
  'random-pick': randomPick,
  hash,
  'double-hash': doubleHash,
  'random-increments': randomIncrements,
  linux,
  'linux-socket-range': linuxSocketRange,
  'linux-bind': linuxBind,
};

export const ALLOCATOR_NAMES = Object.keys(ALLOCATORS) as AllocatorName[];
