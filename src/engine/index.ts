export { Engine, URGENT, NORMAL } from './engine';
export type { EventHandler, EventHandle } from './engine';
export { TICKS_PER_SECOND, ticksFromSeconds, secondsFromTicks } from './time';
export type { Tick } from './time';
