/**
 * Prints the episodes the demo generator injected into the reads (leaks, continuous and
 * intermittent, and high use), one JSON object a line: which meter, what, and from when to when.
 *   npx tsx db/demo/episodes.ts
 */
import { demoAccounts } from './customers';
import { DEMO_SEED } from './dataset';
import { seededRandom } from './random';
import { demoInjectedEpisodes, demoMeters } from './usage';

for (const e of demoInjectedEpisodes(demoMeters(demoAccounts(seededRandom(DEMO_SEED))), DEMO_SEED)) console.log(JSON.stringify(e));
