/**
 * A small, valid one-page PDF with a bill's text, as a utility's billing system would send (demo
 * data, tests and the benchmark). Built by hand, byte offsets and all, so no PDF library is needed;
 * `padToBytes` adds an unused binary stream to reach a realistic size (a real bill carries a logo
 * and a usage chart).
 */
import { seededRandom } from './random';

const ascii = (s: string) => s.replace(/[–—]/g, '-').replace(/[^\x20-\x7e]/g, '?');
const pdfString = (s: string) => `(${ascii(s).replace(/[\\()]/g, (c) => `\\${c}`)})`;

export function billPdf(lines: string[], options: { padToBytes?: number; seed?: number } = {}): Uint8Array<ArrayBuffer> {
  const text = lines.map((l, i) => `${i === 0 ? '' : 'T* '}${pdfString(l)} Tj`).join('\n');
  const content = `BT /F1 11 Tf 72 740 Td 15 TL\n${text}\nET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
  ];
  // Built as byte chunks: offsets in the xref table are byte offsets.
  const chunks: Uint8Array[] = [];
  let size = 0;
  const put = (part: string | Uint8Array) => {
    const bytes = typeof part === 'string' ? Uint8Array.from(part, (c) => c.charCodeAt(0) & 0xff) : part;
    chunks.push(bytes);
    size += bytes.length;
  };
  put('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n');
  const offsets: number[] = [];
  const add = (body: string, stream?: Uint8Array) => {
    offsets.push(size);
    put(`${offsets.length} 0 obj\n${body}\n`);
    if (stream) put(stream);
    put(`${stream ? '\nendstream\n' : ''}endobj\n`);
  };
  objects.forEach((o) => add(o));
  const trailerSize = 200 + 20 * (objects.length + 2);
  if (options.padToBytes && options.padToBytes > size + trailerSize + 64) {
    const random = seededRandom(options.seed ?? 1);
    const filler = new Uint8Array(options.padToBytes - size - trailerSize - 64);
    for (let i = 0; i < filler.length; i++) filler[i] = Math.floor(random.next() * 256);
    add(`<< /Length ${filler.length} >>\nstream`, filler);
  }
  const xref = size;
  put(`xref\n0 ${offsets.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`);
  put(`trailer\n<< /Size ${offsets.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
