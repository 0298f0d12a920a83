/**
 * Stripe's request bodies are `application/x-www-form-urlencoded` with bracketed keys:
 * `line_items[0][price_data][unit_amount]=6418&metadata[intent_id]=…`. This reads them back into
 * nested objects and arrays, as Stripe's API does, so the stand-in sees what Stripe would.
 */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };

const MAX_DEPTH = 8;
const MAX_PAIRS = 500;

export class FormEncodingError extends Error {}

function keyPath(key: string): string[] {
  const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!match) throw new FormEncodingError(`Invalid parameter name: ${key}`);
  const rest = [...match[2]!.matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]!);
  if (rest.length >= MAX_DEPTH) throw new FormEncodingError(`Parameter nested too deeply: ${key}`);
  return [match[1]!, ...rest];
}

export function parseStripeForm(body: string): Record<string, FormValue> {
  const root: Record<string, FormValue> = {};
  const pairs = new URLSearchParams(body);
  let count = 0;
  for (const [key, value] of pairs) {
    if (++count > MAX_PAIRS) throw new FormEncodingError('Too many parameters.');
    const path = keyPath(key);
    let node: Record<string, FormValue> | FormValue[] = root;
    for (let i = 0; i < path.length; i++) {
      const part = path[i]!;
      const last = i === path.length - 1;
      const slot: string | number = Array.isArray(node) ? (part === '' ? node.length : Number(part)) : part;
      if (Array.isArray(node) && (!Number.isInteger(slot) || (slot as number) < 0 || (slot as number) > 100)) {
        throw new FormEncodingError(`Invalid array index in ${key}`);
      }
      if (!Array.isArray(node) && (part === '' || part === '__proto__' || part === 'constructor' || part === 'prototype')) {
        throw new FormEncodingError(`Invalid parameter name: ${key}`);
      }
      const container = node as Record<string | number, FormValue>;
      if (last) {
        if (container[slot] !== undefined && typeof container[slot] !== 'string') throw new FormEncodingError(`Conflicting parameter: ${key}`);
        container[slot] = value;
      } else {
        const next = path[i + 1]!;
        const wantArray = /^\d+$/.test(next) || next === '';
        if (container[slot] === undefined) container[slot] = wantArray ? [] : {};
        const child = container[slot];
        if (typeof child === 'string' || Array.isArray(child) !== wantArray) throw new FormEncodingError(`Conflicting parameter: ${key}`);
        node = child as Record<string, FormValue> | FormValue[];
      }
    }
  }
  return root;
}
