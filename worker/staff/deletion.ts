/**
 * Deletion by de-identification, driven by the personal-data map: every table tied to the
 * customer is removed, irreversibly overwritten or kept with its legal reason. The statements are
 * returned for the caller's single D1 batch (with the request's own state change), so the
 * deletion lands whole or not at all.
 */
import { personalDataMap, type DataSubject, type PersonalDataEntry } from '../../db/personal-data';
import type { RequestAnswer } from '../../db/schema';

export type DeletionPlan = { statements: D1PreparedStatement[]; answer: Required<Pick<RequestAnswer, 'removed' | 'retained'>> };

export function planDeletion(raw: D1Database, subject: DataSubject, map: PersonalDataEntry[] = personalDataMap): DeletionPlan {
  // Rows are removed in map order; foreign keys are checked once, at the end of the batch.
  const statements: D1PreparedStatement[] = [raw.prepare('PRAGMA defer_foreign_keys = ON')];
  const removed: string[] = [];
  const retained: { item: string; reason: string }[] = [];
  for (const entry of map) {
    if (entry.tie.by === 'none') continue;
    // The batch runs on the primary database alone; a usage shard's table may only keep its rows
    // (the map test holds every shard table to that).
    if (entry.database && entry.deletion.action !== 'retain') throw new Error(`${entry.table} is in the usage shards: deletion there is not part of this batch`);
    const filter = entry.tie.where(subject);
    const offset = filter.params.length;
    switch (entry.deletion.action) {
      case 'remove':
        statements.push(raw.prepare(`DELETE FROM "${entry.table}" WHERE ${filter.sql}`).bind(...filter.params));
        removed.push(entry.label);
        break;
      case 'replace': {
        const set = Object.entries(entry.deletion.set);
        const assignments = set.map(([column], i) => `"${column}" = ?${offset + i + 1}`).join(', ');
        statements.push(raw.prepare(`UPDATE "${entry.table}" SET ${assignments} WHERE ${filter.sql}`).bind(...filter.params, ...set.map(([, v]) => v)));
        removed.push(`${entry.label}: ${set.map(([c]) => c.replaceAll('_', ' ')).join(', ')}`);
        retained.push({ item: `${entry.label} (without the values above)`, reason: entry.deletion.reason });
        break;
      }
      case 'retain':
        retained.push({ item: entry.label, reason: entry.deletion.reason });
        break;
      case 'none':
        break;
    }
  }
  return { statements, answer: { removed, retained } };
}
