/**
 * A scenario kept in the page's address, so a link reproduces the run: the fragment
 * `#f=<file name>&s=<scenario>`, the scenario compressed with the browser's own
 * CompressionStream (raw DEFLATE, no library) and written in base64url. The fragment is never
 * sent to a server.
 */
async function pipe(bytes: Uint8Array<ArrayBuffer>, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Blob([bytes]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

function base64url(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const s = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

export async function encodeShare(file: string, text: string): Promise<string> {
  const packed = await pipe(new TextEncoder().encode(text), new CompressionStream('deflate-raw'));
  return `f=${encodeURIComponent(file)}&s=${base64url(packed)}`;
}

/** The scenario of a fragment (without its '#'), or undefined when it holds none. */
export async function decodeShare(fragment: string): Promise<{ file: string; text: string } | undefined> {
  const params = new URLSearchParams(fragment);
  const s = params.get('s');
  if (s === null || s === '') return undefined;
  const bytes = await pipe(fromBase64url(s), new DecompressionStream('deflate-raw'));
  return { file: params.get('f') ?? 'scenario.yaml', text: new TextDecoder().decode(bytes) };
}
