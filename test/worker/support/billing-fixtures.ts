import { env } from 'cloudflare:workers';
import { signClientAssertion } from '../../../worker/ingest/client-assertion';
import { givenAccount, uniqueId } from './sign-in';
import { audience, ingestUrl, portal, sendBatch, type TestClient } from './usage-fixtures';

/** The lines of a typical monthly water bill; amounts in cents add up to `amountCents`. */
export function waterBillLines() {
  const lines = [
    { kind: 'fixed', service: 'water', description: 'Water service charge (5/8-inch meter)', quantity: 1, unit: 'month', unitPrice: 18.5, amountCents: 1850 },
    { kind: 'volume_tier', service: 'water', description: 'Water, tier 1 (first 8 CCF)', quantity: 8, unit: 'ccf', unitPrice: 4.12, tierFrom: 0, tierTo: 8, amountCents: 3296 },
    { kind: 'volume_tier', service: 'water', description: 'Water, tier 2 (8 to 20 CCF)', quantity: 4.4, unit: 'ccf', unitPrice: 5.37, tierFrom: 8, tierTo: 20, amountCents: 2363 },
    { kind: 'sewer', service: 'sewer', description: 'Sewer service', amountCents: 3100 },
    { kind: 'tax', description: 'Utility users tax', taxRatePercent: 5, amountCents: 530 },
  ];
  return { lines, amountCents: lines.reduce((s, l) => s + l.amountCents, 0) };
}

export type BillInput = { id: string; accountId: string; periodStart: string; periodEnd: string; issuedOn: string; dueOn: string; amountCents: number; lines?: unknown[]; [k: string]: unknown };

/** A September bill with the water lines above. */
export function septemberBill(accountId: string, id = uniqueId('bill')): BillInput {
  const { lines, amountCents } = waterBillLines();
  return { id, accountId, billNumber: 'ACW-100234', periodStart: '2026-09-01', periodEnd: '2026-09-30', issuedOn: '2026-10-03', dueOn: '2026-10-24', amountCents, rateName: 'Residential water R-1', lines };
}

export const count = async (sql: string, ...binds: unknown[]) => (await env.DB.prepare(sql).bind(...binds).first<{ n: number }>())!.n;

/** Every billing row of an account, to compare before and after. */
export async function billingSnapshot(accountId: string) {
  const q = (sql: string) => env.DB.prepare(sql).bind(accountId).all().then((r) => r.results);
  return {
    bills: await q('SELECT * FROM bills WHERE account_id = ?1 ORDER BY id'),
    lines: await q('SELECT l.rowid AS rid, l.* FROM bill_lines l JOIN bills b ON b.id = l.bill_id WHERE b.account_id = ?1 ORDER BY l.bill_id, l.position'),
    payments: await q('SELECT * FROM payments WHERE account_id = ?1 ORDER BY id'),
    adjustments: await q('SELECT * FROM adjustments WHERE account_id = ?1 ORDER BY id'),
    balances: await q('SELECT * FROM account_balances WHERE account_id = ?1'),
  };
}

/** A second utility with its own account, for isolation tests. */
export async function givenOtherUtilityAccount() {
  await env.DB.prepare(
    "INSERT OR IGNORE INTO utilities (id, name, legal_name, time_zone, service_area, contact_email, contact_phone, privacy_email) VALUES ('other-utility','Other','Other District','America/Denver','Elsewhere','a@o.example','+1-209-555-0199','p@o.example')",
  ).run();
  const id = uniqueId('acct');
  await env.DB.prepare("INSERT INTO accounts (id, utility_id, account_number, holder_name) VALUES (?1, 'other-utility', ?1, 'Someone Else')").bind(id).run();
  return id;
}

export const documentPath = (billId: string) => `/api/ingest/bills/${encodeURIComponent(billId)}/document`;

/** Uploads a bill document as the utility's system does: PUT, signed client assertion bound to the method, URL and bytes. */
export async function uploadDocument(client: TestClient, billId: string, bytes: Uint8Array<ArrayBuffer>, options: { contentType?: string; token?: string } = {}) {
  const token = options.token ?? (await signClientAssertion({ privateJwk: client.privateJwk, clientId: client.clientId, audience: audience(), method: 'PUT', url: ingestUrl('', documentPath(billId)), body: bytes }));
  return portal(documentPath(billId), {
    method: 'PUT',
    headers: { 'Content-Type': options.contentType ?? 'application/pdf', Authorization: `Bearer ${token}` },
    body: bytes,
  });
}

/** An account with one September bill (lines, payment, balance) ingested through the real API; returns the bill id. */
export async function givenBilledAccount(client: TestClient, accountId?: string) {
  const account = accountId ?? (await givenAccount());
  const bill = septemberBill(account);
  const res = await sendBatch(client, { batchId: uniqueId('bill'), bills: [bill], balances: [{ accountId: account, asOf: bill.issuedOn, balanceCents: bill.amountCents }] });
  if (res.status !== 201) throw new Error(`fixture batch refused: ${await res.text()}`);
  return { accountId: account, billId: bill.id, bill };
}
