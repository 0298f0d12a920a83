/** Benchmarks call the worker's domain code directly, outside any request: they run as the first utility, whose bindings they pass. */
import { DEFAULT_TENANT } from '../../worker/tenants/registry';
import { runOutsideScopeAs } from '../../worker/tenants/scope';

runOutsideScopeAs(DEFAULT_TENANT);
