import { diffArrays, diffWords } from 'diff';

/**
 * A readable, section-by-section comparison of two versions of the privacy notice, computed at
 * build time from their Markdown. Sections (the `##` headings) are matched by heading; inside a
 * section, blocks (paragraphs, list items, table rows, `###` headings) are aligned first and only
 * a block that changed is compared word by word, so the result reads like the notice itself.
 */

export type Block = { kind: 'paragraph' | 'item' | 'row' | 'subheading'; text: string };
export type Section = { heading: string; blocks: Block[] };

export type DiffPart = { op: 'same' | 'added' | 'removed'; text: string };
export type BlockDiff = {
  kind: Block['kind'];
  status: 'same' | 'changed' | 'added' | 'removed';
  parts: DiffPart[];
};
export type SectionDiff = {
  heading: string;
  status: 'unchanged' | 'changed' | 'added' | 'removed';
  blocks: BlockDiff[];
};

/** Markdown inline syntax removed, so the diff compares words a reader sees. */
export function plainInline(markdown: string): string {
  return markdown
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|[^\w*])[*_](?=\S)(.+?)(?<=\S)[*_](?![\w*])/g, '$1$2')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Splits a notice body into its `##` sections; text before the first heading is dropped. */
export function splitSections(markdown: string): Section[] {
  const sections: Section[] = [];
  let current: { heading: string; lines: string[] } | null = null;
  for (const line of markdown.split(/\r?\n/)) {
    const h2 = /^##\s+(.+?)\s*#*\s*$/.exec(line);
    if (h2 && !line.startsWith('###')) {
      if (current) sections.push({ heading: current.heading, blocks: toBlocks(current.lines) });
      current = { heading: plainInline(h2[1] ?? ''), lines: [] };
    } else if (current) {
      current.lines.push(line);
    }
  }
  if (current) sections.push({ heading: current.heading, blocks: toBlocks(current.lines) });
  return sections;
}

/** Groups the lines of one section into blocks a reader would see as units. */
export function toBlocks(lines: string[]): Block[] {
  const blocks: Block[] = [];
  let pending: Block | null = null;
  const flush = () => {
    if (pending && pending.text.trim()) blocks.push({ kind: pending.kind, text: plainInline(pending.text) });
    pending = null;
  };
  for (const raw of lines) {
    const line = raw.trimEnd();
    if (!line.trim()) {
      flush();
      continue;
    }
    const h3 = /^#{3,6}\s+(.+?)\s*#*$/.exec(line);
    if (h3) {
      flush();
      blocks.push({ kind: 'subheading', text: plainInline(h3[1] ?? '') });
      continue;
    }
    if (/^\s*\|/.test(line)) {
      flush();
      const cells = line.trim().replace(/^\||\|$/g, '').split('|').map((c) => c.trim());
      if (cells.every((c) => /^:?-{3,}:?$/.test(c))) continue; // the header separator row
      blocks.push({ kind: 'row', text: plainInline(cells.join(': ')) });
      continue;
    }
    const item = /^\s*(?:[-*+]|\d+[.)])\s+(.*)$/.exec(line);
    if (item) {
      flush();
      pending = { kind: 'item', text: item[1] ?? '' };
      continue;
    }
    if (pending) pending.text += ` ${line.trim()}`;
    else pending = { kind: 'paragraph', text: line.trim() };
  }
  flush();
  return blocks;
}

function wordParts(before: string, after: string): DiffPart[] {
  return diffWords(before, after).map((c) => ({
    op: c.added ? 'added' : c.removed ? 'removed' : 'same',
    text: c.value,
  }));
}

/** Share of the longer text's characters that two texts have in common, word-wise. */
function similarity(before: string, after: string): number {
  const same = diffWords(before, after)
    .filter((c) => !c.added && !c.removed)
    .reduce((n, c) => n + c.value.length, 0);
  return same / Math.max(before.length, after.length, 1);
}

function whole(block: Block, status: 'added' | 'removed' | 'same'): BlockDiff {
  return { kind: block.kind, status, parts: [{ op: status, text: block.text }] };
}

/** Compares the blocks of one section. */
export function diffBlocks(before: Block[], after: Block[]): BlockDiff[] {
  const out: BlockDiff[] = [];
  const key = (b: Block) => `${b.kind}\u0000${b.text}`;
  const changes = diffArrays(before.map(key), after.map(key));
  let oldIndex = 0;
  let newIndex = 0;
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i]!;
    if (!change.added && !change.removed) {
      for (let k = 0; k < change.count; k++) out.push(whole(after[newIndex + k]!, 'same'));
      oldIndex += change.count;
      newIndex += change.count;
      continue;
    }
    // A run of removed blocks followed by added ones (or the reverse): pair blocks that are
    // edits of each other, and show the rest as wholly removed or added.
    const next = changes[i + 1];
    const removedCount = change.removed ? change.count : next?.removed ? next.count : 0;
    const addedCount = change.added ? change.count : next?.added ? next.count : 0;
    if ((change.removed && next?.added) || (change.added && next?.removed)) i++;
    const removed = before.slice(oldIndex, oldIndex + removedCount);
    const added = after.slice(newIndex, newIndex + addedCount);
    oldIndex += removedCount;
    newIndex += addedCount;
    // Each removed block is paired with the first later added block that is an edit of it;
    // added blocks skipped over on the way are shown as new.
    let a = 0;
    for (const rb of removed) {
      const match = added.findIndex((ab, j) => j >= a && ab.kind === rb.kind && similarity(rb.text, ab.text) >= 0.4);
      if (match === -1) {
        out.push(whole(rb, 'removed'));
        continue;
      }
      for (; a < match; a++) out.push(whole(added[a]!, 'added'));
      const ab = added[a++]!;
      out.push({ kind: ab.kind, status: 'changed', parts: wordParts(rb.text, ab.text) });
    }
    for (; a < added.length; a++) out.push(whole(added[a]!, 'added'));
  }
  return out;
}

/** Compares two notice bodies section by section, in the order of the newer one. */
export function diffNotices(beforeMarkdown: string, afterMarkdown: string): SectionDiff[] {
  const before = splitSections(beforeMarkdown);
  const after = splitSections(afterMarkdown);
  const out: SectionDiff[] = [];
  const changes = diffArrays(
    before.map((s) => s.heading),
    after.map((s) => s.heading),
  );
  let oldIndex = 0;
  let newIndex = 0;
  for (const change of changes) {
    for (let k = 0; k < change.count; k++) {
      if (change.removed) {
        const s = before[oldIndex++]!;
        out.push({ heading: s.heading, status: 'removed', blocks: s.blocks.map((b) => whole(b, 'removed')) });
      } else if (change.added) {
        const s = after[newIndex++]!;
        out.push({ heading: s.heading, status: 'added', blocks: s.blocks.map((b) => whole(b, 'added')) });
      } else {
        const b = before[oldIndex++]!;
        const a = after[newIndex++]!;
        const blocks = diffBlocks(b.blocks, a.blocks);
        const changed = blocks.some((x) => x.status !== 'same');
        out.push({ heading: a.heading, status: changed ? 'changed' : 'unchanged', blocks });
      }
    }
  }
  return out;
}

/** Counts for the summary line of a comparison. */
export function diffStats(sections: SectionDiff[]) {
  const count = (s: SectionDiff['status']) => sections.filter((x) => x.status === s).length;
  return { changed: count('changed'), added: count('added'), removed: count('removed'), unchanged: count('unchanged') };
}
