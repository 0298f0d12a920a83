/**
 * Which English version of the privacy notice each translation sits beside and which one it
 * translates. Kept free of astro:content so tests can call it directly.
 *
 * A translation is site/content/<tenant>/notice-<lang>/<slug>.md: the slug is the English version it is
 * published beside (/es/privacy/versions/<slug>/), and its front matter `matches` names the English
 * version whose text it translates. Normally the two are the same; when the English notice moves on
 * and the translation has not caught up, `matches` names an older version and the page says so.
 */

/** "2.0" → [2, 0], for comparing versions. */
const parts = (version: string) => version.split('.').map(Number);

/** Negative when `a` is older than `b`, 0 when equal, positive when newer. */
export function compareVersions(a: string, b: string): number {
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

export type TranslationPairing = {
  /** The English version the translation sits beside. */
  beside: string;
  /** The English version whose text it translates. */
  matches: string;
  /** True when it translates an older English version than the one it sits beside. */
  outdated: boolean;
};

/**
 * Pairs translations with English versions. Throws (failing the build) when a translation sits
 * beside no English version, names a version that does not exist, or names a newer version than
 * the one it sits beside.
 */
export function pairTranslations(
  english: { id: string; version: string }[],
  translations: { id: string; matches: string }[],
  collection = 'notice-es',
): Map<string, TranslationPairing> {
  const versions = new Set(english.map((e) => e.version));
  const out = new Map<string, TranslationPairing>();
  for (const tr of translations) {
    const beside = english.find((e) => e.id === tr.id);
    if (!beside) throw new Error(`${collection}/${tr.id}.md sits beside no English privacy notice version (no site/content/<tenant>/notice/${tr.id}.md)`);
    if (!versions.has(tr.matches)) throw new Error(`${collection}/${tr.id}.md: matches "${tr.matches}", which is no English privacy notice version`);
    if (compareVersions(tr.matches, beside.version) > 0) {
      throw new Error(`${collection}/${tr.id}.md: matches "${tr.matches}", newer than the version ${beside.version} it sits beside`);
    }
    out.set(tr.id, { beside: beside.version, matches: tr.matches, outdated: compareVersions(tr.matches, beside.version) < 0 });
  }
  return out;
}
