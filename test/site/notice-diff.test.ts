import { describe, expect, it } from 'vitest';
import { diffNotices, diffStats, plainInline, splitSections } from '../../site/lib/notice-diff';

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
