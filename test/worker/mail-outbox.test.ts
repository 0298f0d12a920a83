import { env } from 'cloudflare:workers';
import { inArray } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { describe, expect, it } from 'vitest';
import { outboxEmails } from '../../db/schema';
import { deliverQueued, MAX_ATTEMPTS, RETRY_MINUTES } from '../../worker/mail/deliver';
import { DELIVERED_BODY, redactStaleOutbox, UNDELIVERED_BODY } from '../../worker/mail/outbox';

const db = () => drizzle(env.DB);
const link = () => `${env.PORTAL_ORIGIN}/password/reset/#token=${crypto.randomUUID()}`;
const hoursAgo = (h: number, from = Date.now()) => new Date(from - h * 3_600_000).toISOString();

/** Queued mail older than any other test's, so a delivery run takes these first. */
async function givenMail(rows: { status?: 'queued' | 'sending' | 'sent' | 'failed'; createdAt?: string; body?: string; nextAttemptAt?: string }[]) {
  const values = rows.map((r, i) => ({
    id: crypto.randomUUID(),
    toAddress: `outbox-${crypto.randomUUID().slice(0, 8)}@customers.example`,
    subject: 'Reset your password',
    bodyText: r.body ?? `Open ${link()} within the hour.`,
    kind: 'password-reset',
    status: r.status ?? 'queued',
    createdAt: r.createdAt ?? `2000-01-01T00:00:0${i}.000Z`,
    nextAttemptAt: r.nextAttemptAt ?? null,
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

  it('puts a mail whose send failed back in the queue with its body, to be tried again later, and sends it then', async () => {
    const [mail] = await givenMail([{}]);
    const now = new Date('2026-11-27T12:00:00.000Z');
    const down = { send: async () => Promise.reject(new Error('relay down')) } as unknown as SendEmail;
    expect(await deliverQueued({ EMAIL: down, ENVIRONMENT: 'production' }, db(), { limit: 100, now })).toMatchObject({ retry: expect.any(Number) });
    const [waiting] = await rowsOf([mail!.id]);
    expect(waiting).toMatchObject({ status: 'queued', bodyText: mail!.bodyText, attempts: 1, nextAttemptAt: '2026-11-27T12:10:00.000Z' });

    // Not before its time, whoever runs a delivery.
    const sent: string[] = [];
    const up = { send: async (m: { to: string }) => void sent.push(m.to) } as unknown as SendEmail;
    await deliverQueued({ EMAIL: up, ENVIRONMENT: 'production' }, db(), { limit: 100, now: new Date('2026-11-27T12:05:00.000Z') });
    expect(sent).not.toContain(mail!.toAddress);
    await deliverQueued({ EMAIL: up, ENVIRONMENT: 'production' }, db(), { limit: 100, now: new Date('2026-11-27T12:10:00.000Z') });
    expect(sent).toContain(mail!.toAddress);
    expect((await rowsOf([mail!.id]))[0]).toMatchObject({ status: 'sent', bodyText: DELIVERED_BODY, attempts: 2, nextAttemptAt: null });
  });

  it('waits longer after each failure, gives up after the fifth, and keeps the body only until the cron removes it', async () => {
    const [mail] = await givenMail([{}]);
    const down = { send: async () => Promise.reject(new Error('mailbox unavailable')) } as unknown as SendEmail;
    let now = new Date('2026-11-27T12:00:00.000Z');
    const waits: number[] = [];
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      await deliverQueued({ EMAIL: down, ENVIRONMENT: 'production' }, db(), { limit: 100, now });
      const [row] = await rowsOf([mail!.id]);
      expect(row!.attempts).toBe(attempt);
      if (attempt < MAX_ATTEMPTS) {
        expect(row!.status).toBe('queued');
        waits.push((Date.parse(row!.nextAttemptAt!) - now.getTime()) / 60_000);
        now = new Date(row!.nextAttemptAt!);
      } else {
        expect(row).toMatchObject({ status: 'failed', bodyText: mail!.bodyText, nextAttemptAt: null });
      }
    }
    expect(waits).toEqual([...RETRY_MINUTES]);
    // A failed mail is not tried again.
    const sent: string[] = [];
    const up = { send: async (m: { to: string }) => void sent.push(m.to) } as unknown as SendEmail;
    await deliverQueued({ EMAIL: up, ENVIRONMENT: 'production' }, db(), { limit: 100, now: new Date('2026-11-28T12:00:00.000Z') });
    expect(sent).not.toContain(mail!.toAddress);
  });

  it('sends a mail again whose delivery died after claiming it, once the claim has lapsed', async () => {
    const [mail] = await givenMail([{ status: 'sending', nextAttemptAt: '2026-11-27T12:10:00.000Z' }]);
    const sent: string[] = [];
    const up = { send: async (m: { to: string }) => void sent.push(m.to) } as unknown as SendEmail;
    await deliverQueued({ EMAIL: up, ENVIRONMENT: 'production' }, db(), { limit: 100, now: new Date('2026-11-27T12:05:00.000Z') });
    expect(sent).not.toContain(mail!.toAddress);
    await deliverQueued({ EMAIL: up, ENVIRONMENT: 'production' }, db(), { limit: 100, now: new Date('2026-11-27T12:10:00.000Z') });
    expect(sent).toContain(mail!.toAddress);
    expect((await rowsOf([mail!.id]))[0]).toMatchObject({ status: 'sent', bodyText: DELIVERED_BODY });
  });

  it('does not let a mail that keeps failing hold up the ones queued after it', async () => {
    const [stuck, next] = await givenMail([{}, {}]);
    const sent: string[] = [];
    const picky = { send: async (m: { to: string }) => (m.to === stuck!.toAddress ? Promise.reject(new Error('no such mailbox')) : void sent.push(m.to)) } as unknown as SendEmail;
    await deliverQueued({ EMAIL: picky, ENVIRONMENT: 'production' }, db(), { limit: 1, now: new Date('2026-11-27T12:00:00.000Z') });
    await deliverQueued({ EMAIL: picky, ENVIRONMENT: 'production' }, db(), { limit: 1, now: new Date('2026-11-27T12:01:00.000Z') });
    expect(sent).toContain(next!.toAddress);
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
