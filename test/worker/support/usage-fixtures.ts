import { env, exports } from 'cloudflare:workers';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { householdProfiles, meters, servicePoints } from '../../../db/schema';
import { ingestAudience } from '../../../worker/ingest/auth';
import { signClientAssertion } from '../../../worker/ingest/client-assertion';
import { usageShards } from '../../../worker/usage/shards';
import { householdBucket, rebuildPeerDaysStatements, writeDays } from '../../../worker/usage/store';
import { baseFactor } from '../../../worker/usage/units';
import { daySlots } from '../../../worker/usage/time';
import { db, givenAccount, givenUtility, uniqueId } from './sign-in';

export const TZ = 'America/Los_Angeles';
export const portal = (path: string, init?: RequestInit) => exports.default.fetch(new Request(`https://portal.test${path}`, init));

export type GivenMeter = { meterId: string; accountId: string; servicePointId: string; serviceArea: string; kind: 'water' | 'electric'; unit: 'gal' | 'ccf' | 'kWh'; intervalMinutes: number; occupants: number | null };

/** An account with a service point and one meter (and a household size when given). */
export async function givenMeter(options: { kind?: 'water' | 'electric'; unit?: 'gal' | 'ccf' | 'kWh'; intervalMinutes?: number; serviceArea?: string; occupants?: number; accountId?: string } = {}): Promise<GivenMeter> {
  const kind = options.kind ?? 'water';
  const unit = options.unit ?? (kind === 'water' ? 'gal' : 'kWh');
  const intervalMinutes = options.intervalMinutes ?? (kind === 'water' ? 60 : 15);
  const accountId = options.accountId ?? (await givenAccount());
  const servicePointId = uniqueId('sp');
  const meterId = uniqueId('mtr');
  const serviceArea = options.serviceArea ?? 'Test Valley';
  await db().insert(servicePoints).values({ id: servicePointId, accountId, street: '1 Test Street', city: 'Testville', region: 'CA', postalCode: '95990', serviceArea });
  await db().insert(meters).values({ id: meterId, servicePointId, serialNumber: uniqueId('SN'), kind, unit, intervalMinutes, installedOn: '2020-01-01' });
  if (options.occupants) await db().insert(householdProfiles).values({ accountId, occupants: options.occupants });
  return { meterId, accountId, servicePointId, serviceArea, kind, unit, intervalMinutes, occupants: options.occupants ?? null };
}

/** Writes day rows through the real write path (aggregates included). `value(day, slot)` null = missing. */
export async function givenReads(meter: GivenMeter, days: string[], value: (day: string, slot: number, count: number) => number | null, quality?: (day: string, slot: number) => 'A' | 'E' | 'M') {
  const patches = days.map((day) => {
    const count = daySlots(day, TZ, meter.intervalMinutes).count;
    const vals = Array.from({ length: count }, (_, i) => value(day, i, count));
    const q = vals.map((v, i) => (v === null ? 'M' : (quality?.(day, i) ?? 'A'))).join('');
    return { meterId: meter.meterId, day, vals, quality: q, kind: meter.kind, serviceArea: meter.serviceArea, household: householdBucket(meter.occupants), baseFactor: baseFactor(meter.kind, meter.unit) };
  });
  await writeDays(usageShards(env), patches);
}

/** Every shard's comparison aggregates, by group name (ids are each shard's own), summed over the shards. */
export async function peerSnapshot() {
  const sums = new Map<string, { group: string; day: string; homes: number; total: number }>();
  for (const shard of usageShards(env).all) {
    const { results } = await shard
      .prepare("SELECT g.kind || '|' || g.service_area || '|' || g.household AS \"group\", d.day, d.homes, d.total FROM usage_peer_days d JOIN usage_peer_groups g ON g.id = d.group_id WHERE d.homes <> 0")
      .all<{ group: string; day: string; homes: number; total: number }>();
    for (const r of results) {
      const key = `${r.group} ${r.day}`;
      const s = sums.get(key) ?? { group: r.group, day: r.day, homes: 0, total: 0 };
      s.homes += r.homes;
      s.total += r.total;
      sums.set(key, s);
    }
  }
  return [...sums.values()].map((s) => ({ ...s, total: Math.round(s.total * 1e4) / 1e4 })).sort((a, b) => (`${a.group} ${a.day}` < `${b.group} ${b.day}` ? -1 : 1));
}

/** Rebuilds every shard's comparison aggregates from its day rows (to check the ones kept in step). */
export async function rebuildPeerDays() {
  const shards = usageShards(env);
  for (const name of shards.names) {
    const { results } = await env.DB.prepare('SELECT m.id, m.kind, m.unit FROM usage_shard_map s JOIN meters m ON m.id = s.meter_id WHERE s.shard = ?1').bind(name).all<{ id: string; kind: 'water' | 'electric' | 'gas'; unit: string }>();
    const shard = shards.database(name);
    await shard.batch(rebuildPeerDaysStatements(shard, results.map((m) => [m.id, baseFactor(m.kind, m.unit)])));
  }
}

export type TestClient = { clientId: string; privateJwk: JWK; utilityId: string };

/** A registered ingest client with a fresh ES256 key pair. */
export async function givenIngestClient(status: 'active' | 'revoked' = 'active'): Promise<TestClient> {
  const utilityId = await givenUtility();
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const clientId = uniqueId('client');
  await env.DB.prepare('INSERT INTO ingest_clients (id, utility_id, name, public_jwk, status) VALUES (?1, ?2, ?3, ?4, ?5)')
    .bind(clientId, utilityId, 'Test MDM', JSON.stringify(await exportJWK(publicKey)), status)
    .run();
  return { clientId, privateJwk: await exportJWK(privateKey), utilityId };
}

export const audience = () => ingestAudience(env.PORTAL_ORIGIN);

/** Where the portal's ingest API is, as the utility's system addresses it (what `htu` names). */
export const ingestUrl = (query = '', path = '/api/ingest/batches') => `${env.PORTAL_ORIGIN}${path}${query}`;

/**
 * Sends a batch signed by the client (JSON by default). `sign` makes the assertion for another
 * method, query or path than the request carries (to test that the portal refuses it).
 */
export async function sendBatch(
  client: TestClient,
  body: unknown,
  options: { contentType?: string; query?: string; token?: string; signBody?: string; lifetimeSeconds?: number; audience?: string; sign?: { method?: string; query?: string; path?: string } } = {},
) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const token =
    options.token ??
    (await signClientAssertion({
      privateJwk: client.privateJwk,
      clientId: client.clientId,
      audience: options.audience ?? audience(),
      method: options.sign?.method ?? 'POST',
      url: ingestUrl(options.sign?.query ?? options.query ?? '', options.sign?.path),
      body: options.signBody ?? text,
      lifetimeSeconds: options.lifetimeSeconds,
    }));
  return portal(`/api/ingest/batches${options.query ?? ''}`, {
    method: 'POST',
    headers: { 'Content-Type': options.contentType ?? 'application/json', Authorization: `Bearer ${token}` },
    body: text,
  });
}

/** A meter's stored day row, read from the shard the shard map gives it. */
export async function dayRow(meterId: string, day: string) {
  const shard = await usageShards(env).forMeter(meterId);
  if (!shard) return null;
  return shard.prepare('SELECT vals, quality, total, missing, estimated, updated_at AS updatedAt FROM usage_days WHERE meter_id = ?1 AND day = ?2')
    .bind(meterId, day)
    .first<{ vals: string; quality: string; total: number; missing: number; estimated: number; updatedAt: string }>();
}

export const get = (path: string, cookie?: string) => portal(path, cookie ? { headers: { Cookie: cookie } } : {});
