import { z } from 'zod';

/**
 * Request bodies of /api/consent, shared by the worker and the site's forms and script.
 * Forms post `choice` plus checkboxes (`on` when ticked, absent otherwise); the script posts JSON
 * with explicit booleans.
 */
export const consentFormChoices = ['accept_all', 'reject_all', 'custom'] as const;

/**
 * A same-site path to send the visitor back to after a form post (never another origin). This only
 * screens the text; the route resolves it and checks the result again (worker/consent/return-path.ts).
 */
export const returnPath = z
  .string()
  .max(512, 'Must be at most 512 characters.')
  .regex(/^\/(?![/\\])[^\s\\]*$/, 'Must be a path on this site, starting with a single "/".');

const checkbox = z.literal('on', { error: 'A ticked checkbox sends "on"; leave it out when not ticked.' }).optional();

export const consentFormSchema = z.object({
  choice: z.enum(consentFormChoices, { error: 'Choose accept_all, reject_all or custom.' }),
  method: z.enum(['banner', 'settings'], { error: 'Must be banner or settings.' }),
  preferences: checkbox,
  analytics: checkbox,
  return: returnPath.optional(),
});
export type ConsentForm = z.infer<typeof consentFormSchema>;

export const consentJsonSchema = z
  .strictObject({
    method: z.enum(['banner', 'settings', 'gpc'], { error: 'Must be banner, settings or gpc.' }),
    preferences: z.boolean({ error: 'Must be true or false.' }),
    analytics: z.boolean({ error: 'Must be true or false.' }),
    /** navigator.globalPrivacyControl as the page saw it. */
    gpc: z.boolean({ error: 'Must be true or false.' }).optional(),
  })
  .superRefine((body, ctx) => {
    if (body.method !== 'gpc') return;
    if (body.gpc !== true) ctx.addIssue({ code: 'custom', path: ['gpc'], message: 'A gpc record needs gpc: true.' });
    if (body.analytics) ctx.addIssue({ code: 'custom', path: ['analytics'], message: 'A Global Privacy Control signal cannot allow analytics.' });
  });
export type ConsentJson = z.infer<typeof consentJsonSchema>;

export const withdrawFormSchema = z.object({ return: returnPath.optional() });

/** The JSON answer of every /api/consent route. */
export type ConsentResponse = {
  policyVersion: string;
  /** True when the banner should ask: no choice on file, a stale one, or only a GPC record. */
  needsChoice: boolean;
  staleBecause: 'policy_version' | 'expired' | null;
  gpcSignal: boolean;
  allowed: { necessary: true; preferences: boolean; analytics: boolean };
  consent: null | {
    consentId: string;
    policyVersion: string;
    preferences: boolean;
    analytics: boolean;
    gpc: boolean;
    method: 'banner' | 'settings' | 'gpc';
    givenAt: string;
    expiresAt: string;
  };
  /** The proof row on file for this consent (GET only). */
  proof?: { id: string; action: 'choose' | 'withdraw'; recordedAt: string } | null;
};
