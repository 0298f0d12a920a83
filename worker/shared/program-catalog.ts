/**
 * How a program's Markdown front matter (site/content/<tenant>/programs/*.md) describes its online
 * application: the eligibility questions and the documents it needs. The site's content collection
 * validates the front matter with this schema and publishes every program's application as
 * /programs/catalog.json; the worker reads that file (worker/programs/catalog.ts) and judges
 * applications by it, so adding a program needs a Markdown file and no code.
 */
import { z } from 'zod';
import { applicationTexts } from './program-texts';

/** Files one application may carry in all, each at most 5 MB (worker/messages/attachments.ts judges them). */
export const MAX_APPLICATION_FILES = 5;

/** How long documents are kept after the decision when a program says nothing else (the privacy notice states it). */
export const DEFAULT_DOCUMENTS_KEPT_DAYS = 90;

const slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'lower-case words joined by hyphens');

const common = {
  id: slug,
  label: z.string().min(3).max(200),
  /** One line under the label (what counts, where to find it). */
  hint: z.string().min(3).max(300).optional(),
};

/** An answer that makes the household ineligible is refused with `ineligible` as the reason shown. */
export const programQuestion = z.discriminatedUnion('type', [
  z.object({ ...common, type: z.literal('yes-no'), eligibleAnswer: z.enum(['yes', 'no']).optional(), ineligible: z.string().min(10).optional() }),
  z.object({
    ...common,
    type: z.literal('choice'),
    options: z.array(z.object({ value: slug, label: z.string().min(1).max(200), eligible: z.boolean().default(true) })).min(2),
    ineligible: z.string().min(10).optional(),
  }),
  z.object({ ...common, type: z.literal('number'), min: z.number().int(), max: z.number().int(), unit: z.string().min(1).max(40).optional(), ineligible: z.string().min(10).optional() }),
  z.object({
    ...common,
    type: z.literal('date'),
    /** The answer must be no more than this many days in the past (and never in the future). */
    withinDays: z.number().int().positive().optional(),
    ineligible: z.string().min(10).optional(),
    /** The day a measure was installed: the usage page marks it once the application is approved. */
    marksInstall: z.boolean().default(false),
  }),
  z.object({ ...common, type: z.literal('text'), maxLength: z.number().int().min(10).max(2000).default(500), optional: z.boolean().default(false) }),
]);
export type ProgramQuestion = z.infer<typeof programQuestion>;

export const programDocument = z.object({
  ...common,
  required: z.boolean().default(true),
  /** How many files the customer may send for this document (a receipt of two pages, three photos). */
  maxFiles: z.number().int().min(1).max(3).default(1),
});
export type ProgramDocument = z.infer<typeof programDocument>;

export const programApplication = z
  .object({
    questions: z.array(programQuestion).min(1).max(20),
    documents: z.array(programDocument).max(4).default([]),
    /**
     * Days the documents are kept after the application is decided (denied, paid, or approved for a
     * program that pays nothing); 0: deleted by the next daily run after the decision.
     */
    documentsKeptDays: z.number().int().min(0).max(365).default(DEFAULT_DOCUMENTS_KEPT_DAYS),
  })
  .refine((a) => new Set([...a.questions.map((q) => q.id), ...a.documents.map((d) => d.id)]).size === a.questions.length + a.documents.length, 'question and document ids are unique')
  .refine((a) => a.questions.filter((q) => q.type === 'date' && q.marksInstall).length <= 1, 'at most one question marks the install date')
  .refine((a) => a.documents.reduce((n, d) => n + d.maxFiles, 0) <= MAX_APPLICATION_FILES, `at most ${MAX_APPLICATION_FILES} files in all`);
export type ProgramApplication = z.infer<typeof programApplication>;

export const programKinds = ['rebate', 'program'] as const;
export type ProgramKind = (typeof programKinds)[number];

/** One program as /programs/catalog.json publishes it. */
export const catalogProgram = z.object({
  id: slug,
  title: z.string().min(3),
  /** The title in other languages (from site/content/<tenant>/programs-es/), for mail in the customer's language. */
  titles: z.object({ es: z.string().min(3) }).partial().default({}),
  kind: z.enum(programKinds),
  application: programApplication,
  /** The application's words in other languages (worker/shared/program-texts.ts), for Spanish pages. */
  texts: z.object({ es: applicationTexts }).partial().default({}),
});
export type CatalogProgram = z.infer<typeof catalogProgram>;
export const programCatalog = z.object({ programs: z.array(catalogProgram) });

export const PROGRAM_CATALOG_PATH = '/programs/catalog.json';
