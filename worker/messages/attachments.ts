/**
 * Attachments of secure messages: what may be attached (PDF, JPEG, PNG, HEIC; at most 5 MB each
 * and 3 per message), judged from each file's size and first bytes, never from the type the
 * browser declared; stored in R2 (MESSAGE_ATTACHMENTS) under random keys that say nothing about
 * the customer or the file.
 */
import { ApiError, type FieldProblem } from '../http/errors';

export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
export const MAX_ATTACHMENTS = 3;
/** The largest body a message with attachments may have: three full files and the form around them. */
export const MAX_UPLOAD_BODY_BYTES = MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES + 64 * 1024;

export type AttachmentType = 'application/pdf' | 'image/jpeg' | 'image/png' | 'image/heic';
export const extensionOf: Record<AttachmentType, string> = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png', 'image/heic': 'heic' };

const heicBrands = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1']);

/** The file's real type from its first bytes, or null for anything else. */
export function sniffType(bytes: Uint8Array): AttachmentType | null {
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (bytes.length >= 5 && ascii(0, 5) === '%PDF-') return 'application/pdf';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => bytes[i] === b)) return 'image/png';
  if (bytes.length >= 12 && ascii(4, 8) === 'ftyp' && heicBrands.has(ascii(8, 12))) return 'image/heic';
  return null;
}

export type CheckedFile = { bytes: Uint8Array; fileName: string; contentType: AttachmentType };

/** A file name safe to show and to put in Content-Disposition: no paths, no quotes or controls, at most 100 characters. */
export function cleanFileName(name: string, type: AttachmentType) {
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/[^\p{L}\p{N} ._()-]/gu, '').trim().slice(0, 100);
  return base || `attachment.${extensionOf[type]}`;
}

/**
 * Checks every file before anything is written: too many files, an empty or oversized one, or one
 * whose bytes are not an allowed type is refused naming `files` (422, or 413 for size).
 */
export async function checkFiles(files: File[]): Promise<CheckedFile[]> {
  const real = files.filter((f) => f.size > 0 || f.name !== '');
  if (real.length > MAX_ATTACHMENTS) throw new ApiError(422, 'invalid_request', `Attach at most ${MAX_ATTACHMENTS} files to one message.`, [{ field: 'files', message: `at most ${MAX_ATTACHMENTS} files per message` }]);
  const problems: FieldProblem[] = [];
  const checked: CheckedFile[] = [];
  for (const [i, f] of real.entries()) {
    if (f.size > MAX_ATTACHMENT_BYTES) {
      throw new ApiError(413, 'payload_too_large', 'Each attachment may be at most 5 MB.', [{ field: `files.${i}`, message: 'is larger than 5 MB' }]);
    }
    if (f.size === 0) {
      problems.push({ field: `files.${i}`, message: 'is empty' });
      continue;
    }
    const bytes = new Uint8Array(await f.arrayBuffer());
    const type = sniffType(bytes);
    if (!type) {
      problems.push({ field: `files.${i}`, message: 'is not a PDF, JPEG, PNG or HEIC file' });
      continue;
    }
    checked.push({ bytes, fileName: cleanFileName(f.name, type), contentType: type });
  }
  if (problems.length) throw new ApiError(422, 'invalid_request', 'Attach PDF, JPEG, PNG or HEIC files only.', problems);
  return checked;
}

/** A random object key: 128 bits, nothing else. */
export const newObjectKey = () => `m/${crypto.randomUUID()}`;

/**
 * Puts the files in R2 before the rows that name them are written (R2 and D1 share no
 * transaction, so a row never names a missing object); `undo` deletes them if the rows fail.
 */
export async function storeFiles(bucket: R2Bucket, files: CheckedFile[]) {
  const stored = await Promise.all(
    files.map(async (f) => {
      const key = newObjectKey();
      await bucket.put(key, f.bytes, { httpMetadata: { contentType: f.contentType } });
      return { ...f, id: crypto.randomUUID(), key };
    }),
  );
  return { stored, undo: () => (stored.length ? bucket.delete(stored.map((s) => s.key)).catch(() => undefined) : Promise.resolve()) };
}
