import { inflateSync } from 'node:zlib';

/**
 * A minimal PNG decoder for test screenshots: 8-bit RGB or RGBA, not interlaced (what Chromium
 * writes). Returns the pixels as RGBA.
 */
export interface Image {
  width: number;
  height: number;
  /** RGBA, row by row. */
  data: Uint8Array;
}

export function decodePng(buf: Buffer): Image {
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let pos = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const body = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const depth = body[8]!;
      const colour = body[9]!;
      const interlace = body[12]!;
      if (depth !== 8 || (colour !== 2 && colour !== 6) || interlace !== 0) throw new Error(`unsupported PNG: depth ${depth}, colour type ${colour}, interlace ${interlace}`);
      channels = colour === 6 ? 4 : 3;
    } else if (type === 'IDAT') {
      idat.push(body);
    } else if (type === 'IEND') {
      break;
    }
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Uint8Array(width * height * 4);
  let prev = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const cur = new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? cur[i - channels]! : 0;
      const b = prev[i]!;
      const c = i >= channels ? prev[i - channels]! : 0;
      let v = line[i]!;
      if (filter === 1) v += a;
      else if (filter === 2) v += b;
      else if (filter === 3) v += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      cur[i] = v & 0xff;
    }
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      out[o] = cur[x * channels]!;
      out[o + 1] = cur[x * channels + 1]!;
      out[o + 2] = cur[x * channels + 2]!;
      out[o + 3] = channels === 4 ? cur[x * channels + 3]! : 255;
    }
    prev = cur;
  }
  return { width, height, data: out };
}

export interface RegionStats {
  pixels: number;
  /** Share of pixels that are not (near) white. */
  ink: number;
  /** Standard deviation of the luminance, 0–255. */
  spread: number;
  /** Share of pixels within `tolerance` (per channel) of each colour asked for. */
  colours: Record<string, number>;
}

/** Statistics of the pixels of a rectangle (clipped to the image). */
export function regionStats(img: Image, rect: { left: number; top: number; width: number; height: number }, colours: Record<string, string> = {}, tolerance = 24): RegionStats {
  const x0 = Math.max(0, Math.floor(rect.left));
  const y0 = Math.max(0, Math.floor(rect.top));
  const x1 = Math.min(img.width, Math.ceil(rect.left + rect.width));
  const y1 = Math.min(img.height, Math.ceil(rect.top + rect.height));
  const targets = Object.entries(colours).map(([k, hex]) => [k, parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)] as const);
  const hits: Record<string, number> = Object.fromEntries(targets.map(([k]) => [k, 0]));
  let n = 0;
  let ink = 0;
  let sum = 0;
  let sumSq = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const o = (y * img.width + x) * 4;
      const r = img.data[o]!;
      const g = img.data[o + 1]!;
      const b = img.data[o + 2]!;
      const lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
      n++;
      sum += lum;
      sumSq += lum * lum;
      if (r < 235 || g < 235 || b < 235) ink++;
      for (const [k, tr, tg, tb] of targets) {
        if (Math.abs(r - tr) <= tolerance && Math.abs(g - tg) <= tolerance && Math.abs(b - tb) <= tolerance) hits[k]!++;
      }
    }
  }
  const mean = n > 0 ? sum / n : 0;
  return {
    pixels: n,
    ink: n > 0 ? ink / n : 0,
    spread: n > 0 ? Math.sqrt(Math.max(0, sumSq / n - mean * mean)) : 0,
    colours: Object.fromEntries(Object.entries(hits).map(([k, v]) => [k, n > 0 ? v / n : 0])),
  };
}
