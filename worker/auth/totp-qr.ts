/**
 * The enrolment QR code, drawn on the server as inline SVG: the secret never goes to a QR service
 * or a third-party script. uqr encodes (ISO/IEC 18004); we draw one path of dark modules, with
 * presentation attributes only (no style attribute, nothing a strict CSP would block), a quiet zone
 * of four modules, and a text alternative naming what it is (the secret is also shown as text).
 */
import { encode } from 'uqr';

export function qrSvg(text: string, label: string): string {
  // Medium error correction: survives a smudged or glary screen, still small for a ~120-character URI.
  const qr = encode(text, { ecc: 'M', border: 4 });
  const size = qr.size;
  let d = '';
  qr.data.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) d += `M${x} ${y}h1v1h-1z`;
    });
  });
  const escaped = label.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" width="240" height="240" role="img" aria-label="${escaped}" shape-rendering="crispEdges"><rect width="${size}" height="${size}" fill="#fff"/><path d="${d}" fill="#000"/></svg>`;
}
