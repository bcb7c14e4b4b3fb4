/**
 * Windows ICO container: encoder and parser.
 *
 * Layout (Microsoft "Icons" docs, ICONDIR / ICONDIRENTRY): a 6-byte header
 * (reserved 0, type 1, count), 16-byte entries (width and height with 0
 * meaning 256, colour count 0, reserved 0, planes 1, bits per pixel 32,
 * bytes in resource, offset), then the images. Entries below 256 px are
 * 32-bit BMP DIBs (BITMAPINFOHEADER, bottom-up BGRA, doubled height, 1-bit
 * AND mask) because some tools (older NSIS, rcedit paths, Windows XP) do
 * not read PNG entries; the 256 px entry is PNG, as Windows itself writes
 * it (Vista+), which keeps the file small.
 */
import { decodePng, encodePng, isPng, readPngSize, type RgbaImage } from './png';

/** A file that is not a valid ICO. */
export class IcoError extends Error {
  override name = 'IcoError';
}

/** One image in an ICO file, as {@link parseIco} found it. */
export interface IcoEntry {
  width: number;
  height: number;
  bitCount: number;
  format: 'png' | 'bmp';
  /** Decoded straight RGBA. */
  image: RgbaImage;
}

/** Options of {@link encodeIco}. */
export interface EncodeIcoOptions {
  /** Sizes at or above this are stored as PNG, smaller ones as BMP. Default 256. */
  pngFrom?: number;
}

function bmpDib(img: RgbaImage): Buffer {
  const { width: w, height: h, data } = img;
  const maskStride = Math.ceil(w / 32) * 4;
  const xorSize = w * h * 4;
  const out = Buffer.alloc(40 + xorSize + maskStride * h);
  out.writeUInt32LE(40, 0); // biSize
  out.writeInt32LE(w, 4);
  out.writeInt32LE(h * 2, 8); // XOR bitmap + AND mask
  out.writeUInt16LE(1, 12); // planes
  out.writeUInt16LE(32, 14); // bit count
  out.writeUInt32LE(0, 16); // BI_RGB
  out.writeUInt32LE(xorSize + maskStride * h, 20);
  for (let y = 0; y < h; y++) {
    const srcRow = (h - 1 - y) * w * 4; // bottom-up
    const dst = 40 + y * w * 4;
    for (let x = 0; x < w; x++) {
      const s = srcRow + x * 4;
      out[dst + x * 4] = data[s + 2]!;
      out[dst + x * 4 + 1] = data[s + 1]!;
      out[dst + x * 4 + 2] = data[s]!;
      out[dst + x * 4 + 3] = data[s + 3]!;
    }
    // AND mask: 1 = transparent; consulted by readers that ignore alpha.
    const maskRow = 40 + xorSize + y * maskStride;
    for (let x = 0; x < w; x++) {
      if (data[srcRow + x * 4 + 3] === 0) out[maskRow + (x >> 3)]! |= 0x80 >> (x & 7);
    }
  }
  return out;
}

/** Encodes square RGBA images (1..256 px, distinct sizes) as one ICO file. Throws {@link IcoError}. */
export function encodeIco(images: RgbaImage[], opts: EncodeIcoOptions = {}): Buffer {
  if (images.length === 0) throw new IcoError('An ICO needs at least one image');
  const seen = new Set<number>();
  for (const img of images) {
    if (img.width !== img.height || img.width < 1 || img.width > 256) {
      throw new IcoError(`ICO images must be square, 1..256 px; got ${img.width}×${img.height}`);
    }
    if (seen.has(img.width)) throw new IcoError(`Two ICO images of ${img.width} px`);
    seen.add(img.width);
  }
  const pngFrom = opts.pngFrom ?? 256;
  const sorted = [...images].sort((a, b) => a.width - b.width);
  const blobs = sorted.map((img) => (img.width >= pngFrom ? encodePng(img) : bmpDib(img)));
  const header = Buffer.alloc(6 + 16 * sorted.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(sorted.length, 4);
  let offset = header.length;
  sorted.forEach((img, i) => {
    const e = 6 + i * 16;
    header[e] = img.width === 256 ? 0 : img.width;
    header[e + 1] = img.height === 256 ? 0 : img.height;
    header[e + 2] = 0; // no palette
    header[e + 3] = 0;
    header.writeUInt16LE(1, e + 4); // planes
    header.writeUInt16LE(32, e + 6); // bits per pixel
    header.writeUInt32LE(blobs[i]!.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += blobs[i]!.length;
  });
  return Buffer.concat([header, ...blobs]);
}

function parseBmp(buf: Buffer, declaredW: number, declaredH: number): RgbaImage {
  if (buf.length < 40) throw new IcoError('ICO BMP entry is shorter than its header');
  const size = buf.readUInt32LE(0);
  const w = buf.readInt32LE(4);
  const h2 = buf.readInt32LE(8);
  const bits = buf.readUInt16LE(14);
  const compression = buf.readUInt32LE(16);
  if (size !== 40) throw new IcoError(`ICO BMP header size ${size} is not supported`);
  if (bits !== 32 || compression !== 0)
    throw new IcoError(`ICO BMP entry must be 32-bit uncompressed, got ${bits}-bit`);
  if (w !== declaredW || h2 !== declaredH * 2) {
    throw new IcoError(`ICO BMP entry is ${w}×${h2 / 2} but its directory says ${declaredW}×${declaredH}`);
  }
  const h = h2 / 2;
  const maskStride = Math.ceil(w / 32) * 4;
  if (buf.length < 40 + w * h * 4 + maskStride * h) throw new IcoError('ICO BMP entry is truncated');
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    const src = 40 + (h - 1 - y) * w * 4;
    for (let x = 0; x < w; x++) {
      const s = src + x * 4;
      const d = (y * w + x) * 4;
      data[d] = buf[s + 2]!;
      data[d + 1] = buf[s + 1]!;
      data[d + 2] = buf[s]!;
      data[d + 3] = buf[s + 3]!;
    }
  }
  return { width: w, height: h, data };
}

/**
 * Parses an ICO file and decodes every entry, checking the header, that
 * each entry lies inside the file, and that each image has the size its
 * directory entry declares. Throws {@link IcoError}.
 */
export function parseIco(bytes: Uint8Array): IcoEntry[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 6) throw new IcoError('File is too short to be an ICO');
  if (buf.readUInt16LE(0) !== 0 || buf.readUInt16LE(2) !== 1)
    throw new IcoError('Not an ICO file (bad ICONDIR header)');
  const count = buf.readUInt16LE(4);
  if (count === 0) throw new IcoError('ICO has no images');
  if (buf.length < 6 + 16 * count) throw new IcoError('ICO directory is truncated');
  const entries: IcoEntry[] = [];
  for (let i = 0; i < count; i++) {
    const e = 6 + i * 16;
    const width = buf[e] || 256;
    const height = buf[e + 1] || 256;
    const planes = buf.readUInt16LE(e + 4);
    const bitCount = buf.readUInt16LE(e + 6);
    const len = buf.readUInt32LE(e + 8);
    const off = buf.readUInt32LE(e + 12);
    if (planes > 1) throw new IcoError(`ICO entry ${i} has ${planes} planes`);
    if (off < 6 + 16 * count || off + len > buf.length) throw new IcoError(`ICO entry ${i} points outside the file`);
    const blob = buf.subarray(off, off + len);
    if (isPng(blob)) {
      const sz = readPngSize(blob);
      if (sz.width !== width || sz.height !== height) {
        throw new IcoError(`ICO PNG entry is ${sz.width}×${sz.height} but its directory says ${width}×${height}`);
      }
      entries.push({ width, height, bitCount, format: 'png', image: decodePng(blob) });
    } else {
      entries.push({ width, height, bitCount, format: 'bmp', image: parseBmp(blob, width, height) });
    }
  }
  return entries;
}
