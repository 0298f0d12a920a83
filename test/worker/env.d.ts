import type { D1Migration } from '@cloudflare/vitest-plugin';

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS: D1Migration[];
      TEST_USAGE_SHARD_MIGRATIONS: D1Migration[];
    }
  }
}
