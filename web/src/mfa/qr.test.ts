import { describe, expect, it } from 'vitest';
import { dataCodewords, encodeQr } from './qr';

function picture(modules: boolean[][]): string[] {
  return modules.map((row) => row.map((dark) => (dark ? '#' : '.')).join(''));
}

/** The 15 format bits read around the top-left finder, unmasked: level and mask. */
function formatAt(modules: boolean[][]): { level: number; mask: number } {
  const at = (x: number, y: number) => (modules[y]?.[x] ? 1 : 0);
  const cells: [number, number][] = [
    [8, 0], [8, 1], [8, 2], [8, 3], [8, 4], [8, 5], [8, 7], [8, 8], [7, 8], [5, 8], [4, 8], [3, 8], [2, 8], [1, 8], [0, 8],
  ];
  const bits = cells.reduce((value, [x, y], i) => value | (at(x, y) << i), 0) ^ 0x5412;
  return { level: bits >>> 13, mask: (bits >>> 10) & 7 };
}

describe('encodeQr', () => {
  it('draws a known symbol (checked with a reader) for a short text', () => {
    const modules = encodeQr('Partner Console');
    expect(modules && picture(modules)).toEqual([
    '#######..#.#####..#######',
    '#.....#...#.#####.#.....#',
    '#.###.#.#...##.#..#.###.#',
    '#.###.#.###.#.##..#.###.#',
    '#.###.#.##.#...##.#.###.#',
    '#.....#.#####.....#.....#',
    '#######.#.#.#.#.#.#######',
    '........#.##..#.#........',
    '#.#####..####.....#####..',
    '#...##..#...####...#.#.#.',
    '#####.##..#.######.######',
    '#.####..#.####.###.....##',
    '##.#..#.###.#.##.##...#.#',
    '##..#..#.##.....#..#.....',
    '#..##.#....##..#.#...#.##',
    '#.####.#..##..###.......#',
    '#.##.###..##....#######.#',
    '........##..#####...#.###',
    '#######..##..##.#.#.#####',
    '#.....#.#...##..#...#..#.',
    '#.###.#.#.#.#.##########.',
    '#.###.#.##......###.#...#',
    '#.###.#.#.###...##......#',
    '#.....#..#.#..###.#.#...#',
    '#######.####.....#....###',
    ]);
  });

  it('picks the smallest version that holds the text, at level M', () => {
    // Byte mode at level M holds 14 bytes in version 1, 26 in version 2, 213 in version 10.
    expect(encodeQr('x'.repeat(14))).toHaveLength(21);
    expect(encodeQr('x'.repeat(15))).toHaveLength(25);
    expect(encodeQr('x'.repeat(213))).toHaveLength(57);
    expect(encodeQr('x'.repeat(214))).toHaveLength(61);
    expect(encodeQr('x'.repeat(2332))).toBeNull();
    expect([1, 2, 10, 40].map(dataCodewords)).toEqual([16, 28, 216, 2334]);
  });

  it('writes level M and the chosen mask in the format bits', () => {
    const uri = 'otpauth://totp/Analytical%20Engines%20Ltd%3Aada%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Analytical%20Engines%20Ltd';
    const modules = encodeQr(uri);
    expect(modules).toHaveLength(45);
    const format = formatAt(modules ?? []);
    expect(format.level).toBe(0);
    expect(format.mask).toBeGreaterThanOrEqual(0);
    expect(format.mask).toBeLessThan(8);
  });
});
