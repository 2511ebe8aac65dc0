export { ArrivalProcess } from './arrivals';
export type { ArrivalSpec } from './arrivals';
export { DestinationPicker } from './destination-picker';
export type { Selection } from './destination-picker';
export { Closer, BY_CLIENT, BY_SERVER, BY_RESET, CLOSER_NAMES } from './closer';
export type { CloserMix, CloserName } from './closer';
