/**
 * Keyset paging for the bill list and payment history: a page continues after the (day, id) of the
 * last row shown, read straight from an index in order, so page 5 of ten years costs what page 1
 * does (no OFFSET). The cursor is that pair, base64url-encoded: it names no secret, only a position.
 */
import { z } from 'zod';
import { isDay } from '../usage/time';

export type Cursor = { day: string; id: string };

const shape = z.tuple([z.string().refine(isDay), z.string().min(1).max(100)]);

export function encodeCursor(c: Cursor): string {
  const bytes = new TextEncoder().encode(JSON.stringify([c.day, c.id]));
  return btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** The cursor, or null when it is not one this portal made (the caller answers 422). */
export function decodeCursor(value: string): Cursor | null {
  if (!/^[A-Za-z0-9_-]{1,300}$/.test(value)) return null;
  try {
    const bin = atob(value.replaceAll('-', '+').replaceAll('_', '/'));
    const parsed = shape.safeParse(JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (ch) => ch.charCodeAt(0)))));
    return parsed.success ? { day: parsed.data[0], id: parsed.data[1] } : null;
  } catch {
    return null;
  }
}

/** Query parameters of a paged list: `before` (a cursor) and `limit`. */
export const pageQuery = z.object({
  before: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return null;
      const c = decodeCursor(v);
      if (!c) ctx.addIssue({ code: 'custom', message: 'is not a cursor from a previous page' });
      return c;
    }),
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(120, 'may be at most 120').default(24),
});
