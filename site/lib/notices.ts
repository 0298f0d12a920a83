import { getCollection, type CollectionEntry } from 'astro:content';
import type { Locale } from '../i18n';
import { pairTranslations } from './notice-translations';

export type NoticeVersion = CollectionEntry<'noticeVersions'>;

/** "2.0" → "2-0": the URL segment of a version (/privacy/versions/2-0/). */
export const versionSlug = (version: string) => version.replace(/\./g, '-');

export const versionPath = (v: NoticeVersion) => `/privacy/versions/${versionSlug(v.data.version)}/`;

export const changesPath = (from: NoticeVersion, to: NoticeVersion) =>
  `/privacy/changes/${versionSlug(from.data.version)}-to-${versionSlug(to.data.version)}/`;

/**
 * Every notice version, oldest first. Fails the build unless exactly one is current and it is
 * the newest, and no two versions share a number or an effective date.
 */
export async function noticeVersions(): Promise<NoticeVersion[]> {
  const all = (await getCollection('noticeVersions')).sort(
    (a, b) => a.data.effective.getTime() - b.data.effective.getTime(),
  );
  const current = all.filter((v) => v.data.status === 'current');
  if (current.length !== 1) throw new Error(`exactly one privacy notice version must be current, found ${current.length}`);
  if (all.at(-1) !== current[0]) throw new Error('the current privacy notice version must be the one with the latest effective date');
  if (new Set(all.map((v) => v.data.version)).size !== all.length) throw new Error('two privacy notice versions share a number');
  if (new Set(all.map((v) => v.data.effective.getTime())).size !== all.length) throw new Error('two privacy notice versions share an effective date');
  return all;
}

export async function currentNotice(): Promise<NoticeVersion> {
  return (await noticeVersions()).at(-1)!;
}

/** Pairs of consecutive versions, older first: the comparisons the site publishes. */
export async function consecutivePairs(): Promise<[NoticeVersion, NoticeVersion][]> {
  const all = await noticeVersions();
  return all.slice(1).map((to, i) => [all[i]!, to]);
}

export type NoticeTranslation = CollectionEntry<'noticeVersionsEs'>;

/**
 * One version of the notice as a reader of `locale` gets it: the English version's number, date and
 * status, with the words of its translation when there is one (else the English entry, and
 * `translated` false: its pages are the English ones).
 */
export type LocalNotice = {
  locale: Locale;
  english: NoticeVersion;
  /** The entry whose body is shown: the translation, or the English version. */
  entry: NoticeVersion | NoticeTranslation;
  translated: boolean;
  /** The English version a translation translates, and whether that is older than `english`. */
  matches: string;
  outdated: boolean;
  version: string;
  effective: Date;
  status: 'current' | 'archived';
  title: string;
  summary: string[];
  changes: string[];
};

const prefix = (locale: Locale) => (locale === 'en' ? '' : `/${locale}`);

/** The current notice's page in `locale` (/privacy/, /es/privacy/). */
export const noticePath = (locale: Locale) => `${prefix(locale)}/privacy/`;
export const historyPath = (locale: Locale) => `${prefix(locale)}/privacy/history/`;

/** Where a version's full text is for this reader: its translation, else the English page. */
export const localVersionPath = (n: LocalNotice) => `${prefix(n.translated ? n.locale : 'en')}${versionPath(n.english)}`;

/** Where the comparison of two versions is: in the reader's language when both are translated. */
export const localChangesPath = (from: LocalNotice, to: LocalNotice) =>
  `${prefix(from.translated && to.translated ? to.locale : 'en')}${changesPath(from.english, to.english)}`;

/** Every version of the notice for a reader of `locale`, oldest first (noticeVersions()). */
export async function noticesIn(locale: Locale): Promise<LocalNotice[]> {
  const all = await noticeVersions();
  const english = (v: NoticeVersion): LocalNotice => ({
    locale,
    english: v,
    entry: v,
    translated: locale === 'en',
    matches: v.data.version,
    outdated: false,
    version: v.data.version,
    effective: v.data.effective,
    status: v.data.status,
    title: v.data.title,
    summary: v.data.summary,
    changes: v.data.changes,
  });
  if (locale === 'en') return all.map(english);
  const translations = await getCollection('noticeVersionsEs');
  const pairing = pairTranslations(
    all.map((v) => ({ id: v.id, version: v.data.version })),
    translations.map((t) => ({ id: t.id, matches: t.data.matches })),
  );
  return all.map((v) => {
    const tr = translations.find((t) => t.id === v.id);
    const pair = pairing.get(v.id);
    if (!tr || !pair) return { ...english(v), translated: false };
    return { ...english(v), entry: tr, translated: true, matches: pair.matches, outdated: pair.outdated, title: tr.data.title, summary: tr.data.summary, changes: tr.data.changes };
  });
}

/** Pairs of consecutive versions for `locale`, older first. */
export async function consecutiveLocalPairs(locale: Locale): Promise<[LocalNotice, LocalNotice][]> {
  const all = await noticesIn(locale);
  return all.slice(1).map((to, i) => [all[i]!, to]);
}
