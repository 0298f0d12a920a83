/**
 * `npm run bench`: runs every benchmark module in turn and prints what each measured.
 * A capability adds its module to `benches` (each exports `async function bench()`).
 */
import * as accounts from './accounts';
import * as alerts from './alerts';
import * as alertsCentre from './alerts-centre';
import * as billing from './billing';
import * as connectMyData from './connect-my-data';
import * as consent from './consent';
import * as greenButton from './green-button';
import * as lighthouse from './lighthouse';
import * as messages from './messages';
import * as passkeys from './passkeys';
import * as programs from './programs';
import * as payments from './payments';
import * as requests from './requests';
import * as shards from './shards';
import * as site from './site';
import * as tenants from './tenants';
import * as usage from './usage';

type BenchModule = { bench: () => Promise<Record<string, unknown>> };

const benches: [name: string, module: BenchModule][] = [
  ['site', site],
  ['consent', consent],
  ['accounts', accounts],
  ['passkeys', passkeys],
  ['usage', usage],
  ['shards', shards],
  ['tenants', tenants],
  ['requests', requests],
  ['alerts', alerts],
  ['green-button', greenButton],
  ['alerts-centre', alertsCentre],
  ['billing', billing],
  ['payments', payments],
  ['connect-my-data', connectMyData],
  ['messages', messages],
  ['programs', programs],
  ['lighthouse', lighthouse],
];

const results: Record<string, unknown> = {};
let failed = false;
for (const [name, module] of benches) {
  const started = performance.now();
  try {
    results[name] = await module.bench();
  } catch (error) {
    failed = true;
    results[name] = { error: error instanceof Error ? error.message : String(error) };
    console.error(`bench ${name} failed:`, error);
  }
  console.log(`bench ${name}: ${Math.round(performance.now() - started)} ms`);
}

console.log('\nSummary');
console.table(
  Object.entries(results).flatMap(([name, figures]) =>
    Object.entries(figures as Record<string, unknown>)
      .map(([figure, value]) => ({ bench: name, figure, value: typeof value === 'object' && value !== null ? JSON.stringify(value) : value }))
      .filter((row) => String(row.value).length <= 120),
  ),
);
if (failed) process.exitCode = 1;
