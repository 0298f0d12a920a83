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

/** One file judged alone: the checked file, or what is wrong with it (`too_large` is answered with 413). */
export async function judgeFile(f: File): Promise<CheckedFile | 'too_large' | 'is empty' | 'is not a PDF, JPEG, PNG or HEIC file'> {
  if (f.size > MAX_ATTACHMENT_BYTES) return 'too_large';
  if (f.size === 0) return 'is empty';
  const bytes = new Uint8Array(await f.arrayBuffer());
  const type = sniffType(bytes);
  if (!type) return 'is not a PDF, JPEG, PNG or HEIC file';
  return { bytes, fileName: cleanFileName(f.name, type), contentType: type };
}

/** A file input left empty still sends one nameless, empty part. */
export const chosenFiles = (files: File[]) => files.filter((f) => f.size > 0 || f.name !== '');

export const tooLarge = (field: string) => new ApiError(413, 'payload_too_large', 'Each file may be at most 5 MB.', [{ field, message: 'is larger than 5 MB' }]);

/**
 * Checks every file before anything is written: too many files, an empty or oversized one, or one
 * whose bytes are not an allowed type is refused naming `files` (422, or 413 for size).
 */
export async function checkFiles(files: File[]): Promise<CheckedFile[]> {
  const real = chosenFiles(files);
  if (real.length > MAX_ATTACHMENTS) throw new ApiError(422, 'invalid_request', `Attach at most ${MAX_ATTACHMENTS} files to one message.`, [{ field: 'files', message: `at most ${MAX_ATTACHMENTS} files per message` }]);
  const problems: FieldProblem[] = [];
  const checked: CheckedFile[] = [];
  for (const [i, f] of real.entries()) {
    const judged = await judgeFile(f);
    if (judged === 'too_large') throw tooLarge(`files.${i}`);
    if (typeof judged === 'string') problems.push({ field: `files.${i}`, message: judged });
    else checked.push(judged);
  }
  if (problems.length) throw new ApiError(422, 'invalid_request', 'Attach PDF, JPEG, PNG or HEIC files only.', problems);
  return checked;
}

/** A random object key: a one-letter prefix for the kind of file and 128 random bits, nothing else. */
export const newObjectKey = (prefix = 'm') => `${prefix}/${crypto.randomUUID()}`;

/**
 * Puts the files in R2 before the rows that name them are written (R2 and D1 share no
 * transaction, so a row never names a missing object); `undo` deletes them if the rows fail.
 */
export async function storeFiles<F extends CheckedFile>(bucket: R2Bucket, files: F[], prefix = 'm') {
  const stored = await Promise.all(
    files.map(async (f) => {
      const key = newObjectKey(prefix);
      await bucket.put(key, f.bytes, { httpMetadata: { contentType: f.contentType } });
      return { ...f, id: crypto.randomUUID(), key };
    }),
  );
  return { stored, undo: () => (stored.length ? bucket.delete(stored.map((s) => s.key)).catch(() => undefined) : Promise.resolve()) };
}

/** A stored file as a download: never cached, never sniffed, always saved rather than shown. */
export function downloadResponse(object: R2ObjectBody, file: { fileName: string; contentType: string }) {
  return new Response(object.body, {
    headers: {
      'Content-Type': file.contentType,
      'Content-Length': String(object.size),
      'Content-Disposition': `attachment; filename="${file.fileName.replace(/[^\x20-\x7e]/g, '_').replaceAll('"', '')}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
