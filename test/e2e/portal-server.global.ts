import type { TestProject } from 'vitest/node';
import { startPortal } from '../support/portal-server';

declare module 'vitest' {
  export interface ProvidedContext {
    portalOrigin: string;
    /** The local D1 state directory of that portal (for tests that seed it). */
    portalPersistTo: string;
  }
}

/** One running portal (wrangler dev, local D1 with demo data) for every end-to-end test file. */
export default async function setup(project: TestProject) {
  const portal = await startPortal();
  project.provide('portalOrigin', portal.origin);
  project.provide('portalPersistTo', portal.persistTo);
  return () => portal.stop();
}
