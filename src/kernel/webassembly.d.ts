/**
 * The part of the WebAssembly JS API the kernel uses. why here: Node has it, but its type
 * declarations ship with TypeScript's DOM library (and @types/node from v22), which this
 * Node 20 project does not load.
 */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number });
    readonly buffer: ArrayBuffer;
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
}
