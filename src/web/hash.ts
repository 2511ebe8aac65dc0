/** SHA-256 in hex, with the browser's Web Crypto: the command line's planHash and capacityHash (../cli/commands/run.ts, capacity.ts) hash the same JSON with node:crypto. */
export async function sha256(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}
