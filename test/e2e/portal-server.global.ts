import type { TestProject } from 'vitest/node';
import { startPortal } from '../support/portal-server';

declare module 'vitest' {
  export interface ProvidedContext {
    portalOrigin: string;
    /** The portal's local state directory (its D1), for tests that read or seed the database. */
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
