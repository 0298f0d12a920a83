import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { z } from 'astro/zod';
import { programApplication } from '../worker/shared/program-catalog';
import { questionTexts } from '../worker/shared/program-texts';
import { buildTenant } from './lib/tenant';

/**
 * Content collections of the public site. Owned by the site; other capabilities ask for a new
 * collection rather than editing this file. Each utility has its own: site/content/<tenant id>/,
 * read by that tenant's build (site/lib/tenant.ts).
 */

/** Rebates and programs the utility offers; one Markdown file each, rendered at /programs/<id>/. */
const programs = defineCollection({
  loader: glob({ pattern: '*.md', base: `./site/content/${buildTenant.id}/programs` }),
  schema: z.object({
    title: z.string().min(3),
    /** One sentence for the list page and the meta description. */
    summary: z.string().min(10).max(200),
    kind: z.enum(['rebate', 'program']),
    /** What the customer gets, in words ("Up to $150", "Free"). */
    amount: z.string().min(1),
    eligibility: z.array(z.string().min(3)).min(1),
    howToApply: z.array(z.string().min(3)).min(1),
    /** Position on the list page, lowest first. */
    order: z.number().int(),
    /** The online application: eligibility questions and documents (worker/shared/program-catalog.ts). */
    application: programApplication,
  }),
});

/**
 * Spanish twins of the program pages: site/content/<tenant>/programs-es/<id>.md, with the id of the English
 * file it translates. Only the words are here: the kind, order and the online application's
 * structure (which the worker reads from /programs/catalog.json) stay in the English file, the
 * single source; `questions` and `documents` give the application's words, checked against it
 * (worker/shared/program-texts.ts).
 */
const programsEs = defineCollection({
  loader: glob({ pattern: '*.md', base: `./site/content/${buildTenant.id}/programs-es` }),
  schema: z.object({
    title: z.string().min(3),
    summary: z.string().min(10).max(200),
    amount: z.string().min(1),
    eligibility: z.array(z.string().min(3)).min(1),
    howToApply: z.array(z.string().min(3)).min(1),
    /** The application's documents by id, as the Spanish page names them (every English document id). */
    documents: z.record(z.string(), z.string().min(3)).default({}),
    /**
     * The application's questions by id, as the Spanish form asks them: label, and hint, unit,
     * `ineligible` reason and option labels (by option value) wherever the English question has them.
     */
    questions: z.record(z.string(), questionTexts),
  }),
});

/**
 * Every version of the privacy notice ever published. Exactly one is `current`; the others stay
 * online as `archived` at /privacy/versions/<slug>/. The body is the full notice; its `##`
 * headings are the sections the table of contents and the version diff are built from.
 */
const noticeVersions = defineCollection({
  loader: glob({ pattern: '*.md', base: `./site/content/${buildTenant.id}/notice` }),
  schema: z.object({
    version: z.string().regex(/^\d+\.\d+$/, 'a version looks like "2.0"'),
    effective: z.coerce.date(),
    title: z.string().min(3),
    /** The plain-language summary shown above the notice. */
    summary: z.array(z.string().min(10)).min(2),
    /** What changed compared with the previous version (empty for the first one). */
    changes: z.array(z.string().min(10)),
    status: z.enum(['current', 'archived']),
  }),
});

/**
 * Spanish translations of the privacy notice: site/content/<tenant>/notice-es/<slug>.md sits beside the
 * English version with the same file name, and `matches` names the English version whose text it
 * translates (site/lib/notice-translations.ts: a version that does not exist fails the build, an
 * older one is flagged on the page). Version number, date and status stay in the English file.
 * The body keeps the English `##` section structure, so sections pair up one for one.
 */
const noticeVersionsEs = defineCollection({
  loader: glob({ pattern: '*.md', base: `./site/content/${buildTenant.id}/notice-es` }),
  schema: z.object({
    matches: z.string().regex(/^\d+\.\d+$/, 'a version looks like "2.0"'),
    title: z.string().min(3),
    summary: z.array(z.string().min(10)).min(2),
    changes: z.array(z.string().min(10)),
  }),
});

export const collections = { programs, programsEs, noticeVersions, noticeVersionsEs };
