import { diffArrays, diffWords } from 'diff';

/**
 * A readable, section-by-section comparison of two versions of the privacy notice, computed at
 * build time from their Markdown. Sections (the `##` headings) are matched by heading; inside a
 * section, blocks (paragraphs, list items, table rows, `###` headings) are aligned first and only
 * a block that changed is compared word by word, so the result reads like the notice itself.
 */

export type Block = { kind: 'paragraph' | 'item' | 'row' | 'subheading'; text: string };
export type Section = { heading: string; blocks: Block[] };

/** `skipped`: unchanged whole sentences of a changed block left out of what is shown (trimUnchangedSentences). */
export type DiffPart = { op: 'same' | 'added' | 'removed' | 'skipped'; text: string };
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

/**
 * The word-by-word comparison of two versions of a block. A few unchanged words caught between
 * larger changes are folded into them (as diff-match-patch's semantic cleanup does), so a rewritten
 * sentence reads as the old words, then the new, rather than as scraps of both.
 */
export function wordParts(before: string, after: string): DiffPart[] {
  const parts: DiffPart[] = diffWords(before, after).map((c) => ({
    op: c.added ? 'added' : c.removed ? 'removed' : 'same',
    text: c.value,
  }));
  return foldShortEqualities(parts, oldTexts(parts, before));
}

/**
 * Each part's text as it stands in `before` ('' for an added part). diffWords gives unchanged text
 * with the spacing of the newer text, which is right for showing it but not for folding it into
 * removed words.
 */
function oldTexts(parts: DiffPart[], before: string): string[] {
  let at = 0;
  const out = parts.map((p) => {
    if (p.op === 'added') return '';
    const start = at;
    for (const ch of p.text.replace(/\s+/g, '')) {
      while (at < before.length && /\s/.test(before[at]!) && before[at] !== ch) at++;
      at++;
    }
    if (/\s$/.test(p.text)) while (at < before.length && /\s/.test(before[at]!)) at++;
    return before.slice(start, at);
  });
  const lastOld = parts.findLastIndex((p) => p.op !== 'added');
  if (lastOld >= 0) out[lastOld] += before.slice(at);
  return out;
}

/** A change: the text removed and the text added between two unchanged stretches. */
type Change = { removed: string; added: string };
/** An unchanged stretch, as the newer text has it and as the older one does. */
type Same = { text: string; old: string };

function foldShortEqualities(parts: DiffPart[], old: string[]): DiffPart[] {
  // Alternating runs: unchanged text, then a change, then unchanged text, …
  const runs: (Same | Change)[] = [];
  parts.forEach((p, i) => {
    const last = runs.at(-1);
    if (p.op === 'same') {
      if (last && 'text' in last) Object.assign(last, { text: last.text + p.text, old: last.old + old[i] });
      else runs.push({ text: p.text, old: old[i]! });
      return;
    }
    const change = last && 'removed' in last ? last : { removed: '', added: '' };
    if (change !== last) runs.push(change);
    if (p.op === 'removed') change.removed += old[i];
    else change.added += p.text;
  });
  const size = (c: Change) => Math.max(c.removed.length, c.added.length);
  for (let i = 1; i < runs.length - 1; i++) {
    const [before, same, after] = [runs[i - 1]!, runs[i]!, runs[i + 1]!];
    if (!('text' in same) || 'text' in before || 'text' in after) continue;
    if (same.text.length > size(before) || same.text.length > size(after)) continue;
    // Fold: the change before absorbs this text and the change after it; look again from there.
    runs.splice(i - 1, 3, { removed: before.removed + same.old + after.removed, added: before.added + same.text + after.added });
    i = Math.max(0, i - 2);
  }
  return runs.flatMap((r): DiffPart[] =>
    'text' in r
      ? [{ op: 'same', text: r.text }]
      : [
          ...(r.removed ? [{ op: 'removed' as const, text: r.removed }] : []),
          ...(r.added ? [{ op: 'added' as const, text: r.added }] : []),
        ],
  );
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

/** Where a sentence starts: after . ! or ? (and a closing quote or bracket) and spaces, before a capital. */
const SENTENCE_START = /(?<=[.!?]["”»)]?\s+)(?=["“«(¿¡]?\p{Lu})/gu;
/** Unchanged sentences shorter than this are shown even when whole: a note would save nothing. */
const MIN_SKIPPED_CHARS = 60;

/**
 * A changed block with its unchanged whole sentences left out: every sentence with a change in it
 * is shown in full, and the unchanged sentences before, between and after them become one
 * `skipped` part each, holding the words left out. `keepFirstSentence` for a list item, whose first
 * sentence says what the item is about ("**delete** personal information we hold about you").
 */
export function trimUnchangedSentences(parts: DiffPart[], keepFirstSentence = false): DiffPart[] {
  return parts.flatMap((p, i): DiffPart[] => {
    if (p.op !== 'same') return [p];
    const starts = [...p.text.matchAll(SENTENCE_START)].map((m) => m.index);
    // Keep the end of the sentence the change before this part is in, and the start of the one the next change is in.
    const head = i === 0 && !keepFirstSentence ? 0 : (starts[0] ?? p.text.length);
    const tail = i === parts.length - 1 ? p.text.length : (starts.at(-1) ?? 0);
    if (tail - head < MIN_SKIPPED_CHARS) return [p];
    const out: DiffPart[] = [];
    if (head > 0) out.push({ op: 'same', text: p.text.slice(0, head) });
    out.push({ op: 'skipped', text: p.text.slice(head, tail) });
    if (tail < p.text.length) out.push({ op: 'same', text: p.text.slice(tail) });
    return out;
  });
}

/** In place of a run of unchanged blocks: how many, and of what kind ('mixed' when of several). */
export type SkippedBlocks = { status: 'skipped'; kind: Block['kind'] | 'mixed'; count: number };
export type ShownBlock = BlockDiff | SkippedBlocks;

/**
 * What a reader is shown of a changed section: every changed, added or removed block with
 * `context` unchanged blocks on either side, and the `###` heading of any subsection with a change
 * in it (so the reader knows where it is); each longer run of unchanged blocks becomes one
 * SkippedBlocks note. A run of one is shown, since a note would be no shorter. Inside a changed
 * block, unchanged sentences are left out as trimUnchangedSentences does.
 */
export function collapseUnchanged(blocks: BlockDiff[], context = 1): ShownBlock[] {
  const keep = blocks.map((b) => b.status !== 'same');
  blocks.forEach((b, i) => {
    if (b.status === 'same') return;
    for (let k = Math.max(0, i - context); k <= Math.min(blocks.length - 1, i + context); k++) keep[k] = true;
  });
  let subheading = -1;
  blocks.forEach((b, i) => {
    if (b.kind === 'subheading') subheading = i;
    else if (b.status !== 'same' && subheading >= 0) keep[subheading] = true;
  });
  const out: ShownBlock[] = [];
  for (let i = 0; i < blocks.length; ) {
    if (keep[i]) {
      const b = blocks[i++]!;
      out.push(b.status === 'changed' ? { ...b, parts: trimUnchangedSentences(b.parts, b.kind === 'item') } : b);
      continue;
    }
    let end = i;
    while (end < blocks.length && !keep[end]) end++;
    const run = blocks.slice(i, end);
    if (run.length === 1) out.push(run[0]!);
    else {
      const kinds = new Set(run.map((b) => b.kind));
      out.push({ status: 'skipped', kind: kinds.size === 1 ? run[0]!.kind : 'mixed', count: run.length });
    }
    i = end;
  }
  return out;
}

/** Counts for the summary line of a comparison. */
export function diffStats(sections: SectionDiff[]) {
  const count = (s: SectionDiff['status']) => sections.filter((x) => x.status === s).length;
  return { changed: count('changed'), added: count('added'), removed: count('removed'), unchanged: count('unchanged') };
}
