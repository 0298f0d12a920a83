/**
 * The access package ("right to know"): categories collected, their sources, purposes and
 * recipients, and the specific pieces from every table of the personal-data map that ties rows to
 * the customer. Built by iterating the map, so a new mapped table is exported without further code.
 */
import { dataCategories, personalDataMap, type CategoryId, type DataSubject, type PersonalDataEntry } from '../../db/personal-data';
import { formatsFor } from '../i18n/format';
import type { Locale } from '../i18n/locale';
import { utility } from '../tenants/scope';
import type { UsageShards } from '../usage/shards';
import { heldMetersOf } from '../usage/tenure';

export type PackageTable = { table: string; label: string; category: CategoryId; rowCount: number; rows: Record<string, unknown>[] };

export type AccessPackage = {
  format: 'alder-creek-access-package/1';
  generatedAt: string;
  requestId: string;
  controller: { name: string; legalName: string; privacyEmail: string };
  categories: { id: CategoryId; name: string; sources: string[]; purposes: string[]; recipients: string[]; tables: string[] }[];
  tables: PackageTable[];
  /** Tables the map says hold no customer data, and why (so the package shows nothing was skipped silently). */
  notCustomerData: { table: string; reason: string }[];
  sale: string;
};

const jsonLike = /^[[{]/;

function decode(value: unknown): unknown {
  if (typeof value === 'string' && jsonLike.test(value)) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}

export async function buildAccessPackage(raw: D1Database, shards: UsageShards, subject: DataSubject, requestId: string, options: { map?: PersonalDataEntry[]; now?: Date } = {}): Promise<AccessPackage> {
  const map = options.map ?? personalDataMap;
  type Exported = PersonalDataEntry & { tie: Extract<PersonalDataEntry['tie'], { where: unknown }>; export: { columns: string[]; orderBy?: string }; category: CategoryId };
  const exported = map.filter((e): e is Exported => e.tie.by !== 'none' && 'columns' in e.export && e.category !== null);
  // The shards hold no accounts: their rows are found by the meters and days the account held.
  const who: DataSubject = exported.some((e) => e.database) ? { ...subject, heldMeters: subject.heldMeters ?? (await heldMetersOf(raw, subject.accountId)) } : subject;
  const select = (db: D1Database, e: Exported) => {
    const filter = e.tie.where(who);
    const columns = e.export.columns.map((c) => `"${c}"`).join(', ');
    // orderBy is a list of columns ("meter_id, day") or one column.
    const order = e.export.orderBy ? ` ORDER BY ${e.export.orderBy.split(',').map((c) => `"${c.trim()}"`).join(', ')}` : ' ORDER BY rowid';
    return db.prepare(`SELECT ${columns} FROM "${e.table}" WHERE ${filter.sql}${order}`).bind(...filter.params);
  };
  const inPrimary = exported.filter((e) => !e.database);
  const inShards = exported.filter((e) => e.database === 'usage-shard');
  const [primaryResults, ...shardResults] = await Promise.all([
    inPrimary.length ? raw.batch<Record<string, unknown>>(inPrimary.map((e) => select(raw, e))) : [],
    ...shards.all.map((db) => (inShards.length ? db.batch<Record<string, unknown>>(inShards.map((e) => select(db, e))) : [])),
  ]);
  // A meter's rows are all in one shard, so rows ordered in each shard stay in order per meter.
  const rowsOf = (e: Exported) =>
    e.database ? shardResults.flatMap((r) => r[inShards.indexOf(e)]?.results ?? []) : (primaryResults[inPrimary.indexOf(e)]?.results ?? []);
  const tables: PackageTable[] = exported.map((e) => {
    const rows = rowsOf(e).map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, decode(v)])));
    return { table: e.table, label: e.label, category: e.category, rowCount: rows.length, rows };
  });
  const categoryIds = [...new Set(exported.map((e) => e.category))];
  return {
    format: 'alder-creek-access-package/1',
    generatedAt: (options.now ?? new Date()).toISOString(),
    requestId,
    controller: { name: utility().name, legalName: utility().legalName, privacyEmail: utility().emails.privacy },
    categories: categoryIds.map((id) => ({ id, ...dataCategories[id], tables: exported.filter((e) => e.category === id).map((e) => e.table) })),
    tables,
    notCustomerData: map.filter((e) => e.tie.by === 'none').map((e) => ({ table: e.table, reason: (e.tie as { reason: string }).reason })),
    sale: `${utility().name} does not sell personal information and does not share it for cross-context behavioural advertising.`,
  };
}

const escapeHtml = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
const cell = (v: unknown) => escapeHtml(v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** Rows shown per table in the HTML; the JSON file always has every row. */
export const HTML_ROWS_PER_TABLE = 100;

/** The readable copy's own words; what the map says (categories, tables, columns, reasons) stays as written, in English. */
const packageText = {
  en: {
    title: 'Your personal information',
    heading: (name: string) => `Your personal information held by ${name}`,
    prepared: (at: string, id: string) => `Prepared ${at} for request ${id}.`,
    sale: (name: string) => `${name} does not sell personal information and does not share it for cross-context behavioural advertising.`,
    questions: 'Questions:',
    sources: 'Where it comes from',
    purposes: 'Why we use it',
    recipients: 'Who receives it',
    nothing: 'We hold nothing of this kind about you.',
    rows: (n: number) => `${n} ${n === 1 ? 'row' : 'rows'}`,
    more: (shown: number, total: number) => `Showing ${shown} of ${total} rows; the JSON file has all of them.`,
    english: '',
  },
  es: {
    title: 'Su información personal',
    heading: (name: string) => `Su información personal que tiene ${name}`,
    prepared: (at: string, id: string) => `Preparada el ${at} para la solicitud ${id}.`,
    sale: (name: string) => `${name} no vende información personal ni la comparte para publicidad basada en su actividad en otros sitios.`,
    questions: 'Preguntas:',
    sources: 'De dónde viene',
    purposes: 'Para qué la usamos',
    recipients: 'Quién la recibe',
    nothing: 'No tenemos nada de este tipo sobre usted.',
    rows: (n: number) => `${n} ${n === 1 ? 'fila' : 'filas'}`,
    more: (shown: number, total: number) => `Se muestran ${shown} de ${total} filas; el archivo JSON las tiene todas.`,
    english: 'Los nombres de las categorías, de las tablas y de los datos, y sus descripciones, están en inglés, tal como los guardamos.',
  },
} satisfies Record<Locale, Record<string, string | ((...args: never[]) => string)>>;

/**
 * The readable version: one self-contained HTML page (no script, one stylesheet link), in the
 * language of the page it was asked from. The map's own words are English, and marked so.
 */
export function renderAccessPackageHtml(pkg: AccessPackage, locale: Locale = 'en'): string {
  const w = packageText[locale];
  const en = locale === 'en' ? '' : ' lang="en"';
  const byCategory = pkg.categories
    .map((cat) => {
      const tables = pkg.tables
        .filter((t) => t.category === cat.id)
        .map((t) => {
          const columns = t.rows[0] ? Object.keys(t.rows[0]) : [];
          const shown = t.rows.slice(0, HTML_ROWS_PER_TABLE);
          const more = t.rowCount > shown.length ? `<p>${w.more(shown.length, t.rowCount)}</p>` : '';
          const body = t.rowCount === 0
            ? `<p>${w.nothing}</p>`
            : `<div class="table-scroll"><table><caption><span${en}>${escapeHtml(t.label)}</span> (${w.rows(t.rowCount)})</caption><thead${en}><tr>${columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('')}</tr></thead><tbody>${shown
                .map((r) => `<tr>${columns.map((c) => `<td>${cell(r[c])}</td>`).join('')}</tr>`)
                .join('')}</tbody></table></div>${more}`;
          return `<h3${en}>${escapeHtml(t.label)}</h3>${body}`;
        })
        .join('');
      return `<section><h2${en}>${escapeHtml(cat.name)}</h2><dl><dt>${w.sources}</dt><dd${en}>${cat.sources.map(escapeHtml).join('; ')}</dd><dt>${w.purposes}</dt><dd${en}>${cat.purposes.map(escapeHtml).join('; ')}</dd><dt>${w.recipients}</dt><dd${en}>${cat.recipients.map(escapeHtml).join('; ')}</dd></dl>${tables}</section>`;
    })
    .join('');
  const name = escapeHtml(pkg.controller.name);
  // The JSON keeps its English `sale` sentence; English readers see that very sentence.
  const sale = locale === 'en' ? escapeHtml(pkg.sale) : escapeHtml(w.sale(pkg.controller.name));
  const note = w.english ? `<p>${w.english}</p>` : '';
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${w.title} | ${name}</title><link rel="stylesheet" href="/access-package.css"></head><body><main><h1>${escapeHtml(w.heading(pkg.controller.name))}</h1><p>${escapeHtml(w.prepared(formatsFor(locale).dateTime(pkg.generatedAt), pkg.requestId))} ${sale}</p><p>${w.questions} <a href="mailto:${escapeHtml(pkg.controller.privacyEmail)}">${escapeHtml(pkg.controller.privacyEmail)}</a>.</p>${note}${byCategory}</main></body></html>`;
}
