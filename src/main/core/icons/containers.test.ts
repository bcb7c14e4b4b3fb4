import { describe, expect, it } from 'vitest';
import { encodeIcns, IcnsError, ICNS_TYPES, parseIcns } from './icns';
import { encodeIco, IcoError, parseIco } from './ico';
import { encodePng, type RgbaImage } from './png';

/** An image whose top-left pixel is red, top-right green, bottom-left blue; the rest half-transparent grey; one clear pixel. */
function marked(size: number): RgbaImage {
  const data = new Uint8Array(size * size * 4);
  for (let i = 0; i < size * size; i++) data.set([128, 128, 128, 128], i * 4);
  data.set([255, 0, 0, 255], 0);
  data.set([0, 255, 0, 255], (size - 1) * 4);
  data.set([0, 0, 255, 255], (size - 1) * size * 4);
  data.set([0, 0, 0, 0], (size * size - 1) * 4);
  return { width: size, height: size, data };
}

describe('ICO', () => {
  const sizes = [16, 24, 32, 48, 64, 128, 256];
  const ico = encodeIco(sizes.map(marked));

  it('writes a valid ICONDIR with one entry per size, 256 stored as 0', () => {
    expect(ico.readUInt16LE(0)).toBe(0);
    expect(ico.readUInt16LE(2)).toBe(1);
    expect(ico.readUInt16LE(4)).toBe(sizes.length);
    const last = 6 + 16 * (sizes.length - 1);
    expect(ico[last]).toBe(0);
    expect(ico[last + 1]).toBe(0);
    // Entries are contiguous and end exactly at the end of the file.
    let expected = 6 + 16 * sizes.length;
    for (let i = 0; i < sizes.length; i++) {
      const e = 6 + 16 * i;
      expect(ico.readUInt16LE(e + 4)).toBe(1);
      expect(ico.readUInt16LE(e + 6)).toBe(32);
      expect(ico.readUInt32LE(e + 12)).toBe(expected);
      expected += ico.readUInt32LE(e + 8);
    }
    expect(expected).toBe(ico.length);
  });

  it('round-trips every image: BMP below 256, PNG at 256, pixels and orientation intact', () => {
    const entries = parseIco(ico);
    expect(entries.map((e) => e.width)).toEqual(sizes);
    for (const e of entries) {
      expect(e.format).toBe(e.width === 256 ? 'png' : 'bmp');
      expect(Buffer.from(e.image.data).equals(Buffer.from(marked(e.width).data))).toBe(true);
    }
  });

  it('marks fully transparent pixels in the BMP AND mask', () => {
    const one = encodeIco([marked(16)]);
    const off = one.readUInt32LE(18);
    const maskStart = off + 40 + 16 * 16 * 4;
    // The clear pixel is the bottom-right one: first mask row (bottom-up), bit of x = 15.
    expect(one[maskStart + 1]! & 0x01).toBe(1);
    expect(one[maskStart]).toBe(0);
  });

  it('rejects bad images and bad files with an IcoError', () => {
    expect(() => encodeIco([])).toThrow(IcoError);
    expect(() => encodeIco([{ width: 16, height: 8, data: new Uint8Array(16 * 8 * 4) }])).toThrow(/square/);
    expect(() => encodeIco([marked(16), marked(16)])).toThrow(/Two ICO images/);
    expect(() => parseIco(Buffer.from([0, 0, 2, 0, 1, 0]))).toThrow(/ICONDIR/);
    const truncated = ico.subarray(0, ico.length - 10);
    expect(() => parseIco(truncated)).toThrow(/outside the file/);
    const lying = Buffer.from(ico);
    lying[6] = 20; // first entry claims 20 px, holds 16
    expect(() => parseIco(lying)).toThrow(/directory says 20/);
  });
});

describe('ICNS', () => {
  const sizes = [16, 32, 64, 128, 256, 512, 1024];
  const pngs = new Map(sizes.map((s) => [s, encodePng(marked(s))]));
  const icns = encodeIcns(pngs);

  it('writes the magic, the exact total length and one PNG element per type', () => {
    expect(icns.toString('latin1', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const entries = parseIcns(icns);
    expect(entries.map((e) => e.type).sort()).toEqual(Object.keys(ICNS_TYPES).sort());
    for (const e of entries) {
      expect(e.size).toBe(ICNS_TYPES[e.type as keyof typeof ICNS_TYPES]);
      expect(e.image?.width).toBe(e.size);
    }
  });

  it('writes only the types whose size it was given', () => {
    const entries = parseIcns(encodeIcns(new Map([[16, pngs.get(16)!]])));
    expect(entries.map((e) => e.type)).toEqual(['icp4']);
  });

  it('rejects a PNG of the wrong size and corrupt files', () => {
    expect(() => encodeIcns(new Map([[32, pngs.get(16)!]]))).toThrow(/must be 32×32/);
    expect(() => encodeIcns(new Map([[20, pngs.get(16)!]]))).toThrow(IcnsError);
    expect(() => parseIcns(Buffer.from('icnx\0\0\0\x08'))).toThrow(/magic/);
    const short = Buffer.from(icns.subarray(0, icns.length - 4));
    expect(() => parseIcns(short)).toThrow(/header says/);
    const badLen = Buffer.from(icns);
    badLen.writeUInt32BE(4, 12);
    expect(() => parseIcns(badLen)).toThrow(/bad length/);
  });
});
