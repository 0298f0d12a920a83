/**
 * Newsletter and program mail: only to addresses that opted in, once per address, each with its
 * one-click unsubscribe, which stops the mailing for the address whichever account named it.
 */
import { eq } from 'drizzle-orm';
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { logins, recipientTopics } from '../../db/schema';
import { queueMailing } from '../../worker/preferences/mailings';
import { postJson } from './support/accounts';
import { givenHousehold, givenRecipient, listUnsubscribeTokenOf, mailsTo, ORIGIN } from './support/delivery-fixtures';
import { db, givenAccount } from './support/sign-in';

const deps = () => ({ db: db(), secret: env.LINK_SIGNING_SECRET, origin: env.PORTAL_ORIGIN, now: new Date() });
const mailing = { topic: 'newsletter' as const, en: { subject: 'Alder Creek news: autumn', lines: ['Rebates for smart irrigation controllers are back.'] } };
const bilingual = {
  topic: 'programs' as const,
  en: { subject: 'A rebate for low-flow toilets', lines: ['Replace an old toilet and get up to $100 back.'] },
  es: { subject: 'Un reembolso por inodoros de bajo consumo', lines: ['Cambie un inodoro viejo y reciba hasta $100 de vuelta.'] },
};

/** A household whose holder reads `locale` and ticked `topic`. */
async function optedIn(topic: 'newsletter' | 'programs', locale: 'en' | 'es') {
  const h = await givenHousehold();
  await db().update(logins).set({ locale }).where(eq(logins.id, h.holder.id));
  await postJson('/api/preferences', { account: h.accountId, recipients: ['me'], [`me.${topic}`]: true }, { cookie: h.cookie });
  return h;
}

describe('newsletter and program mail', () => {
  it('goes only to those who ticked it, once per address, with RFC 8058 headers', async () => {
    const opted = await givenHousehold();
    const silent = await givenHousehold();
    await postJson('/api/preferences', { account: opted.accountId, recipients: ['me'], 'me.newsletter': true }, { cookie: opted.cookie });
    // The same person holds a second account, also opted in: still one message.
    const second = await givenAccount();
    await env.DB.prepare("INSERT INTO account_access (login_id, account_id, relationship, can_view_usage, can_view_billing, can_manage) VALUES (?1, ?2, 'holder', 1, 1, 1)").bind(opted.holder.id, second).run();
    await postJson('/api/preferences', { account: second, recipients: ['me'], 'me.newsletter': true }, { cookie: opted.cookie });
    // Someone the holder added gets alerts only; a newsletter is a login's own choice.
    await givenRecipient(silent.accountId, { channel: 'email', address: 'neighbour@family.example', topics: ['continuous_flow'] });
    const { queued } = await queueMailing(deps(), mailing);
    expect(queued).toBeGreaterThanOrEqual(1);
    const mine = await mailsTo(opted.holder.email);
    expect(mine.map((m) => m.kind)).toEqual(['newsletter']);
    expect(mine[0]!.headers).toMatchObject({ 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
    expect(mine[0]!.bodyText).toContain('To stop the newsletter to this address');
    expect(await mailsTo(silent.holder.email)).toEqual([]);
    expect(await mailsTo('neighbour@family.example')).toEqual([]);

    // One click stops it for the address, on both accounts.
    const token = await listUnsubscribeTokenOf(opted.holder.email);
    const res = await exports.default.fetch(new Request(`${ORIGIN}/unsubscribe/${token}`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' }));
    expect(res.status).toBe(200);
    const rows = await db().select().from(recipientTopics).where(eq(recipientTopics.topic, 'newsletter'));
    expect(rows.filter((r) => r.enabled)).toHaveLength(0);
    await queueMailing(deps(), { ...mailing, en: { ...mailing.en, subject: 'Alder Creek news: winter' } });
    expect(await mailsTo(opted.holder.email)).toHaveLength(1);
    // Alerts are another topic: still on.
    const alertsOn = await db().select().from(recipientTopics).where(eq(recipientTopics.topic, 'continuous_flow'));
    expect(alertsOn.some((r) => r.enabled)).toBe(true);
  });

  it('writes each recipient the version in its language, with the footer and its unsubscribe links in that language', async () => {
    const spanish = await optedIn('programs', 'es');
    const english = await optedIn('programs', 'en');
    await queueMailing(deps(), bilingual);

    const [es] = await mailsTo(spanish.holder.email);
    expect(es!.kind).toBe('programs');
    expect(es!.subject).toBe('Un reembolso por inodoros de bajo consumo');
    expect(es!.bodyText.startsWith('Cambie un inodoro viejo y reciba hasta $100 de vuelta.\n')).toBe(true);
    expect(es!.bodyText).toContain('Para dejar de recibir correo de programas y reembolsos en esta dirección (sin iniciar sesión), abra:');
    expect(es!.bodyText).toContain(`${env.PORTAL_ORIGIN}/es/unsubscribe/#code=`);
    expect(es!.bodyText).toContain(`Elija qué recibe y cómo: ${env.PORTAL_ORIGIN}/es/account/preferences/`);
    expect(es!.bodyText).not.toMatch(/To stop|Replace an old toilet/);
    expect(es!.headers!['List-Unsubscribe']).toMatch(new RegExp(`^<${env.PORTAL_ORIGIN}/es/unsubscribe/[^/>]+>$`));

    const [en] = await mailsTo(english.holder.email);
    expect(en!.subject).toBe('A rebate for low-flow toilets');
    expect(en!.bodyText.startsWith('Replace an old toilet and get up to $100 back.\n')).toBe(true);
    expect(en!.bodyText).toContain('To stop program and rebate mail to this address (no sign-in needed), open:');
    expect(en!.bodyText).toContain(`Choose what you get, and how: ${env.PORTAL_ORIGIN}/account/preferences/`);
    expect(en!.bodyText).not.toContain('/es/');
    expect(en!.headers!['List-Unsubscribe']).toMatch(new RegExp(`^<${env.PORTAL_ORIGIN}/unsubscribe/[^/>]+>$`));

    // The Spanish one-click URL stops the mail as the English one does.
    const res = await exports.default.fetch(new Request(/^<(.+)>$/.exec(es!.headers!['List-Unsubscribe']!)![1]!, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' }));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Listo: ya no recibirá estos mensajes.');
    await queueMailing(deps(), bilingual);
    expect(await mailsTo(spanish.holder.email)).toHaveLength(1);
    expect(await mailsTo(english.holder.email)).toHaveLength(2);
  });

  it('sends the English version to a Spanish reader when the mailing has no Spanish one, with the footer still in Spanish', async () => {
    const spanish = await optedIn('newsletter', 'es');
    await queueMailing(deps(), mailing);
    const [mail] = await mailsTo(spanish.holder.email);
    expect(mail!.subject).toBe('Alder Creek news: autumn');
    expect(mail!.bodyText.startsWith('Rebates for smart irrigation controllers are back.\n')).toBe(true);
    expect(mail!.bodyText).toContain('Para dejar de recibir el boletín en esta dirección (sin iniciar sesión), abra:');
  });
});
