/** D1 allows at most 100 bound parameters per statement. */
export const D1_MAX_BOUND_PARAMETERS = 100;

/** Splits rows so that a multi-row INSERT of each chunk stays within D1's parameter limit. */
export function chunkRowsForInsert<T extends object>(rows: T[], maxParameters = D1_MAX_BOUND_PARAMETERS): T[][] {
  if (rows.length === 0) return [];
  const columns = Math.max(1, ...rows.map((r) => Object.keys(r).length));
  const perChunk = Math.max(1, Math.floor(maxParameters / columns));
  const chunks: T[][] = [];
  for (let i = 0; i < rows.length; i += perChunk) chunks.push(rows.slice(i, i + perChunk));
  return chunks;
}
