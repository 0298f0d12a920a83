import { env } from 'cloudflare:workers';
import { inArray } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { describe, expect, it } from 'vitest';
import { outboxEmails } from '../../db/schema';
import { deliverQueued } from '../../worker/mail/deliver';
import { DELIVERED_BODY, redactStaleOutbox, UNDELIVERED_BODY } from '../../worker/mail/outbox';

const db = () => drizzle(env.DB);
const link = () => `${env.PORTAL_ORIGIN}/password/reset/#token=${crypto.randomUUID()}`;
const hoursAgo = (h: number, from = Date.now()) => new Date(from - h * 3_600_000).toISOString();

/** Queued mail older than any other test's, so a delivery run takes these first. */
async function givenMail(rows: { status?: 'queued' | 'sent' | 'failed'; createdAt?: string; body?: string }[]) {
  const values = rows.map((r, i) => ({
    id: crypto.randomUUID(),
    toAddress: `outbox-${crypto.randomUUID().slice(0, 8)}@customers.example`,
    subject: 'Reset your password',
    bodyText: r.body ?? `Open ${link()} within the hour.`,
    kind: 'password-reset',
    status: r.status ?? 'queued',
    createdAt: r.createdAt ?? `2000-01-01T00:00:0${i}.000Z`,
  }));
  await db().insert(outboxEmails).values(values);
  return values;
}
const rowsOf = async (ids: string[]) => {
  const rows = await db().select().from(outboxEmails).where(inArray(outboxEmails.id, ids));
  return ids.map((id) => rows.find((r) => r.id === id)!);
};

describe('sent mail keeps no bearer link', () => {
  it('sends the whole body, then keeps only who, what and when: the body is removed on delivery', async () => {
    const [mail] = await givenMail([{}]);
    const sent: { to: string; text: string }[] = [];
    const email = { send: async (m: { to: string; text: string }) => void sent.push(m) } as unknown as SendEmail;
    await deliverQueued({ EMAIL: email, ENVIRONMENT: 'production' }, db(), { limit: 100 });
    expect(sent.find((m) => m.to === mail!.toAddress)?.text).toBe(mail!.bodyText);
    const [row] = await rowsOf([mail!.id]);
    expect(row).toMatchObject({ status: 'sent', subject: 'Reset your password', kind: 'password-reset', bodyText: DELIVERED_BODY });
    expect(row!.sentAt).not.toBeNull();
  });

  it('delivers through the real EMAIL binding and still keeps no body', async () => {
    const [mail] = await givenMail([{}]);
    await deliverQueued({ EMAIL: env.EMAIL, ENVIRONMENT: 'production' }, db(), { limit: 100 });
    const [row] = await rowsOf([mail!.id]);
    expect(row).toMatchObject({ status: 'sent', bodyText: DELIVERED_BODY });
  });

  it('keeps a failed mail\'s body only until the cron removes it', async () => {
    const [mail] = await givenMail([{}]);
    const email = { send: async () => Promise.reject(new Error('relay down')) } as unknown as SendEmail;
    await deliverQueued({ EMAIL: email, ENVIRONMENT: 'production' }, db(), { limit: 100 });
    const [row] = await rowsOf([mail!.id]);
    expect(row).toMatchObject({ status: 'failed', bodyText: mail!.bodyText });
  });
});

describe('the daily cron removes bodies of mail that was not delivered in 72 hours', () => {
  it('redacts queued and failed mail older than 72 hours (never sending it), keeps younger queued mail for the dev outbox, and redacts any sent body left', async () => {
    const now = Date.now();
    const [oldQueued, oldFailed, youngQueued, youngFailed, sentWithBody] = await givenMail([
      { status: 'queued', createdAt: hoursAgo(73, now) },
      { status: 'failed', createdAt: hoursAgo(100, now) },
      { status: 'queued', createdAt: hoursAgo(71, now) },
      { status: 'failed', createdAt: hoursAgo(2, now) },
      { status: 'sent', createdAt: hoursAgo(1, now) },
    ]);
    const result = await redactStaleOutbox(db(), new Date(now));
    expect(result.redacted).toBeGreaterThanOrEqual(3);
    const rows = await rowsOf([oldQueued!.id, oldFailed!.id, youngQueued!.id, youngFailed!.id, sentWithBody!.id]);
    expect(rows.map((r) => [r.status, r.bodyText])).toEqual([
      ['failed', UNDELIVERED_BODY],
      ['failed', UNDELIVERED_BODY],
      ['queued', youngQueued!.bodyText],
      ['failed', youngFailed!.bodyText],
      ['sent', DELIVERED_BODY],
    ]);
    // A redacted mail is never sent afterwards.
    const sent: string[] = [];
    const email = { send: async (m: { to: string }) => void sent.push(m.to) } as unknown as SendEmail;
    await deliverQueued({ EMAIL: email, ENVIRONMENT: 'production' }, db(), { limit: 100 });
    expect(sent).not.toContain(oldQueued!.toAddress);
  });
});
