import { ALLOCATORS as REGISTRY, ALLOCATOR_NAMES } from '../../../../src/os/allocators';
import type { RandomStream } from '../../../../src/random/stream';
import type { AllocatorName } from '../../../../src/os/profile';
import type { Allocator, AllocatorOptions, OracleAllocatorType } from './allocator';
import { DoubleHashAllocator } from './double-hash';
import { HashAllocator } from './hash';
import { LinuxConnectAllocator } from './linux';
import { linuxBind } from './linux-bind';
import { RandomIncrementsAllocator } from './random-increments';
import { randomPick } from './random-pick';
import { randomStart } from './random-start';
import { sequential } from './sequential';
import { sequentialDescending } from './sequential-descending';

export type { Allocator, AllocatorOptions, OracleAllocatorType } from './allocator';

/**
 * The oracle's implementation of each algorithm of the registry (src/os/allocators, the one
 * table of them), by the same name: made from the host's state as the registry draws it.
 */
const IMPLEMENTATIONS: Readonly<Record<AllocatorName, (state: Int32Array, options?: AllocatorOptions) => Allocator>> = {
  sequential: () => sequential,
  'sequential-descending': () => sequentialDescending,
  'random-start': () => randomStart,
  'random-pick': () => randomPick,
  hash: (s) => new HashAllocator(s),
  'double-hash': (s) => new DoubleHashAllocator(s),
  'random-increments': (s) => new RandomIncrementsAllocator(s),
  linux: (s) => new LinuxConnectAllocator(s, 2),
  'linux-socket-range': (s) => new LinuxConnectAllocator(s, 1),
  'linux-bind': (_s, options) => linuxBind(options?.reuseAddr === true),
};

/** The registry's entries, each with its oracle implementation (`create`). */
export const ALLOCATORS = Object.fromEntries(ALLOCATOR_NAMES.map((name): [AllocatorName, OracleAllocatorType] => [name, {
  ...REGISTRY[name],
  create: (rng, options) => IMPLEMENTATIONS[name](allocatorState(name, rng), options),
}])) as Readonly<Record<AllocatorName, OracleAllocatorType>>;

export { ALLOCATOR_NAMES };

/**
 * A host's fresh state of `allocator` (its stateWords), the drawn words (drawnWords) taken from
 * the host's allocator stream `rng` in order: the oracle's; the kernel draws the same words
 * (src/kernel/assembly/random.ts drawWords, from src/kernel/kernel-layout.ts placeAllocatorState).
 */
export function allocatorState(allocator: AllocatorName, rng: RandomStream): Int32Array {
  const { stateWords, drawnWords } = REGISTRY[allocator];
  const state = new Int32Array(stateWords);
  for (let i = 0; i < drawnWords; i++) state[i] = rng.nextUint32();
  return state;
}
