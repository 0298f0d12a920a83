/**
 * Retention of program applications (daily cron, worker/index.ts):
 * - documents, once the day their program keeps them to after the decision has come
 *   (documents_delete_on: the program's documentsKeptDays after it was denied, paid, approved for
 *   a program that pays nothing, or withdrawn by the customer), R2 objects first so no object
 *   outlives its row;
 * - a decided (or withdrawn) application with its history, APPLICATION_KEPT_YEARS after the decision
 *   (decided_at, which a withdrawal sets to the day it was withdrawn).
 * Undecided applications are kept while they are open.
 */
import { utility } from '../tenants/scope';
import { localDay } from '../usage/time';
import { APPLICATION_KEPT_YEARS } from './store';

const BATCH = 100;
const inIds = '(SELECT value FROM json_each(?1))';

async function deleteDocuments(env: { DB: D1Database; PROGRAM_DOCUMENTS: R2Bucket }, where: string, param: string) {
  const raw = env.DB;
  let deleted = 0;
  for (let round = 0; round < 20; round++) {
    const { results } = await raw
      .prepare(`SELECT d.id, d.object_key AS key FROM program_application_documents d JOIN program_applications p ON p.id = d.application_id WHERE ${where} LIMIT ${BATCH}`)
      .bind(param)
      .all<{ id: string; key: string }>();
    if (!results.length) break;
    await env.PROGRAM_DOCUMENTS.delete(results.map((r) => r.key));
    await raw.prepare(`DELETE FROM program_application_documents WHERE id IN ${inIds}`).bind(JSON.stringify(results.map((r) => r.id))).run();
    deleted += results.length;
    if (results.length < BATCH) break;
  }
  return deleted;
}

export async function purgeProgramRecords(env: { DB: D1Database; PROGRAM_DOCUMENTS: R2Bucket }, now = new Date()) {
  const raw = env.DB;
  const today = localDay(now.getTime(), utility().timeZone);
  const documents = await deleteDocuments(env, 'p.documents_delete_on <= ?1', today);
  const cutoff = new Date(now);
  cutoff.setUTCFullYear(cutoff.getUTCFullYear() - APPLICATION_KEPT_YEARS);
  let applications = 0;
  for (let round = 0; round < 20; round++) {
    const { results } = await raw.prepare(`SELECT id FROM program_applications WHERE decided_at < ?1 ORDER BY decided_at LIMIT ${BATCH}`).bind(cutoff.toISOString()).all<{ id: string }>();
    if (!results.length) break;
    const ids = JSON.stringify(results.map((r) => r.id));
    await deleteDocuments(env, `p.id IN ${inIds}`, ids);
    await raw.batch([raw.prepare(`DELETE FROM program_application_events WHERE application_id IN ${inIds}`).bind(ids), raw.prepare(`DELETE FROM program_applications WHERE id IN ${inIds}`).bind(ids)]);
    applications += results.length;
    if (results.length < BATCH) break;
  }
  return { documents, applications };
}
