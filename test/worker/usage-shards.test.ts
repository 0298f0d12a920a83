import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { buildAccessPackage } from '../../worker/staff/access-package';
import { usageShards } from '../../worker/usage/shards';
import { writeDays } from '../../worker/usage/store';
import { moveMeters } from '../../worker/usage/shard-moves';
import { signedIn, uniqueId } from './support/sign-in';
import { dayRow, get, givenIngestClient, givenMeter, givenReads, peerSnapshot, rebuildPeerDays, sendBatch, type GivenMeter } from './support/usage-fixtures';

/** Places a meter on a named shard before its first reads, as the map would after a split. */
async function onShard(meter: GivenMeter, shard: 'USAGE_SHARD_1' | 'USAGE_SHARD_2') {
  await env.DB.batch([
    env.DB.prepare('INSERT OR IGNORE INTO usage_shards (binding) VALUES (?1)').bind(shard),
    env.DB.prepare('INSERT INTO usage_shard_map (meter_id, shard) VALUES (?1, ?2)').bind(meter.meterId, shard),
    env.DB.prepare('UPDATE usage_shards SET meters = meters + 1 WHERE binding = ?1').bind(shard),
  ]);
  return meter;
}

const shardOf = async (meterId: string) => (await env.DB.prepare('SELECT shard FROM usage_shard_map WHERE meter_id = ?1').bind(meterId).first<{ shard: string }>())?.shard ?? null;
const rowsOn = async (shard: D1Database, meterId: string) => (await shard.prepare('SELECT count(*) AS n FROM usage_days WHERE meter_id = ?1').bind(meterId).first<{ n: number }>())!.n;
const placedCounts = async () => (await env.DB.prepare('SELECT binding, meters FROM usage_shards ORDER BY binding').all<{ binding: string; meters: number }>()).results;

const series = async (cookie: string, meterId: string, q: string) => {
  const res = await get(`/api/usage/meters/${meterId}/series?${q}`, cookie);
  return res.json<{ points: { similarHomes: number | null }[]; similarHomes: { available: boolean; note: string } }>();
};

describe('the shard map', () => {
  it('places a meter on its first reads, on the shard holding the fewest meters, and keeps it there', async () => {
    const before = new Map((await placedCounts()).map((r) => [r.binding, r.meters]));
    const fewest = (before.get('USAGE_SHARD_1') ?? 0) <= (before.get('USAGE_SHARD_2') ?? 0) ? 'USAGE_SHARD_1' : 'USAGE_SHARD_2';
    const meter = await givenMeter();
    expect(await shardOf(meter.meterId)).toBeNull();
    await givenReads(meter, ['2025-03-01'], () => 1);
    expect(await shardOf(meter.meterId)).toBe(fewest);
    // Its rows are on that shard and on no other.
    expect(await rowsOn(fewest === 'USAGE_SHARD_1' ? env.USAGE_SHARD_1 : env.USAGE_SHARD_2, meter.meterId)).toBe(1);
    expect(await rowsOn(fewest === 'USAGE_SHARD_1' ? env.USAGE_SHARD_2 : env.USAGE_SHARD_1, meter.meterId)).toBe(0);
    await givenReads(meter, ['2025-03-02'], () => 1);
    expect(await shardOf(meter.meterId)).toBe(fewest);
  });

  it('spreads new meters evenly over the shards and counts each placement once, however often it is asked', async () => {
    const before = new Map((await placedCounts()).map((r) => [r.binding, r.meters]));
    const ids = Array.from({ length: 10 }, () => uniqueId('mtr'));
    const shards = usageShards(env);
    await Promise.all([shards.place(ids), usageShards(env).place(ids), usageShards(env).place(ids.slice(0, 4))]);
    const after = await placedCounts();
    const added = after.reduce((n, r) => n + r.meters - (before.get(r.binding) ?? 0), 0);
    expect(added).toBe(10);
    const mapped = await env.DB.prepare('SELECT shard, count(*) AS n FROM usage_shard_map GROUP BY shard').all<{ shard: string; n: number }>();
    for (const r of mapped.results) expect(after.find((a) => a.binding === r.shard)?.meters).toBe(r.n);
    const [a, b] = after.map((r) => r.meters);
    expect(Math.abs(a! - b!)).toBeLessThanOrEqual(1);
  });

  it('weighs a 15-minute meter as four hourly ones, so the shards fill by size rather than by count', async () => {
    const weights = async () => new Map((await env.DB.prepare('SELECT binding, weight FROM usage_shards').all<{ binding: string; weight: number }>()).results.map((r) => [r.binding, r.weight]));
    // Level the two shards first, so the test starts from equal weights.
    await usageShards(env).place([uniqueId('mtr')]);
    const start = await weights();
    const lighter = (start.get('USAGE_SHARD_1') ?? 0) <= (start.get('USAGE_SHARD_2') ?? 0) ? 'USAGE_SHARD_1' : 'USAGE_SHARD_2';
    const heavier = lighter === 'USAGE_SHARD_1' ? 'USAGE_SHARD_2' : 'USAGE_SHARD_1';
    const gap = Math.abs((start.get(heavier) ?? 0) - (start.get(lighter) ?? 0));
    await usageShards(env).place(Array.from({ length: gap }, () => uniqueId('mtr')));
    const electric = await givenMeter({ kind: 'electric' });
    await givenReads(electric, ['2025-03-01'], () => 0.25);
    const electricShard = (await shardOf(electric.meterId))!;
    const hourly = Array.from({ length: 3 }, () => uniqueId('mtr'));
    const placed = await usageShards(env).place(hourly);
    // The three hourly meters all go to the other shard: together they still weigh less than the one 15-minute meter.
    expect(new Set(placed.values())).toEqual(new Set([electricShard === 'USAGE_SHARD_1' ? 'USAGE_SHARD_2' : 'USAGE_SHARD_1']));
    const after = await weights();
    expect((after.get('USAGE_SHARD_1') ?? 0) + (after.get('USAGE_SHARD_2') ?? 0)).toBe((start.get('USAGE_SHARD_1') ?? 0) + (start.get('USAGE_SHARD_2') ?? 0) + gap + 4 + 3);
  });

  it('gives a shard closed to new meters none, and refuses ingest with a JSON 503 when every shard is closed', async () => {
    await usageShards(env).place([uniqueId('mtr')]);
    await env.DB.prepare("UPDATE usage_shards SET accepts_meters = 0 WHERE binding = 'USAGE_SHARD_1'").run();
    const placed = await usageShards(env).place([uniqueId('mtr'), uniqueId('mtr'), uniqueId('mtr')]);
    expect([...placed.values()]).toEqual(['USAGE_SHARD_2', 'USAGE_SHARD_2', 'USAGE_SHARD_2']);

    await env.DB.prepare('UPDATE usage_shards SET accepts_meters = 0').run();
    try {
      const client = await givenIngestClient();
      const meter = await givenMeter();
      await env.DB.prepare('UPDATE accounts SET utility_id = ?1 WHERE id = ?2').bind(client.utilityId, meter.accountId).run();
      const res = await sendBatch(client, { batchId: uniqueId('b'), days: [{ meterId: meter.meterId, day: '2025-03-01', values: Array(24).fill(1) }] });
      expect(res.status).toBe(503);
      expect((await res.json<{ error: { message: string } }>()).error.message).toMatch(/closed to new meters/);
      expect(await shardOf(meter.meterId)).toBeNull();
    } finally {
      await env.DB.prepare('UPDATE usage_shards SET accepts_meters = 1').run();
    }
  });
});

describe('comparisons across shards', () => {
  it('adds the shards’ homes before the minimum of 10 applies: 6 + 3 homes are withheld, 6 + 4 are shown', async () => {
    const serviceArea = uniqueId('area');
    const day = '2025-07-04';
    const homes: GivenMeter[] = [];
    for (let i = 0; i < 9; i++) {
      const m = await onShard(await givenMeter({ serviceArea }), i < 6 ? 'USAGE_SHARD_1' : 'USAGE_SHARD_2');
      await givenReads(m, [day], () => 10 + i);
      homes.push(m);
    }
    const { cookie } = await signedIn({ holderOf: [homes[0]!.accountId] });
    const nine = await series(cookie, homes[0]!.meterId, `from=${day}&to=${day}&resolution=day`);
    expect(nine.similarHomes.available).toBe(false);
    expect(nine.points[0]!.similarHomes).toBeNull();

    await givenReads(await onShard(await givenMeter({ serviceArea }), 'USAGE_SHARD_2'), [day], () => 20);
    const ten = await series(cookie, homes[0]!.meterId, `from=${day}&to=${day}&resolution=day`);
    expect(ten.similarHomes.available).toBe(true);
    expect(ten.points[0]!.similarHomes).toBeCloseTo(((10 + 11 + 12 + 13 + 14 + 15 + 16 + 17 + 18 + 20) * 24) / 10, 6);
    // Neither shard alone holds 10 homes of the group: only their sum does.
    for (const shard of [env.USAGE_SHARD_1, env.USAGE_SHARD_2]) {
      const row = await shard
        .prepare("SELECT d.homes FROM usage_peer_days d JOIN usage_peer_groups g ON g.id = d.group_id WHERE g.service_area = ?1 AND g.household = 'any' AND d.day = ?2")
        .bind(serviceArea, day)
        .first<{ homes: number }>();
      expect(row!.homes).toBeLessThan(10);
    }
  });

  it('keeps every shard’s aggregates equal to a rebuild from its own rows', async () => {
    const serviceArea = uniqueId('area');
    for (const shard of ['USAGE_SHARD_1', 'USAGE_SHARD_2'] as const) {
      const m = await onShard(await givenMeter({ serviceArea, unit: 'ccf' }), shard);
      await givenReads(m, ['2025-08-01', '2025-08-02'], (_d, slot) => slot / 10);
      await givenReads(m, ['2025-08-02'], () => 1);
    }
    const kept = await peerSnapshot();
    await rebuildPeerDays();
    expect(await peerSnapshot()).toEqual(kept);
  });
});

describe('ingest across shards', () => {
  it('puts a shard back as it was when the rest of the batch is refused', async () => {
    const client = await givenIngestClient();
    const meter = await givenMeter();
    const other = await givenMeter();
    await env.DB.batch([
      env.DB.prepare('UPDATE accounts SET utility_id = ?1 WHERE id IN (?2, ?3)').bind(client.utilityId, meter.accountId, other.accountId),
    ]);
    const day = '2025-05-05';
    expect((await sendBatch(client, { batchId: uniqueId('b'), days: [{ meterId: meter.meterId, day, values: Array(24).fill(1) }] })).status).toBe(201);
    const stored = await dayRow(meter.meterId, day);
    const peers = await peerSnapshot();
    const serial = (await env.DB.prepare('SELECT serial_number AS s FROM meters WHERE id = ?1').bind(other.meterId).first<{ s: string }>())!.s;
    // New values for the stored day, and a meter that takes another meter's serial number (unique in D1).
    const refused = await sendBatch(client, {
      batchId: uniqueId('b'),
      servicePoints: [],
      meters: [{ id: uniqueId('mtr'), servicePointId: meter.servicePointId, serialNumber: serial, kind: 'water', unit: 'gal', intervalMinutes: 60, installedOn: '2020-01-01' }],
      days: [{ meterId: meter.meterId, day, values: Array(24).fill(7) }],
    });
    expect(refused.status).toBe(409);
    expect(await dayRow(meter.meterId, day)).toEqual(stored);
    expect(await peerSnapshot()).toEqual(peers);
  });
});

describe('writing to several shards', () => {
  it('gives back what one shard took when another refuses its rows, so nothing is half written', async () => {
    const serviceArea = uniqueId('area');
    const first = await onShard(await givenMeter({ serviceArea }), 'USAGE_SHARD_1');
    const second = await onShard(await givenMeter({ serviceArea }), 'USAGE_SHARD_2');
    await givenReads(first, ['2025-04-01'], () => 1);
    const before = { row: await dayRow(first.meterId, '2025-04-01'), peers: await peerSnapshot() };
    const patch = (m: GivenMeter, day: string, value: number) => ({ meterId: m.meterId, day, vals: Array<number>(24).fill(value), quality: 'A'.repeat(24), kind: 'water', serviceArea, household: null, baseFactor: 1 });
    // The second shard's table is away: its batch fails as a real database failure would.
    await env.USAGE_SHARD_2.prepare('ALTER TABLE usage_days RENAME TO usage_days_away').run();
    try {
      await expect(writeDays(usageShards(env), [patch(first, '2025-04-01', 5), patch(first, '2025-04-02', 5), patch(second, '2025-04-01', 5)])).rejects.toThrow();
    } finally {
      await env.USAGE_SHARD_2.prepare('ALTER TABLE usage_days_away RENAME TO usage_days').run();
    }
    expect(await dayRow(first.meterId, '2025-04-01')).toEqual(before.row);
    expect(await dayRow(first.meterId, '2025-04-02')).toBeNull();
    expect(await peerSnapshot()).toEqual(before.peers);
  });
});

describe('the access package across shards', () => {
  it('gathers an account’s reads from every shard its meters are on', async () => {
    const accountMeter = await onShard(await givenMeter(), 'USAGE_SHARD_1');
    const second = await onShard(await givenMeter({ kind: 'electric', accountId: accountMeter.accountId }), 'USAGE_SHARD_2');
    const stranger = await onShard(await givenMeter(), 'USAGE_SHARD_2');
    await givenReads(accountMeter, ['2025-09-01', '2025-09-02'], () => 1);
    await givenReads(second, ['2025-09-01'], () => 2);
    await givenReads(stranger, ['2025-09-01'], () => 3);
    const pkg = await buildAccessPackage(env.DB, usageShards(env), { accountId: accountMeter.accountId, loginIds: [], emails: [] }, 'req-shards');
    const rows = pkg.tables.find((t) => t.table === 'usage_days')!.rows as { meter_id: string; day: string }[];
    expect(rows.map((r) => `${r.meter_id} ${r.day}`).sort()).toEqual([`${accountMeter.meterId} 2025-09-01`, `${accountMeter.meterId} 2025-09-02`, `${second.meterId} 2025-09-01`].sort());
  });
});

describe('splitting a shard', () => {
  it('moves meters with their days to another shard: the customer sees the same, the sums stay right, a second run changes nothing', async () => {
    const serviceArea = uniqueId('area');
    const moving = await onShard(await givenMeter({ serviceArea, occupants: 3 }), 'USAGE_SHARD_1');
    const staying = await onShard(await givenMeter({ serviceArea, occupants: 3 }), 'USAGE_SHARD_1');
    const days = ['2025-10-01', '2025-10-02', '2025-10-03'];
    for (const m of [moving, staying]) await givenReads(m, days, (d, slot) => (slot === 5 && d === '2025-10-02' ? null : slot / 4));
    const { cookie } = await signedIn({ holderOf: [moving.accountId] });
    // What the customer sees (rows read, a figure of the shard's own index, left out).
    const seen = async () => {
      const { rowsRead: _, ...body } = await (await get(`/api/usage/meters/${moving.meterId}/series?from=2025-10-01&to=2025-10-03&resolution=hour`, cookie)).json<{ rowsRead: number }>();
      return body;
    };
    const before = await seen();
    const peers = await peerSnapshot();
    const counts = new Map((await placedCounts()).map((r) => [r.binding, r.meters]));

    for (let run = 0; run < 2; run++) expect((await moveMeters(usageShards(env), 'USAGE_SHARD_1', 'USAGE_SHARD_2', [moving.meterId])).meters).toBe(1);

    expect(await shardOf(moving.meterId)).toBe('USAGE_SHARD_2');
    expect(await shardOf(staying.meterId)).toBe('USAGE_SHARD_1');
    expect(await rowsOn(env.USAGE_SHARD_1, moving.meterId)).toBe(0);
    expect(await rowsOn(env.USAGE_SHARD_2, moving.meterId)).toBe(3);
    expect(await seen()).toEqual(before);
    expect(await peerSnapshot()).toEqual(peers);
    await rebuildPeerDays();
    expect(await peerSnapshot()).toEqual(peers);
    const after = new Map((await placedCounts()).map((r) => [r.binding, r.meters]));
    expect(after.get('USAGE_SHARD_1')).toBe(counts.get('USAGE_SHARD_1')! - 1);
    expect(after.get('USAGE_SHARD_2')).toBe((counts.get('USAGE_SHARD_2') ?? 0) + 1);
  });
});
