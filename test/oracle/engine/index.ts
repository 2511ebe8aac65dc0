export { Engine, URGENT, NORMAL } from './engine';
export type { EventHandler, EventHandle } from './engine';
export { TICKS_PER_SECOND, ticksFromSeconds, secondsFromTicks } from '../../../src/engine/time';
export type { Tick } from '../../../src/engine/time';
