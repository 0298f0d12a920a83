import { describe, expect, it } from 'vitest';
import {
  collapseUnchanged,
  diffNotices,
  diffStats,
  plainInline,
  splitSections,
  trimUnchangedSentences,
  wordParts,
  type DiffPart,
} from '../../site/lib/notice-diff';

const v1 = `
## Cookies

We set only a sign-in cookie. See the [cookie policy](/cookies/).

## Retention

| Information | How long |
| --- | --- |
| Server logs | 90 days |

## Old section

Going away.
`;

const v2 = `
## Cookies

We set only a sign-in cookie unless you agree to more. See the [cookie policy](/cookies/).

## New section

Brand new text.

## Retention

| Information | How long |
| --- | --- |
| Server logs | 30 days |
| Cookie choices | 24 months |
`;

describe('privacy notice diff', () => {
  it('compares the words a reader sees, not Markdown syntax', () => {
    expect(plainInline('See the **[cookie policy](/cookies/)** and `x`.')).toBe('See the cookie policy and x.');
    expect(splitSections(v1).map((s) => s.heading)).toEqual(['Cookies', 'Retention', 'Old section']);
  });

  it('marks words added inside an edited paragraph and leaves the rest as it was', () => {
    const cookies = diffNotices(v1, v2).find((s) => s.heading === 'Cookies')!;
    expect(cookies.status).toBe('changed');
    const block = cookies.blocks[0]!;
    expect(block.status).toBe('changed');
    expect(block.parts.filter((p) => p.op === 'added').map((p) => p.text.trim())).toEqual(['unless you agree to more']);
    expect(block.parts.filter((p) => p.op === 'removed')).toEqual([]);
  });

  it('shows a changed table cell word by word and a new row as added', () => {
    const retention = diffNotices(v1, v2).find((s) => s.heading === 'Retention')!;
    const changed = retention.blocks.filter((b) => b.status !== 'same');
    expect(changed.map((b) => b.status)).toEqual(['changed', 'added']);
    expect(changed[0]!.parts).toEqual([
      { op: 'same', text: 'Server logs: ' },
      { op: 'removed', text: '90' },
      { op: 'added', text: '30' },
      { op: 'same', text: ' days' },
    ]);
    expect(changed[1]!.parts).toEqual([{ op: 'added', text: 'Cookie choices: 24 months' }]);
  });

  it('reports whole sections added and removed, in reading order', () => {
    const sections = diffNotices(v1, v2);
    expect(sections.map((s) => [s.heading, s.status])).toEqual([
      ['Cookies', 'changed'],
      ['New section', 'added'],
      ['Retention', 'changed'],
      ['Old section', 'removed'],
    ]);
    expect(diffStats(sections)).toEqual({ changed: 2, added: 1, removed: 1, unchanged: 0 });
  });

  it('finds no change between a version and itself', () => {
    expect(diffNotices(v2, v2).every((s) => s.status === 'unchanged')).toBe(true);
  });
});

/** A section of short unchanged paragraphs with one edited in the middle, under two subheadings. */
const para = (n: number) => `Paragraph number ${n} stays exactly as it was.`;
const long1 = ['### First part', '', ...[1, 2, 3, 4, 5].flatMap((n) => [para(n), '']), '### Second part', '', ...[6, 7, 8, 9].flatMap((n) => [para(n), ''])];
const long2 = long1.map((l) => (l === para(7) ? 'Paragraph number 7 now says something else.' : l));
const joined = (parts: DiffPart[], ops: DiffPart['op'][]) => parts.filter((p) => ops.includes(p.op)).map((p) => p.text).join('');

describe('what a comparison shows of a changed section', () => {
  const section = diffNotices(`## S\n\n${long1.join('\n')}`, `## S\n\n${long2.join('\n')}`)[0]!;
  const shown = collapseUnchanged(section.blocks);

  it('keeps a change with one unchanged block either side, and the heading of its subsection', () => {
    expect(section.status).toBe('changed');
    const texts = shown.map((b) => (b.status === 'skipped' ? `[${b.count} ${b.kind}]` : b.status === 'changed' ? '*' : b.parts[0]!.text));
    expect(texts).toEqual(['[6 mixed]', 'Second part', para(6), '*', para(8), para(9)]);
  });

  it('replaces a longer run of unchanged blocks with a count, but shows a run of one', () => {
    expect(shown[0]).toEqual({ status: 'skipped', kind: 'mixed', count: 6 });
    // After the change, one block of context and then a run of one: both shown, no note.
    expect(shown.filter((b) => b.status === 'skipped')).toHaveLength(1);
    const onlyParagraphs = collapseUnchanged(diffNotices(`## S\n\n${[1, 2, 3, 4].map(para).join('\n\n')}\n\nOld end.`, `## S\n\n${[1, 2, 3, 4].map(para).join('\n\n')}\n\nNew end.`)[0]!.blocks);
    expect(onlyParagraphs[0]).toEqual({ status: 'skipped', kind: 'paragraph', count: 3 });
  });

  it('shows every block when nothing unchanged is far from a change', () => {
    const blocks = diffNotices(v1, v2).find((s) => s.heading === 'Retention')!.blocks;
    expect(collapseUnchanged(blocks)).toEqual(blocks);
  });

  it('leaves out unchanged whole sentences of a changed paragraph, and keeps every sentence with a change in full', () => {
    const before =
      'Our hosting platform keeps logs of the pages requested for a short while. They help us find faults and fend off attacks on the portal. They are deleted within 30 days. Nobody outside our staff and the platform can read them at any time.';
    const after = before.replace('30 days', '7 days');
    const parts = trimUnchangedSentences(wordParts(before, after));
    expect(parts.map((p) => p.op)).toEqual(['skipped', 'same', 'removed', 'added', 'same', 'skipped']);
    expect(joined(parts, ['same', 'added'])).toBe('They are deleted within 7 days. ');
    expect(parts[0]!.text).toBe('Our hosting platform keeps logs of the pages requested for a short while. They help us find faults and fend off attacks on the portal. ');
    expect(parts.at(-1)!.text).toBe('Nobody outside our staff and the platform can read them at any time.');
  });

  it('keeps the first sentence of a list item, which says what the item is about', () => {
    const before = '- **opt out** of the sale or sharing of personal information, which we do not do at all. We record your request so that it holds if our practices ever change.';
    const item = collapseUnchanged(diffNotices(`## S\n\n${before}`, `## S\n\n${before.replace('change.', 'change;')}`)[0]!.blocks)[0]!;
    expect(item.status !== 'skipped' && item.parts.map((p) => p.op)).toEqual(['same', 'removed', 'added']);
    const paragraph = collapseUnchanged(diffNotices(`## S\n\n${before.slice(2)}`, `## S\n\n${before.slice(2).replace('change.', 'change;')}`)[0]!.blocks)[0]!;
    expect(paragraph.status !== 'skipped' && paragraph.parts.map((p) => p.op)).toEqual(['skipped', 'same', 'removed', 'added']);
  });

  it('shows short unchanged sentences, since leaving them out would save nothing', () => {
    const parts = trimUnchangedSentences(wordParts('It is short. Logs last 30 days.', 'It is short. Logs last 7 days.'));
    expect(parts.some((p) => p.op === 'skipped')).toBe(false);
  });

  it('trims changed blocks only, in collapseUnchanged', () => {
    const before = `## S\n\n${'An unchanged sentence that is long enough to be left out of the comparison. '.repeat(2)}The end is old.`;
    const after = before.replace('The end is old.', 'The end is new.');
    const [block] = collapseUnchanged(diffNotices(before, after)[0]!.blocks);
    expect(block?.status).toBe('changed');
    expect(block?.status !== 'skipped' && block?.parts[0]?.op).toBe('skipped');
  });
});

describe('the words of an edited block', () => {
  it('read as the old words, then the new, when a few unchanged words are caught between larger changes', () => {
    const before = 'We send it only the account number and the amount due.';
    const after = 'We send it only the amount, our own references and the pages to return to.';
    const parts = wordParts(before, after);
    expect(parts).toEqual([
      { op: 'same', text: 'We send it only the ' },
      { op: 'removed', text: 'account number and the amount due' },
      { op: 'added', text: 'amount, our own references and the pages to return to' },
      { op: 'same', text: '.' },
    ]);
  });

  it('keep small edits word by word', () => {
    expect(wordParts('Server logs for 90 days', 'Server logs for 30 days')).toEqual([
      { op: 'same', text: 'Server logs for ' },
      { op: 'removed', text: '90' },
      { op: 'added', text: '30' },
      { op: 'same', text: ' days' },
    ]);
  });

  it('still spell out both texts: unchanged and added parts give the new one, unchanged and removed parts the old one', () => {
    const before = 'a profile (size of your garden), how you would like to be contacted, the people you add, messages you send us and requests you make.';
    const after = 'a profile (size of your garden), the alerts you want, the saving steps you took, and requests you make.';
    const parts = wordParts(before, after);
    expect(joined(parts, ['same', 'added'])).toBe(after);
    expect(joined(parts, ['same', 'removed']).replace(/\s+/g, ' ')).toBe(before);
  });
});

