import { useMemo } from 'react';
import { encodeQr } from './qr';

/** Modules of light margin around the code, as the standard asks. */
const QUIET_ZONE = 4;

/** A QR code of a text as an SVG image (nothing when the text is too long for one). */
export function QrCode({ text, label }: { text: string; label: string }) {
  const modules = useMemo(() => encodeQr(text), [text]);
  if (modules === null) return null;
  const size = modules.length + QUIET_ZONE * 2;
  let path = '';
  modules.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) path += `M${x + QUIET_ZONE} ${y + QUIET_ZONE}h1v1h-1z`;
    });
  });
  return (
    <svg
      className="qr-code"
      viewBox={`0 0 ${size} ${size}`}
      role="img"
      aria-label={label}
      shapeRendering="crispEdges"
      data-testid="mfa-qr-code"
      data-size={modules.length}
    >
      <rect width={size} height={size} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
