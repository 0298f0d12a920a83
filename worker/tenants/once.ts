import { currentTenant } from './scope';

/**
 * A value read once per isolate and tenant (each tenant has its own build of the site, so its own
 * files to read); a read that fails is forgotten, so a later request tries again.
 */
export function oncePerTenant<T>(): (load: () => Promise<T>) => Promise<T> {
  const values = new Map<string, Promise<T>>();
  return (load) => {
    const tenant = currentTenant().id;
    let value = values.get(tenant);
    if (!value) {
      value = load();
      values.set(tenant, value);
      value.catch(() => values.delete(tenant));
    }
    return value;
  };
}
