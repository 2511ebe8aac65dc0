/** Modules the page's build (scripts/build-web.js) provides. */
declare module '*.wasm' {
  const bytes: Uint8Array<ArrayBuffer>;
  export default bytes;
}

/** The worker's bundled script, as text (started from a blob: URL, which works from file://). */
declare module 'portsim:worker' {
  const source: string;
  export default source;
}

/** The shipped scenarios (scenarios/*.yaml): file name → text. */
declare module 'portsim:scenarios' {
  const scenarios: Record<string, string>;
  export default scenarios;
}
