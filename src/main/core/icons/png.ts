/**
 * A small PNG encoder and decoder (PNG 1.2 / ISO 15948), zlib from Node only.
 *
 * Encoder: 8-bit RGBA, non-interlaced, any of the five row filters or the
 * usual "smallest sum of absolute differences" heuristic per row.
 * Decoder: 8-bit RGBA, RGB, grey and grey+alpha, non-interlaced, all five
 * filters: enough for our own files (icons) and most tool-written PNGs.
 * Anything else is rejected with a {@link PngError}, never a crash.
 */
import { deflateSync, inflateSync } from 'node:zlib';

/** An 8-bit RGBA image, rows top to bottom, not premultiplied. */
export interface RgbaImage {
  width: number;
  height: number;
  /** `width * height * 4` bytes: R, G, B, A per pixel. */
  data: Uint8Array;
}

/** A PNG that we cannot read (bad signature, truncated, unsupported format...). */
export class PngError extends Error {
  override name = 'PngError';
}

/** The 8-byte signature every PNG starts with. */
export const PNG_SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** PNG row filter types; `'adaptive'` picks per row (libpng's heuristic). */
export type PngFilter = 0 | 1 | 2 | 3 | 4 | 'adaptive';

/** Options of {@link encodePng}. */
export interface EncodePngOptions {
  /** Row filter; default `'adaptive'`. */
  filter?: PngFilter;
  /** zlib level 0..9; default 9 (icons are tiny; build-time size matters more than µs). */
  level?: number;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (ISO 3309, as PNG chunks use it). `crc32(Buffer.from('123456789')) === 0xcbf43926`. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** True when `bytes` starts with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false;
  for (let i = 0; i < 8; i++) if (bytes[i] !== PNG_SIGNATURE[i]) return false;
  return true;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out, 4, 8 + data.length), 8 + data.length);
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/** Applies filter `type` to `row` (with `prev` the previous raw row), writing into `out`. */
function filterRow(type: number, row: Uint8Array, prev: Uint8Array | null, bpp: number, out: Uint8Array): void {
  const n = row.length;
  for (let i = 0; i < n; i++) {
    const x = row[i]!;
    const a = i >= bpp ? row[i - bpp]! : 0;
    const b = prev ? prev[i]! : 0;
    const c = prev && i >= bpp ? prev[i - bpp]! : 0;
    let v: number;
    switch (type) {
      case 0:
        v = x;
        break;
      case 1:
        v = x - a;
        break;
      case 2:
        v = x - b;
        break;
      case 3:
        v = x - ((a + b) >> 1);
        break;
      default:
        v = x - paeth(a, b, c);
    }
    out[i] = v & 0xff;
  }
}

function rowCost(filtered: Uint8Array): number {
  // Treat bytes as signed: small magnitudes compress best (libpng's heuristic).
  let s = 0;
  for (let i = 0; i < filtered.length; i++) {
    const v = filtered[i]!;
    s += v < 128 ? v : 256 - v;
  }
  return s;
}

/** Encodes an RGBA image as a PNG file. Throws {@link PngError} on inconsistent input. */
export function encodePng(img: RgbaImage, opts: EncodePngOptions = {}): Buffer {
  const { width, height, data } = img;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new PngError(`Image size must be positive whole numbers, got ${width}×${height}`);
  }
  if (width > 0x7fffffff || height > 0x7fffffff) throw new PngError('Image too large for PNG');
  if (data.length !== width * height * 4) {
    throw new PngError(
      `Pixel data has ${data.length} bytes, expected ${width * height * 4} for ${width}×${height} RGBA`,
    );
  }
  const filter = opts.filter ?? 'adaptive';
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  const candidates = filter === 'adaptive' ? [0, 1, 2, 3, 4] : [filter];
  const scratch = candidates.map(() => new Uint8Array(stride));
  for (let y = 0; y < height; y++) {
    const row = data.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? data.subarray((y - 1) * stride, y * stride) : null;
    let best = 0;
    let bestCost = Infinity;
    for (let k = 0; k < candidates.length; k++) {
      filterRow(candidates[k]!, row, prev, 4, scratch[k]!);
      if (candidates.length === 1) break;
      const cost = rowCost(scratch[k]!);
      if (cost < bestCost) {
        bestCost = cost;
        best = k;
      }
    }
    raw[y * (stride + 1)] = candidates[best]!;
    raw.set(scratch[best]!, y * (stride + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: truecolour with alpha
  ihdr[10] = 0; // compression: deflate
  ihdr[11] = 0; // filter method 0
  ihdr[12] = 0; // no interlace
  return Buffer.concat([
    Buffer.from(PNG_SIGNATURE),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: opts.level ?? 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** Width and height from a PNG's IHDR, without decoding pixels. Throws {@link PngError}. */
export function readPngSize(bytes: Uint8Array): { width: number; height: number } {
  if (!isPng(bytes)) throw new PngError('Not a PNG file (bad signature)');
  if (bytes.length < 33) throw new PngError('PNG is truncated before its header');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = String.fromCharCode(bytes[12]!, bytes[13]!, bytes[14]!, bytes[15]!);
  if (type !== 'IHDR') throw new PngError('PNG does not start with an IHDR chunk');
  return { width: dv.getUint32(16), height: dv.getUint32(20) };
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/**
 * Decodes a PNG into 8-bit RGBA. Verifies chunk CRCs and the IDAT length.
 * Throws {@link PngError} for anything malformed or unsupported (palette,
 * 16-bit, interlaced).
 */
export function decodePng(bytes: Uint8Array): RgbaImage {
  if (!isPng(bytes)) throw new PngError('Not a PNG file (bad signature)');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 8;
  let width = 0;
  let height = 0;
  let colourType = -1;
  let sawEnd = false;
  const idat: Uint8Array[] = [];
  while (pos < bytes.length) {
    if (pos + 12 > bytes.length) throw new PngError('PNG is truncated inside a chunk header');
    const len = dv.getUint32(pos);
    const type = String.fromCharCode(bytes[pos + 4]!, bytes[pos + 5]!, bytes[pos + 6]!, bytes[pos + 7]!);
    const dataStart = pos + 8;
    const dataEnd = dataStart + len;
    if (dataEnd + 4 > bytes.length) throw new PngError(`PNG is truncated inside the ${type} chunk`);
    if (dv.getUint32(dataEnd) !== crc32(bytes, pos + 4, dataEnd))
      throw new PngError(`PNG ${type} chunk fails its CRC check`);
    if (type === 'IHDR') {
      if (len !== 13) throw new PngError('PNG IHDR has the wrong length');
      width = dv.getUint32(dataStart);
      height = dv.getUint32(dataStart + 4);
      const depth = bytes[dataStart + 8]!;
      colourType = bytes[dataStart + 9]!;
      const interlace = bytes[dataStart + 12]!;
      if (width < 1 || height < 1) throw new PngError('PNG has a zero width or height');
      if (width * height > 64 * 1024 * 1024) throw new PngError('PNG is too large to decode here');
      if (depth !== 8) throw new PngError(`PNG bit depth ${depth} is not supported (8 only)`);
      if (CHANNELS[colourType] === undefined) throw new PngError(`PNG colour type ${colourType} is not supported`);
      if (interlace !== 0) throw new PngError('Interlaced PNGs are not supported');
    } else if (type === 'IDAT') {
      idat.push(bytes.subarray(dataStart, dataEnd));
    } else if (type === 'IEND') {
      sawEnd = true;
      break;
    }
    pos = dataEnd + 4;
  }
  if (colourType < 0) throw new PngError('PNG has no IHDR chunk');
  if (!sawEnd) throw new PngError('PNG has no IEND chunk (truncated?)');
  if (idat.length === 0) throw new PngError('PNG has no image data');
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(idat));
  } catch (e) {
    throw new PngError(`PNG image data is corrupt: ${(e as Error).message}`);
  }
  const channels = CHANNELS[colourType]!;
  const stride = width * channels;
  if (raw.length < (stride + 1) * height) throw new PngError('PNG image data is shorter than the image');
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const type = raw[y * (stride + 1)]!;
    const src = y * (stride + 1) + 1;
    const dst = y * stride;
    for (let i = 0; i < stride; i++) {
      const x = raw[src + i]!;
      const a = i >= channels ? pixels[dst + i - channels]! : 0;
      const b = y > 0 ? pixels[dst - stride + i]! : 0;
      const c = y > 0 && i >= channels ? pixels[dst - stride + i - channels]! : 0;
      let v: number;
      switch (type) {
        case 0:
          v = x;
          break;
        case 1:
          v = x + a;
          break;
        case 2:
          v = x + b;
          break;
        case 3:
          v = x + ((a + b) >> 1);
          break;
        case 4:
          v = x + paeth(a, b, c);
          break;
        default:
          throw new PngError(`PNG row ${y} has an unknown filter type ${type}`);
      }
      pixels[dst + i] = v & 0xff;
    }
  }
  if (channels === 4) return { width, height, data: pixels };
  const out = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const s = p * channels;
    const d = p * 4;
    if (channels === 3) {
      out[d] = pixels[s]!;
      out[d + 1] = pixels[s + 1]!;
      out[d + 2] = pixels[s + 2]!;
      out[d + 3] = 255;
    } else {
      const g = pixels[s]!;
      out[d] = g;
      out[d + 1] = g;
      out[d + 2] = g;
      out[d + 3] = channels === 2 ? pixels[s + 1]! : 255;
    }
  }
  return { width, height, data: out };
}

/**
 * Encodes raw scanlines with the given colour type as a PNG; exported for
 * tests that need RGB or grey files written the way other tools write them.
 */
export function encodeRawPng(
  width: number,
  height: number,
  colourType: 0 | 2 | 4 | 6,
  pixels: Uint8Array,
  filter: 0 | 1 | 2 | 3 | 4 = 0,
): Buffer {
  const channels = CHANNELS[colourType]!;
  const stride = width * channels;
  if (pixels.length !== stride * height) throw new PngError('Pixel data length does not match the size');
  const raw = Buffer.alloc((stride + 1) * height);
  const tmp = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    filterRow(
      filter,
      pixels.subarray(y * stride, (y + 1) * stride),
      y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : null,
      channels,
      tmp,
    );
    raw[y * (stride + 1)] = filter;
    raw.set(tmp, y * (stride + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = colourType;
  return Buffer.concat([
    Buffer.from(PNG_SIGNATURE),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}
