import { getCollection, type CollectionEntry } from 'astro:content';

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
