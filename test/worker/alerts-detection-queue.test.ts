import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { addDays, daySlots, localDay, slotStart } from '../../worker/usage/time';
import { givenLogin } from './support/accounts';
import { givenAccount, uniqueId } from './support/sign-in';
import { givenIngestClient, sendBatch, TZ } from './support/usage-fixtures';

async function waitFor<T>(probe: () => Promise<T | null | undefined>, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the alert queue in workerd', () => {
  it('turns a batch with water running for three days into one alert in the outbox', async () => {
    const client = await givenIngestClient();
    const n = uniqueId('q');
    const email = `${n}@customers.example`;
    const yesterday = addDays(localDay(Date.now(), TZ), -1);
    const days = [addDays(yesterday, -2), addDays(yesterday, -1), yesterday];
    // Alerts go to whom the account chose: here its holder's portal login (the e-mail on file gets none unless signed up).
    await givenAccount({ id: `acct-${n}`, accountNumber: `AN-${n}` });
    await givenLogin({ email, holderOf: [`acct-${n}`] });
    const reads = days.flatMap((day) => {
      const slots = daySlots(day, TZ, 60);
      return Array.from({ length: slots.count }, (_, i) => ({ meterId: `mtr-${n}`, start: new Date(slotStart(slots, i)).toISOString(), value: 2.5, quality: 'actual' }));
    });
    const res = await sendBatch(client, {
      batchId: `b-${n}`,
      accounts: [{ id: `acct-${n}`, accountNumber: `AN-${n}`, holderName: 'Pat Example', email }],
      servicePoints: [{ id: `sp-${n}`, accountId: `acct-${n}`, street: '9 Heron Way', city: 'Alder Creek', region: 'CA', postalCode: '95990', serviceArea: 'Queue Valley' }],
      meters: [{ id: `mtr-${n}`, servicePointId: `sp-${n}`, serialNumber: `SN-${n}`, kind: 'water', unit: 'gal', intervalMinutes: 60, installedOn: '2024-01-01' }],
      reads,
    });
    expect(res.status).toBe(201);
    const mail = await waitFor(() => env.DB.prepare("SELECT subject, kind FROM outbox_emails WHERE to_address = ?1").bind(email).first<{ subject: string; kind: string }>());
    expect(mail.kind).toBe('alert-opened');
    expect(mail.subject).toMatch(/running/);
    const alerts = await env.DB.prepare('SELECT type, status FROM alerts WHERE account_id = ?1').bind(`acct-${n}`).all();
    expect(alerts.results).toEqual([{ type: 'continuous_flow', status: 'open' }]);
  });
});
