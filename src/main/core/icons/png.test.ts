import { describe, expect, it } from 'vitest';
import { deflateSync } from 'node:zlib';
import { crc32, decodePng, encodePng, encodeRawPng, isPng, PngError, readPngSize, type RgbaImage } from './png';

/** A deterministic image with gradients, noise and transparency: every filter type does real work on it. */
function sample(w: number, h: number): RgbaImage {
  const data = new Uint8Array(w * h * 4);
  let seed = 12345;
  for (let i = 0; i < w * h; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const x = i % w;
    const y = Math.floor(i / w);
    data[i * 4] = (x * 7) & 255;
    data[i * 4 + 1] = (y * 13) & 255;
    data[i * 4 + 2] = seed >>> 24;
    data[i * 4 + 3] = (x + y) % 3 === 0 ? 0 : 255 - ((x * y) & 127);
  }
  return { width: w, height: h, data };
}

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.from('IEND'))).toBe(0xae426082);
  });
});

describe('encodePng / decodePng', () => {
  it.each([0, 1, 2, 3, 4, 'adaptive'] as const)('round-trips RGBA exactly with filter %s', (filter) => {
    const img = sample(37, 23);
    const png = encodePng(img, { filter });
    expect(isPng(png)).toBe(true);
    expect(readPngSize(png)).toEqual({ width: 37, height: 23 });
    const back = decodePng(png);
    expect(back.width).toBe(37);
    expect(back.height).toBe(23);
    expect(Buffer.from(back.data).equals(Buffer.from(img.data))).toBe(true);
  });

  it('uses the row filter it was asked for', () => {
    // The filter byte of the first row sits right after inflating the IDAT; the file differs per filter.
    const img = sample(16, 16);
    const outputs = new Set([0, 1, 2, 3, 4].map((f) => encodePng(img, { filter: f as 0 }).toString('hex')));
    expect(outputs.size).toBe(5);
  });

  it.each([
    [2, 3, 'RGB'],
    [0, 1, 'grey'],
    [4, 2, 'grey+alpha'],
  ] as const)('decodes colour type %i (%s) from other tools, all filters', (type, channels, _name) => {
    const w = 9;
    const h = 7;
    const px = new Uint8Array(w * h * channels).map((_, i) => (i * 37) & 255);
    for (const filter of [0, 1, 2, 3, 4] as const) {
      const img = decodePng(encodeRawPng(w, h, type, px, filter));
      for (let p = 0; p < w * h; p++) {
        const s = p * channels;
        const rgba = [...img.data.subarray(p * 4, p * 4 + 4)];
        if (channels === 3) expect(rgba).toEqual([px[s], px[s + 1], px[s + 2], 255]);
        else if (channels === 1) expect(rgba).toEqual([px[s], px[s], px[s], 255]);
        else expect(rgba).toEqual([px[s], px[s], px[s], px[s + 1]]);
      }
    }
  });

  it('rejects bad input to the encoder with a clear error', () => {
    expect(() => encodePng({ width: 0, height: 4, data: new Uint8Array(0) })).toThrow(PngError);
    expect(() => encodePng({ width: 2, height: 2, data: new Uint8Array(15) })).toThrow(/expected 16/);
  });

  it('rejects malformed files with a PngError, never a crash', () => {
    const good = encodePng(sample(8, 8));
    expect(() => decodePng(Buffer.from('GIF89a....'))).toThrow(/signature/);
    expect(() => decodePng(good.subarray(0, good.length - 20))).toThrow(PngError);
    const flipped = Buffer.from(good);
    flipped[40]! ^= 0xff; // inside IDAT
    expect(() => decodePng(flipped)).toThrow(/CRC/);
    expect(() => decodePng(new Uint8Array(0))).toThrow(PngError);
  });

  it('rejects formats it does not support, naming them', () => {
    const interlaced = encodeRawPng(2, 2, 6, new Uint8Array(16));
    // Set the interlace byte and fix the IHDR CRC.
    interlaced[28] = 1;
    interlaced.writeUInt32BE(crc32(interlaced, 12, 29), 29);
    expect(() => decodePng(interlaced)).toThrow(/Interlaced/);

    const sixteen = encodeRawPng(2, 2, 6, new Uint8Array(16));
    sixteen[24] = 16;
    sixteen.writeUInt32BE(crc32(sixteen, 12, 29), 29);
    expect(() => decodePng(sixteen)).toThrow(/bit depth 16/);
  });

  it('rejects an unknown row filter and short image data', () => {
    const w = 2;
    const h = 2;
    const raw = Buffer.alloc((w * 4 + 1) * h);
    raw[0] = 7; // no such filter
    const png = encodeRawPng(w, h, 6, new Uint8Array(16));
    // Swap in our own IDAT: rebuild the file by hand.
    const idat = deflateSync(raw);
    const head = png.subarray(0, 33);
    const chunk = Buffer.alloc(12 + idat.length);
    chunk.writeUInt32BE(idat.length, 0);
    chunk.write('IDAT', 4, 'latin1');
    idat.copy(chunk, 8);
    chunk.writeUInt32BE(crc32(chunk, 4, 8 + idat.length), 8 + idat.length);
    const iend = png.subarray(png.length - 12);
    expect(() => decodePng(Buffer.concat([head, chunk, iend]))).toThrow(/unknown filter type 7/);

    const shortIdat = deflateSync(Buffer.alloc(3));
    const c2 = Buffer.alloc(12 + shortIdat.length);
    c2.writeUInt32BE(shortIdat.length, 0);
    c2.write('IDAT', 4, 'latin1');
    shortIdat.copy(c2, 8);
    c2.writeUInt32BE(crc32(c2, 4, 8 + shortIdat.length), 8 + shortIdat.length);
    expect(() => decodePng(Buffer.concat([head, c2, iend]))).toThrow(/shorter than the image/);
  });
});
