/**
 * Moves meters (their usage days) from one usage shard to another in the local state `wrangler dev`
 * uses: the split of a shard that fills up, as worker/usage/shard-moves.ts does it.
 *   tsx db/usage-shard/move-meters.ts --from USAGE_SHARD_1 --to USAGE_SHARD_2 [--count N] [--persist-to DIR]
 * Moves the N meters of the source with the highest ids (default: half of them). Add the target
 * binding to wrangler.toml and migrate it (`npm run db:migrate`) first.
 */
import { parseArgs } from 'node:util';
import { getPlatformProxy } from 'wrangler';
import { moveMeters } from '../../worker/usage/shard-moves';
import { usageShards } from '../../worker/usage/shards';

const { values: args } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' }, count: { type: 'string' }, 'persist-to': { type: 'string' } } });
if (!args.from || !args.to) {
  console.error('Name the shards: --from USAGE_SHARD_<n> --to USAGE_SHARD_<m>');
  process.exit(2);
}
const proxy = await getPlatformProxy<{ DB: D1Database }>({ configPath: 'wrangler.toml', persist: { path: `${args['persist-to'] ?? '.wrangler/state'}/v3` }, remoteBindings: false });
try {
  const shards = usageShards(proxy.env);
  const { results } = await shards.primary.prepare('SELECT meter_id AS id FROM usage_shard_map WHERE shard = ?1 ORDER BY meter_id DESC').bind(args.from).all<{ id: string }>();
  const count = args.count ? Number(args.count) : Math.floor(results.length / 2);
  const started = performance.now();
  const moved = await moveMeters(shards, args.from, args.to, results.slice(0, count).map((r) => r.id));
  console.log(`Moved ${moved.meters} meters (${moved.days} meter-days) from ${args.from} to ${args.to} in ${Math.round(performance.now() - started)} ms.`);
} finally {
  await proxy.dispose();
}
