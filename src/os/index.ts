export { PRESETS, PRESET_NAMES } from './presets';
export { usablePorts } from './profile';
export type { Profile, Sharing, AllocatorName } from './profile';
export { ALLOCATORS, ALLOCATOR_NAMES } from './allocators';
export type { AllocatorType } from './allocators';
