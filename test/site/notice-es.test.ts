/**
 * The privacy notice in Spanish (site/content/<tenant>/notice-es/): every English version has a translation
 * naming it, its sections pair up with that version's, its retention table states the same periods
 * (the current one: the periods the code enforces), /es/privacy/ and /privacy/ are twins, and the
 * Spanish comparisons, one for each pair of consecutive versions, mark insertions and deletions as
 * the English ones do and leave long unchanged stretches out.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { pairTranslations } from '../../site/lib/notice-translations';
import { ALERT_RETENTION_YEARS } from '../../worker/alerts/centre/retention';
import { CONSENT_PROOF_RETENTION_MONTHS } from '../../worker/consent/retention';
import { RETENTION_MONTHS as REQUEST_RETENTION_MONTHS } from '../../worker/requests/scheduled';
import { MIN_SIMILAR_HOMES } from '../../worker/usage/series';
import { DISCLOSURE_LOG_MONTHS, INVITATION_KEPT_DAYS } from '../../worker/sharing/maintenance';
import { MESSAGE_RETENTION_DAYS } from '../../worker/messages/retention';
import { APPLICATION_KEPT_YEARS } from '../../worker/programs/store';
import { DEFAULT_DOCUMENTS_KEPT_DAYS } from '../../worker/shared/program-catalog';
import { CONSENT_MAX_AGE_SECONDS } from '../../worker/shared/cookie-registry';
import { builtPages, DIST, elementTexts, startTags, type BuiltPage } from './built-site';

const CONTENT = join(import.meta.dirname, '../../site/content/alder-creek');
const SITE = 'https://portal.aldercreek-utility.example';

type NoticeFile = { slug: string; front: string; body: string };
function notices(dir: string): NoticeFile[] {
  return readdirSync(join(CONTENT, dir))
    .filter((f) => f.endsWith('.md'))
    .map((f) => {
      const [, front = '', body = ''] = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(readFileSync(join(CONTENT, dir, f), 'utf8')) ?? [];
      return { slug: f.replace(/\.md$/, ''), front, body };
    });
}
const field = (front: string, name: string) => /^(\w+):\s*"?([^"\n]*)"?\s*$/m.exec(front.split('\n').find((l) => l.startsWith(`${name}:`)) ?? '')?.[2];
const english = notices('notice').map((n) => ({ ...n, version: field(n.front, 'version')!, status: field(n.front, 'status') }));
const spanish = notices('notice-es').map((n) => ({ ...n, matches: field(n.front, 'matches')! }));
const englishOf = (version: string) => english.find((e) => e.version === version)!;
const headings = (body: string) => body.split('\n').filter((l) => /^##\s/.test(l));
/** The sections, and the number of `###` subsections in each. */
const outline = (body: string) =>
  body
    .split(/^## /m)
    .slice(1)
    .map((section) => section.split('\n').filter((l) => /^###\s/.test(l)).length);
const UNITS: Record<string, string> = Object.fromEntries(
  Object.entries({ h: 'hour hours hora horas', d: 'day days día días', m: 'month months mes meses', y: 'year years año años' }).flatMap(([unit, words]) => words.split(' ').map((w) => [w, unit])),
);
/** The periods in each row of the retention table as number and unit ("30 d"), in order. */
const tablePeriods = (body: string) =>
  body
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|\s*-/.test(l))
    .slice(1)
    .map((l) =>
      [...l.matchAll(/(\d+) (hours?|horas?|days?|días?|months?|mes(?:es)?|years?|años?)\b/g)]
        .map((m) => `${m[1]} ${UNITS[m[2]!]}`)
        .join(' '),
    );
/** The numbers in each row of the retention table, in order. */
const tableNumbers = (body: string) =>
  body
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|\s*-/.test(l))
    .slice(1)
    .map((l) => (l.match(/\d+/g) ?? []).join(' '));

let pages: Map<string, BuiltPage>;
const page = (url: string) => {
  const found = pages.get(url);
  if (!found) throw new Error(`${url} was not built`);
  return found.html;
};

beforeAll(() => {
  if (!existsSync(join(DIST, 'index.html'))) throw new Error('dist/ is not built: run `npm run build` first');
  pages = new Map(builtPages().map((p) => [p.url, p]));
});

describe('the Spanish translations of the privacy notice', () => {
  it('include the current version, and each names an English version that exists', () => {
    const current = english.find((e) => e.status === 'current')!;
    expect(spanish.map((s) => s.slug)).toContain(current.slug);
    for (const s of spanish) {
      expect(english.map((e) => e.version), s.slug).toContain(s.matches);
      expect(english.map((e) => e.slug), `${s.slug} sits beside an English version`).toContain(s.slug);
    }
  });

  it('fail the build for a version that does not exist, and flag one that matches an older version', () => {
    const versions = [
      { id: '3-1', version: '3.1' },
      { id: '3-2', version: '3.2' },
    ];
    expect(() => pairTranslations(versions, [{ id: '3-2', matches: '3.3' }])).toThrow(/no English privacy notice version/);
    expect(() => pairTranslations(versions, [{ id: '4-0', matches: '3.2' }])).toThrow(/sits beside no English/);
    expect(() => pairTranslations(versions, [{ id: '3-1', matches: '3.2' }])).toThrow(/newer than/);
    expect(pairTranslations(versions, [{ id: '3-2', matches: '3.1' }]).get('3-2')).toEqual({ beside: '3.2', matches: '3.1', outdated: true });
    expect(pairTranslations(versions, [{ id: '3-2', matches: '3.2' }]).get('3-2')?.outdated).toBe(false);
  });

  it('exist for every English version, each translating the version it sits beside', () => {
    expect(spanish.map((s) => s.slug).sort()).toEqual(english.map((e) => e.slug).sort());
    for (const s of spanish) expect(s.matches, s.slug).toBe(english.find((e) => e.slug === s.slug)!.version);
  });

  it('state the same periods as the English rows of the same version, unit for unit', () => {
    for (const s of spanish) {
      const en = englishOf(s.matches);
      expect(tablePeriods(en.body).filter(Boolean).length, s.slug).toBeGreaterThan(5);
      expect(tablePeriods(s.body), s.slug).toEqual(tablePeriods(en.body));
    }
    // The versions before 3.0 promised fixed periods, since withdrawn: 1.0 kept server logs 90 days, 2.0 30.
    const row = (slug: string, start: string) => spanish.find((s) => s.slug === slug)!.body.split('\n').find((l) => l.startsWith(`| ${start}`));
    expect(row('1-0', 'Registros del servidor')).toContain('| 90 días;');
    expect(row('2-0', 'Registros del servidor')).toContain('| 30 días;');
    expect(row('1-0', 'Decisiones sobre cookies')).toBeUndefined();
    expect(row('2-0', 'Decisiones sobre cookies')).toContain('| 24 meses,');
    expect(row('2-0', 'Autorizaciones de entrega a terceros')).toContain('| 5 años después');
  });

  it('have the same ## sections as the English version they match, and the same numbers in each retention row', () => {
    for (const s of spanish) {
      const en = englishOf(s.matches);
      expect(headings(s.body).length, s.slug).toBe(headings(en.body).length);
      expect(headings(s.body).length, s.slug).toBeGreaterThan(5);
      expect(tableNumbers(s.body), s.slug).toEqual(tableNumbers(en.body));
      expect(outline(s.body), `${s.slug}: ### subsections in each section`).toEqual(outline(en.body));
    }
  });
});

describe('the Spanish privacy notice pages', () => {
  it('show the current notice in Spanish with its version and date, saying the English one prevails and linking it', () => {
    const html = page('/es/privacy/');
    expect(html).toMatch(/Versión 3\.2, vigente desde el <time datetime="2026-11-30">30 de noviembre de 2026<\/time>/);
    expect(html).toContain('Esta es una traducción de la versión 3.2 del aviso en inglés. Si hay alguna diferencia entre las dos, prevalece la versión en inglés:');
    expect(html).toMatch(/<a href="\/privacy\/" hreflang="en">lea el original<\/a> \(en inglés\)/);
    expect(elementTexts(html, 'h2')).toEqual(expect.arrayContaining(['En resumen', 'Contenido', 'Cuánto tiempo guardamos la información', 'Sus derechos de privacidad']));
    expect(html).not.toContain('Versión archivada');
  });

  it('state the periods and thresholds the code enforces, as the English notice does', () => {
    const text = elementTexts(page('/es/privacy/'), 'main')[0]!;
    const consentMonths = Math.round(CONSENT_MAX_AGE_SECONDS / (365 * 24 * 60 * 60)) * 12;
    expect(text).toContain(`Decisiones sobre cookies ${CONSENT_PROOF_RETENTION_MONTHS} meses, y después se borran; le volvemos a preguntar a los ${consentMonths} meses`);
    expect(text).toContain(`Alertas y sus respuestas a ellas ${ALERT_RETENTION_YEARS} años después de que se cierra la alerta`);
    expect(text).toContain(`Solicitudes de privacidad y lo que hicimos con ellas ${REQUEST_RETENTION_MONTHS} meses después de que cerramos la solicitud`);
    expect(text).toContain(`se calcula con al menos ${MIN_SIMILAR_HOMES} hogares`);
    expect(text).toContain(`El registro de entregas de sus datos ${DISCLOSURE_LOG_MONTHS} meses`);
    expect(text).toContain(`Invitaciones para ver su cuenta ${INVITATION_KEPT_DAYS} días después de que se aceptan, se retiran o vencen`);
    expect(text).toContain(`Mensajes con atención al cliente y archivos adjuntos ${MESSAGE_RETENTION_DAYS / 365} años después de que se cierra la conversación`);
    expect(text).toContain(`Solicitudes para programas y reembolsos, con sus respuestas y su historial ${APPLICATION_KEPT_YEARS} años después de que decidimos la solicitud`);
    expect(text).toContain(`Documentos enviados con una solicitud ${DEFAULT_DOCUMENTS_KEPT_DAYS} días después de que decidimos la solicitud`);
  });

  it('are reciprocal hreflang twins of the English notice in the sitemap', () => {
    const index = readFileSync(join(DIST, 'sitemap-index.xml'), 'utf8');
    const xml = [...index.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => readFileSync(join(DIST, new URL(m[1]!.trim()).pathname), 'utf8')).join('');
    const alternatesOf = (path: string) => {
      const url = [...xml.matchAll(/<url>([\s\S]*?)<\/url>/g)].find((m) => m[1]!.includes(`<loc>${SITE}${path}</loc>`));
      expect(url, path).toBeDefined();
      return Object.fromEntries([...url![1]!.matchAll(/hreflang="([^"]+)" href="([^"]+)"/g)].map((a) => [a[1], a[2]]));
    };
    for (const slug of ['', 'history/', ...spanish.map((s) => `versions/${s.slug}/`)]) {
      const expected = { en: `${SITE}/privacy/${slug}`, es: `${SITE}/es/privacy/${slug}` };
      expect(alternatesOf(`/privacy/${slug}`)).toEqual(expected);
      expect(alternatesOf(`/es/privacy/${slug}`)).toEqual(expected);
    }
  });

  it('list every version in the history, untranslated ones linking the English text marked as English', () => {
    const html = page('/es/privacy/history/');
    for (const e of english) {
      const translated = spanish.some((s) => s.slug === e.slug);
      const link = startTags(html).find((t) => t.name === 'a' && t.attrs.get('href')?.endsWith(`/privacy/versions/${e.slug}/`));
      expect(link?.attrs.get('href'), e.slug).toBe(translated ? `/es/privacy/versions/${e.slug}/` : `/privacy/versions/${e.slug}/`);
      if (!translated) {
        expect(link?.attrs.get('hreflang')).toBe('en');
        expect(html).toContain(`>Leer la versión ${e.version}</a> (en inglés)`);
      }
    }
  });

  it('compare translated versions, marking insertions and deletions as the English comparison does', () => {
    const spanishSlugs = new Set(spanish.map((s) => s.slug));
    const pairs = [...pages.keys()].filter((u) => u.startsWith('/es/privacy/changes/'));
    expect(pairs.length).toBeGreaterThan(0);
    for (const url of pairs) {
      const [from, to] = url.split('/')[4]!.split('-to-');
      expect(spanishSlugs.has(from!) && spanishSlugs.has(to!), url).toBe(true);
      const es = page(url);
      const en = page(url.slice(3));
      expect(es).toMatch(/<ins><span class="visually-hidden">\[agregado: <\/span>[^<]+<span class="visually-hidden">\]<\/span><\/ins>/);
      expect(es).toMatch(/<del><span class="visually-hidden">\[quitado: <\/span>[^<]+<span class="visually-hidden">\]<\/span><\/del>/);
      // The same sections changed, were added or removed in both languages.
      const statuses = (html: string) => [...html.matchAll(/<p class="diff-status">\s*([^<]+?)\s*<a/g)].map((m) => m[1]);
      const en2es: Record<string, string> = {
        'No changes in this section.': 'Esta sección no cambió.',
        'Changed section.': 'Sección con cambios.',
        'New section in this version.': 'Sección nueva en esta versión.',
        'Section removed in this version.': 'Sección quitada en esta versión.',
      };
      expect(statuses(en).length, url).toBeGreaterThan(5);
      expect(statuses(es), url).toEqual(statuses(en).map((s) => en2es[s!]));
    }
    expect(page('/es/privacy/changes/3-1-to-3-2/')).toMatch(/\[agregado: <\/span>[^<]*Documentos enviados con una solicitud/);
  });

  it('compare every pair of consecutive versions, from 1.0 on', () => {
    const slugs = english.map((e) => ({ slug: e.slug, n: e.version.split('.').map(Number) })).sort((a, b) => a.n[0]! - b.n[0]! || a.n[1]! - b.n[1]!);
    for (let i = 1; i < slugs.length; i++) {
      const url = `/es/privacy/changes/${slugs[i - 1]!.slug}-to-${slugs[i]!.slug}/`;
      expect(pages.has(url), url).toBe(true);
    }
    const first = page('/es/privacy/changes/1-0-to-2-0/');
    expect(first).toMatch(/<del><span class="visually-hidden">\[quitado: <\/span>90<span class="visually-hidden">\]<\/span><\/del>/);
    expect(first).toMatch(/<ins><span class="visually-hidden">\[agregado: <\/span>30<span class="visually-hidden">\]<\/span><\/ins>/);
    expect(elementTexts(first, 'h2')).toContain('Comparación de su consumo con hogares parecidos');
  });

  it('leave long unchanged stretches out, saying so in Spanish and linking the full section', () => {
    const html = page('/es/privacy/changes/2-0-to-3-0/');
    expect(html).toMatch(/<p class="diff-skipped">\s*No se muestran \d+ [^<]+ que no cambiaron\. <a href="\/es\/privacy\/versions\/3-0\/#[^"]+">Leer esta sección en la versión 3\.0/);
    expect(html).toContain('<span aria-hidden="true">[…]</span><span class="visually-hidden">[no se muestran frases que no cambiaron]</span>');
    // An unchanged sentence of a changed paragraph is not reprinted.
    expect(elementTexts(html, 'main')[0]).not.toContain('Una cookie es un pequeño texto que un sitio web le pide a su navegador que guarde.');
  });
});
