/**
 * The worker's entry points outside a request: crons run once per tenant, each in its own env;
 * a queue batch is split by the tenant its messages carry (stamped when they were sent,
 * worker/tenants/env.ts) and each part is handled in that tenant.
 */
import { tenantEnv, unwrapMessage } from './env';
import { DEFAULT_TENANT, tenantById, tenants, type Tenant } from './registry';
import { inTenant } from './scope';

export type TenantJob = (env: Env, tenant: Tenant) => Promise<unknown>;

/** Runs `job` for every tenant, each in its own scope; one tenant's failure does not stop the others (it is rethrown after all ran). */
export async function forEachTenant(env: Env, job: TenantJob) {
  const results = await Promise.allSettled(tenants.map((tenant) => inTenant(tenant, () => job(tenantEnv(env, tenant), tenant))));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** The messages of one tenant as a batch of their own, their bodies as sent; ack and retry act on the original messages. */
function batchFor<T>(batch: MessageBatch<unknown>, messages: Message<unknown>[]): MessageBatch<T> {
  const inner = messages.map((m) => {
    const { body } = unwrapMessage(m.body);
    return { id: m.id, timestamp: m.timestamp, attempts: m.attempts, body: body as T, ack: () => m.ack(), retry: (o?: QueueRetryOptions) => m.retry(o) } as Message<T>;
  });
  return {
    ...batch,
    queue: batch.queue,
    messages: inner,
    ackAll: () => messages.forEach((m) => m.ack()),
    retryAll: (o?: QueueRetryOptions) => messages.forEach((m) => m.retry(o)),
  };
}

export async function forEachTenantOfBatch(batch: MessageBatch<unknown>, env: Env, handle: (batch: MessageBatch<unknown>, env: Env) => Promise<unknown>) {
  const byTenant = new Map<Tenant, Message<unknown>[]>();
  for (const m of batch.messages) {
    const id = unwrapMessage(m.body).tenant;
    const tenant = id === undefined ? DEFAULT_TENANT : tenantById(id);
    // A message for a tenant this deployment no longer serves cannot be handled anywhere: drop it.
    if (!tenant) {
      m.ack();
      continue;
    }
    byTenant.set(tenant, [...(byTenant.get(tenant) ?? []), m]);
  }
  for (const [tenant, messages] of byTenant) await inTenant(tenant, () => handle(batchFor(batch, messages), tenantEnv(env, tenant)));
}
