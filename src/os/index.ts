export { PRESETS, PRESET_NAMES } from './presets';
export { usablePorts } from './profile';
export type { Profile, Sharing, AllocatorName } from './profile';
export { PortPool, FREE, ESTABLISHED, TIME_WAIT, RESERVED } from './port-pool';
export { ALLOCATORS, ALLOCATOR_NAMES } from './allocators';
export type { Allocator, AllocatorType } from './allocators';
