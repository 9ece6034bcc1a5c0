/** Colours as the branding API takes them (`#rrggbb`) and as R, G and B channels (0 to 255). */

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

export type Channel = keyof Rgb;
export const CHANNELS: readonly Channel[] = ['r', 'g', 'b'];

const HEX = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i;

export function isHexColour(value: string): boolean {
  return HEX.test(value);
}

/** `#1f3a5f` → { r: 31, g: 58, b: 95 }; black for anything that is not a colour. */
export function hexToRgb(hex: string): Rgb {
  const match = HEX.exec(hex);
  if (!match) return { r: 0, g: 0, b: 0 };
  const [, r = '0', g = '0', b = '0'] = match;
  return { r: Number.parseInt(r, 16), g: Number.parseInt(g, 16), b: Number.parseInt(b, 16) };
}

/** { r: 31, g: 58, b: 95 } → `#1f3a5f`. */
export function rgbToHex({ r, g, b }: Rgb): string {
  return `#${[r, g, b].map((channel) => channel.toString(16).padStart(2, '0')).join('')}`;
}

/** A channel as typed: a whole number from 0 to 255, or null. */
export function parseChannel(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d{1,3}$/.test(trimmed)) return null;
  const value = Number.parseInt(trimmed, 10);
  return value <= 255 ? value : null;
}
