/**
 * Apple ICNS container with PNG entries: encoder and parser.
 *
 * Layout: magic `icns`, a big-endian uint32 total file length, then
 * elements of { 4-char OSType, big-endian uint32 length including this
 * 8-byte header, data }. The PNG-capable types (macOS 10.7+) we write are
 * listed in {@link ICNS_TYPES}; `ic04`/`ic05` are left out because current
 * iconutil writes them as ARGB rather than PNG, and the PNG types cover
 * the same sizes.
 */
import { decodePng, isPng, readPngSize, type RgbaImage } from './png';

/** A file that is not a valid ICNS. */
export class IcnsError extends Error {
  override name = 'IcnsError';
}

/** The element types we write, with the pixel size each holds. */
export const ICNS_TYPES = {
  icp4: 16,
  icp5: 32,
  icp6: 64,
  ic07: 128,
  ic08: 256,
  ic09: 512,
  ic10: 1024, // 512@2x
  ic11: 32, // 16@2x
  ic12: 64, // 32@2x
  ic13: 256, // 128@2x
  ic14: 512, // 256@2x
} as const;

/** An ICNS element type we write. */
export type IcnsType = keyof typeof ICNS_TYPES;

/** One element of an ICNS file, as {@link parseIcns} found it. */
export interface IcnsEntry {
  type: string;
  /** Pixel edge of the PNG, or null for non-PNG elements (e.g. a TOC). */
  size: number | null;
  data: Uint8Array;
  /** Decoded image (PNG elements only). */
  image?: RgbaImage;
}

/**
 * Builds an ICNS file from PNG files keyed by pixel size: every type in
 * {@link ICNS_TYPES} whose size is present gets an element. Throws
 * {@link IcnsError} when a PNG's real size differs from its key.
 */
export function encodeIcns(pngsBySize: ReadonlyMap<number, Buffer>): Buffer {
  const parts: Buffer[] = [];
  for (const [type, size] of Object.entries(ICNS_TYPES) as Array<[IcnsType, number]>) {
    const png = pngsBySize.get(size);
    if (!png) continue;
    const real = readPngSize(png);
    if (real.width !== size || real.height !== size) {
      throw new IcnsError(`PNG for ${type} must be ${size}×${size}, got ${real.width}×${real.height}`);
    }
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(8 + png.length, 4);
    parts.push(head, png);
  }
  if (parts.length === 0) throw new IcnsError('No image of a size ICNS can hold (16, 32, 64, 128, 256, 512, 1024)');
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + body.length, 4);
  return Buffer.concat([head, body]);
}

/**
 * Parses an ICNS file: checks the magic, the total length and every
 * element's bounds; decodes PNG elements and checks their size matches the
 * type (for the types in {@link ICNS_TYPES}). Throws {@link IcnsError}.
 */
export function parseIcns(bytes: Uint8Array): IcnsEntry[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 8 || buf.toString('latin1', 0, 4) !== 'icns') throw new IcnsError('Not an ICNS file (bad magic)');
  const total = buf.readUInt32BE(4);
  if (total !== buf.length) throw new IcnsError(`ICNS header says ${total} bytes, file has ${buf.length}`);
  const out: IcnsEntry[] = [];
  let pos = 8;
  while (pos < total) {
    if (pos + 8 > total) throw new IcnsError('ICNS element header is truncated');
    const type = buf.toString('latin1', pos, pos + 4);
    const len = buf.readUInt32BE(pos + 4);
    if (len < 8 || pos + len > total) throw new IcnsError(`ICNS element ${type} has a bad length ${len}`);
    const data = buf.subarray(pos + 8, pos + len);
    if (isPng(data)) {
      const { width, height } = readPngSize(data);
      const expected = (ICNS_TYPES as Record<string, number>)[type];
      if (width !== height) throw new IcnsError(`ICNS element ${type} is not square`);
      if (expected !== undefined && expected !== width) {
        throw new IcnsError(`ICNS element ${type} must be ${expected} px, got ${width}`);
      }
      out.push({ type, size: width, data, image: decodePng(data) });
    } else {
      out.push({ type, size: null, data });
    }
    pos += len;
  }
  return out;
}
