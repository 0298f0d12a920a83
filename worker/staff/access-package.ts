/**
 * The access package ("right to know"): categories collected, their sources, purposes and
 * recipients, and the specific pieces from every table of the personal-data map that ties rows to
 * the customer. Built by iterating the map, so a new mapped table is exported without further code.
 */
import { dataCategories, personalDataMap, type CategoryId, type DataSubject, type PersonalDataEntry } from '../../db/personal-data';
import { utility } from '../shared/utility';

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

export async function buildAccessPackage(raw: D1Database, subject: DataSubject, requestId: string, options: { map?: PersonalDataEntry[]; now?: Date } = {}): Promise<AccessPackage> {
  const map = options.map ?? personalDataMap;
  type Exported = PersonalDataEntry & { tie: Extract<PersonalDataEntry['tie'], { where: unknown }>; export: { columns: string[]; orderBy?: string }; category: CategoryId };
  const exported = map.filter((e): e is Exported => e.tie.by !== 'none' && 'columns' in e.export && e.category !== null);
  const statements = exported.map((e) => {
    const filter = e.tie.where(subject);
    const columns = e.export.columns.map((c) => `"${c}"`).join(', ');
    const order = e.export.orderBy ? ` ORDER BY "${e.export.orderBy}"` : ' ORDER BY rowid';
    return raw.prepare(`SELECT ${columns} FROM "${e.table}" WHERE ${filter.sql}${order}`).bind(...filter.params);
  });
  const results = statements.length ? await raw.batch<Record<string, unknown>>(statements) : [];
  const tables: PackageTable[] = exported.map((e, i) => {
    const rows = (results[i]?.results ?? []).map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, decode(v)])));
    return { table: e.table, label: e.label, category: e.category, rowCount: rows.length, rows };
  });
  const categoryIds = [...new Set(exported.map((e) => e.category))];
  return {
    format: 'alder-creek-access-package/1',
    generatedAt: (options.now ?? new Date()).toISOString(),
    requestId,
    controller: { name: utility.name, legalName: utility.legalName, privacyEmail: utility.emails.privacy },
    categories: categoryIds.map((id) => ({ id, ...dataCategories[id], tables: exported.filter((e) => e.category === id).map((e) => e.table) })),
    tables,
    notCustomerData: map.filter((e) => e.tie.by === 'none').map((e) => ({ table: e.table, reason: (e.tie as { reason: string }).reason })),
    sale: `${utility.name} does not sell personal information and does not share it for cross-context behavioural advertising.`,
  };
}

const escapeHtml = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
const cell = (v: unknown) => escapeHtml(v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** Rows shown per table in the HTML; the JSON file always has every row. */
export const HTML_ROWS_PER_TABLE = 100;

/** The readable version: one self-contained HTML page (no script, one stylesheet link). */
export function renderAccessPackageHtml(pkg: AccessPackage): string {
  const byCategory = pkg.categories
    .map((cat) => {
      const tables = pkg.tables
        .filter((t) => t.category === cat.id)
        .map((t) => {
          const columns = t.rows[0] ? Object.keys(t.rows[0]) : [];
          const shown = t.rows.slice(0, HTML_ROWS_PER_TABLE);
          const more = t.rowCount > shown.length ? `<p>Showing ${shown.length} of ${t.rowCount} rows; the JSON file has all of them.</p>` : '';
          const body = t.rowCount === 0
            ? '<p>We hold nothing of this kind about you.</p>'
            : `<div class="table-scroll"><table><caption>${escapeHtml(t.label)} (${t.rowCount} ${t.rowCount === 1 ? 'row' : 'rows'})</caption><thead><tr>${columns.map((c) => `<th scope="col">${escapeHtml(c)}</th>`).join('')}</tr></thead><tbody>${shown
                .map((r) => `<tr>${columns.map((c) => `<td>${cell(r[c])}</td>`).join('')}</tr>`)
                .join('')}</tbody></table></div>${more}`;
          return `<h3>${escapeHtml(t.label)}</h3>${body}`;
        })
        .join('');
      return `<section><h2>${escapeHtml(cat.name)}</h2><dl><dt>Where it comes from</dt><dd>${cat.sources.map(escapeHtml).join('; ')}</dd><dt>Why we use it</dt><dd>${cat.purposes.map(escapeHtml).join('; ')}</dd><dt>Who receives it</dt><dd>${cat.recipients.map(escapeHtml).join('; ')}</dd></dl>${tables}</section>`;
    })
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Your personal information | ${escapeHtml(pkg.controller.name)}</title><link rel="stylesheet" href="/access-package.css"></head><body><main><h1>Your personal information held by ${escapeHtml(pkg.controller.name)}</h1><p>Prepared ${escapeHtml(pkg.generatedAt)} for request ${escapeHtml(pkg.requestId)}. ${escapeHtml(pkg.sale)}</p><p>Questions: <a href="mailto:${escapeHtml(pkg.controller.privacyEmail)}">${escapeHtml(pkg.controller.privacyEmail)}</a>.</p>${byCategory}</main></body></html>`;
}
