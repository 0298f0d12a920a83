/**
 * Every Connect My Data resource the portal serves (each kind, as a feed or an entry, water and
 * electric) and a notification's BatchList validate against the ESPI 3.3 schema, as written by
 * test/support/green-button-sample.ts through the worker's own code. Needs xmllint and
 * ../shared/espi; says SKIPPED otherwise (.ci/run installs xmllint and validates the same files).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const espi = [process.env.ESPI_DIR, resolve('../shared/espi'), '/work/shared/espi'].find((d) => d && existsSync(join(d, 'feed.xsd')));
const xmllint = spawnSync('xmllint', ['--version']).status === 0;

describe('Connect My Data resources against the ESPI schema', () => {
  it('validates every resource kind for water and electricity', () => {
    if (!espi || !xmllint) {
      console.warn('SKIPPED: ESPI schema validation (no ../shared/espi or no xmllint here).');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'cmd-espi-'));
    try {
      const made = spawnSync('npx', ['tsx', 'test/support/green-button-sample.ts', dir], { encoding: 'utf8' });
      expect(made.status, made.stderr).toBe(0);
      const files = readdirSync(dir).filter((f) => f.startsWith('connect-'));
      const kinds = ['batch', 'usage-points', 'usage-point', 'meter-readings', 'meter-reading', 'interval-blocks', 'interval-block', 'usage-summaries', 'local-time', 'reading-type', 'authorization', 'batch-list'];
      for (const service of ['water', 'electric']) for (const kind of kinds) expect(files).toContain(`connect-${service}-${kind}.xml`);
      const check = spawnSync('xmllint', ['--noout', '--schema', join(espi, 'feed.xsd'), ...files.map((f) => join(dir, f))], { env: { ...process.env, XML_CATALOG_FILES: join(espi, 'catalog.xml') }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      expect(check.stderr.split('\n').filter((l) => l && !l.endsWith(' validates'))).toEqual([]);
      expect(check.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
