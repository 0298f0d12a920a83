/**
 * The Spanish words of each program's online application (site/content/<tenant>/programs-es/, published in
 * /programs/catalog.json as `texts.es`) match its English structure exactly: every question, hint,
 * unit, reason and option has its Spanish, and nothing the English application lacks is there. The
 * structure (types, values, eligibility) stays the English file's. Reads the built site (npm run build).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { programCatalog, type CatalogProgram } from '../../worker/shared/program-catalog';
import { textProblems, translatedApplication, type ApplicationTexts } from '../../worker/shared/program-texts';
import { DIST } from './built-site';

const catalog = () => programCatalog.parse(JSON.parse(readFileSync(join(DIST, 'programs/catalog.json'), 'utf8'))).programs;
const spanishOf = (p: CatalogProgram) => {
  const es = p.texts.es;
  if (!es) throw new Error(`${p.id}: no Spanish words`);
  return es;
};
const copy = (t: ApplicationTexts): ApplicationTexts => structuredClone(t);

describe("the programs' Spanish applications", () => {
  it('give every program the Spanish words of every question, option and document, and none beyond', () => {
    const programs = catalog();
    expect(programs.length).toBeGreaterThanOrEqual(6);
    for (const p of programs) expect(textProblems(p.application, spanishOf(p)), p.id).toEqual([]);
  });

  it('keep the English structure: the same questions, types, values and rules, only the words change', () => {
    for (const p of catalog()) {
      const spanish = translatedApplication(p.application, spanishOf(p));
      const shape = (a: typeof spanish) =>
        a.questions.map(({ label: _l, hint: _h, ...q }) => ({
          ...q,
          ...('ineligible' in q ? { ineligible: Boolean(q.ineligible) } : {}),
          ...('unit' in q ? { unit: Boolean(q.unit) } : {}),
          ...('options' in q ? { options: q.options.map((o) => [o.value, o.eligible]) } : {}),
        }));
      expect(shape(spanish), p.id).toEqual(shape(p.application));
      expect(spanish.documents.map(({ label: _l, ...d }) => d)).toEqual(p.application.documents.map(({ label: _l, ...d }) => d));
      for (const [i, q] of spanish.questions.entries()) expect(q.label, `${p.id}/${q.id}`).not.toBe(p.application.questions[i]!.label);
    }
  });

  describe('a translation that does not match', () => {
    const program = () => catalog().find((p) => p.id === 'efficient-toilet')!;

    it("fails when a question, its reason, its hint or an option's label is missing", () => {
      const p = program();
      const missing = copy(spanishOf(p));
      delete missing.questions.watersense;
      delete missing.questions.toilets!.ineligible;
      delete missing.questions['old-toilet-flush']!.hint;
      delete missing.questions['old-toilet-flush']!.options!.unknown;
      delete missing.documents.receipt;
      expect(textProblems(p.application, missing).sort()).toEqual(
        [
          'question "watersense": no text',
          'question "toilets": no ineligible',
          'question "old-toilet-flush": no hint',
          'question "old-toilet-flush": no label for the option "unknown"',
          'document "receipt": no label',
        ].sort(),
      );
    });

    it('fails when it has a question, an option, a unit or a document the English application does not', () => {
      const p = program();
      const extra = copy(spanishOf(p));
      extra.questions['old-pipes'] = { label: '¿Tiene tuberías viejas?' };
      extra.questions['old-toilet-flush']!.options!['two-gallons'] = 'Dos galones';
      extra.questions['installed-on']!.unit = 'días';
      extra.documents.photo = 'Una foto del inodoro';
      expect(textProblems(p.application, extra).sort()).toEqual(
        [
          'question "old-pipes": not a question of the English application',
          'question "old-toilet-flush": an option "two-gallons" the English question does not have',
          'question "installed-on": a unit the English question does not have',
          'document "photo": not a document of the English application',
        ].sort(),
      );
    });
  });
});
