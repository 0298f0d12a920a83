/**
 * Runs the whole portal the way `npm start` does, on its own port and its own local D1 state, so
 * end-to-end tests and benchmarks never touch the developer's database.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDevSecrets, parseEnvFile, toEnvFile } from '../../db/demo/dev-secrets';

export const toolEnv = {
  ...process.env,
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_SEND_METRICS: 'false',
  ASTRO_TELEMETRY_DISABLED: '1',
  CI: 'true',
  NO_COLOR: '1',
};

/** `log` is everything `wrangler dev` printed so far (the worker's structured logs included). */
export type RunningPortal = { origin: string; persistTo: string; log: () => string; stop: () => Promise<void> };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Runs a tool with the tool environment; throws with its output when it fails, else returns its stdout. */
export function runTool(command: string, args: string[]) {
  const result = spawnSync(command, args, { env: toolEnv, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

async function waitForHealth(origin: string, child: ChildProcess, log: () => string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${log()}`);
    try {
      const res = await fetch(`${origin}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the portal did not become healthy within ${timeoutMs} ms:\n${log()}`);
}

/**
 * Migrates a fresh local D1, loads the demo data, starts `wrangler dev` and waits until it is healthy. Needs `dist/` built.
 * `reuse` restarts on an existing state directory (no migration, no demo load); `secrets` overrides the generated ones
 * (e.g. to rotate the receipt signing key); `keepState` leaves the directory on stop; `beforeStart` may
 * change the loaded state (through the directory) before the portal starts; `withoutUsage` loads the
 * demo without its two years of reads and the alerts drawn from them (for a test that needs neither:
 * the load takes about a minute less).
 */
export async function startPortal(
  options: { port?: number; reuse?: string; secrets?: Record<string, string>; keepState?: boolean; withoutUsage?: boolean; beforeStart?: (persistTo: string) => Promise<void> } = {},
): Promise<RunningPortal> {
  const persistTo = options.reuse ?? mkdtempSync(join(tmpdir(), 'portal-d1-'));
  // Written before the demo load, which seals staff TOTP secrets with its key; a restart keeps the
  // secrets it had (as a deploy does) except those `secrets` replaces.
  const envFile = join(persistTo, 'secrets.env');
  const kept = options.reuse && existsSync(envFile) ? parseEnvFile(readFileSync(envFile, 'utf8')) : await generateDevSecrets();
  writeFileSync(envFile, toEnvFile({ ...kept, ...(options.secrets ?? {}) }));
  if (!options.reuse) {
    runTool('npx', ['tsx', 'db/migrate.ts', '--local', '--persist-to', persistTo]);
    runTool('npx', ['tsx', 'db/demo/load.ts', '--persist-to', persistTo, '--secrets', envFile, ...(options.withoutUsage ? ['--skip-usage'] : [])]);
  }
  await options.beforeStart?.(persistTo);
  const port = options.port ?? (await freePort());
  const origin = `http://localhost:${port}`;
  const child = spawn(
    'npx',
    ['wrangler', 'dev', '--port', String(port), '--ip', '127.0.0.1', '--persist-to', persistTo, '--env-file', envFile, '--var', `PORTAL_ORIGIN:${origin}`, '--var', 'ENVIRONMENT:development', '--show-interactive-dev-session=false'],
    { env: toolEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  await waitForHealth(origin, child, () => output);
  return {
    origin,
    persistTo,
    log: () => output,
    stop: async () => {
      if (child.exitCode === null && child.pid) {
        process.kill(-child.pid, 'SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      if (!options.keepState) rmSync(persistTo, { recursive: true, force: true });
    },
  };
}
