import { describe, expect, it } from 'vitest';
import { hexToRgb, isHexColour, parseChannel, rgbToHex } from './colour';

describe('colours', () => {
  it('turns #rrggbb into R, G and B and back', () => {
    expect(hexToRgb('#1F3A5F')).toEqual({ r: 31, g: 58, b: 95 });
    expect(rgbToHex({ r: 31, g: 58, b: 95 })).toBe('#1f3a5f');
    expect(rgbToHex({ r: 0, g: 5, b: 255 })).toBe('#0005ff');
    expect(isHexColour('#1f3a5f')).toBe(true);
    expect(isHexColour('1f3a5f')).toBe(false);
    expect(isHexColour('#1f3a5')).toBe(false);
  });

  it('takes whole numbers from 0 to 255 as channels', () => {
    expect(['0', ' 255 ', '07'].map(parseChannel)).toEqual([0, 255, 7]);
    expect(['', '256', '-1', '1.5', '1e2', 'ff'].map(parseChannel)).toEqual([null, null, null, null, null, null]);
  });
});
