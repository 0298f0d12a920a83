/**
 * fast-check arbitraries for hostile input: values derived from the routes' own zod schemas (via
 * `z.toJSONSchema`, so a schema change moves the generator with it), near misses of those values,
 * odd strings, deep and huge bodies, and the encodings a client can choose (JSON, URL-encoded,
 * multipart, text, none), well-formed or not.
 */
import fc from 'fast-check';
import { z } from 'zod';

// ---- odd values -------------------------------------------------------------------------------

/** Text of any generated value (fast-check's dictionaries may have no prototype, so String() can throw). */
export const textOf = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

const loneSurrogates = fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 3 });

const oddConstants = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\u202eevil',
  '\uFEFFbom',
  'e\u0301',
  '💧⚡🔥',
  '\r\nSet-Cookie: x=1',
  "' OR 1=1 --",
  '"; DROP TABLE logins; --',
  '<script>alert(1)</script>',
  '../../../etc/passwd',
  '%',
  '%zz',
  '%00',
  'null',
  'undefined',
  'true',
  'false',
  '0',
  '-1',
  '1e309',
  'NaN',
  '__proto__',
  'constructor',
  '{}',
  '[]',
  ' \t\n ',
  '0'.repeat(400),
  '9'.repeat(30),
  'a'.repeat(10_000),
  'é'.repeat(3_000),
];

/** Strings no form field expects: unicode of every kind, NUL, lone surrogates, control characters, long runs. */
export const oddString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...oddConstants) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: loneSurrogates },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 200, maxLength: 3_000 }) },
);

/** A value of the wrong JSON type for whatever field receives it. */
export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -0, 1e308),
  fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
);

/** Keys a body should not carry. */
export const extraKey = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'role', 'loginId', 'accountId', 'isAdmin', 'a.b', 'x[]', ''), fc.string({ maxLength: 12 }));

// ---- values from a JSON Schema (what z.toJSONSchema makes of our zod schemas) -----------------

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  items?: JsonSchema;
  default?: unknown;
};

/** Field values that a generic generator would never hit but that matter (tokens, ids the world holds). */
export type Hints = Record<string, fc.Arbitrary<unknown>>;

export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  // Input side: what a client sends, before transforms; anything JSON Schema cannot say becomes {}.
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

function stringFor(s: JsonSchema): fc.Arbitrary<string> {
  if (s.format === 'email') return fc.emailAddress();
  if (s.pattern) {
    try {
      return fc.stringMatching(new RegExp(s.pattern), { size: 'xsmall' }).filter((v) => v.length <= (s.maxLength ?? Infinity) && v.length >= (s.minLength ?? 0));
    } catch {
      // A pattern fast-check cannot walk (look-arounds): fall back to plain text within the lengths.
    }
  }
  const minLength = s.minLength ?? 0;
  return fc.string({ minLength, maxLength: Math.max(minLength, Math.min(s.maxLength ?? 24, 24)) });
}

/** A value that satisfies the schema's shape (names, types, lengths, patterns) as far as JSON Schema says. */
export function fromJsonSchema(s: JsonSchema, hints: Hints = {}, key = ''): fc.Arbitrary<unknown> {
  if (key && hints[key]) return hints[key]!;
  if ('const' in s) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const choices = s.anyOf ?? s.oneOf;
  if (choices?.length) return fc.oneof(...choices.map((c) => fromJsonSchema(c, hints, key)));
  if (s.allOf?.length) return fromJsonSchema(s.allOf[0]!, hints, key);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'object': {
      const props = s.properties ?? {};
      const model = Object.fromEntries(Object.entries(props).map(([name, p]) => [name, fromJsonSchema(p, hints, name)]));
      return fc.record(model, { requiredKeys: (s.required ?? []).filter((k) => k in props) });
    }
    case 'array':
      return fc.array(s.items ? fromJsonSchema(s.items, hints) : fc.string({ maxLength: 8 }), { maxLength: 4 });
    case 'string':
      return stringFor(s);
    case 'integer': {
      const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -1_000);
      const max = Math.min(s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : 1_000_000), Number.MAX_SAFE_INTEGER);
      return fc.integer({ min: Math.max(min, Number.MIN_SAFE_INTEGER), max: Math.max(min, max) });
    }
    case 'number':
      return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      // Unrepresentable in JSON Schema (a preprocess or transform): anything plausible.
      return fc.oneof(fc.string({ maxLength: 24 }), fc.integer(), fc.boolean());
  }
}

/**
 * Near misses of a valid-ish object: one field dropped, of the wrong type, replaced by an odd string,
 * nulled, or an extra field added. Applied 0 to 3 times, so some bodies stay valid-ish.
 */
export function nearMiss(base: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  type Edit = { kind: 'drop' | 'wrong' | 'odd' | 'null' | 'extra'; pick: number; value: unknown; key: string };
  const edit: fc.Arbitrary<Edit> = fc.record({
    kind: fc.constantFrom('drop', 'wrong', 'odd', 'null', 'extra'),
    pick: fc.nat(),
    value: fc.oneof(wrongType, oddString),
    key: extraKey,
  });
  return fc.tuple(base, fc.array(edit, { maxLength: 3 })).map(([value, edits]) => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
    const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    for (const e of edits) {
      const keys = Object.keys(out);
      const key = keys.length ? keys[e.pick % keys.length]! : e.key;
      if (e.kind === 'drop') delete out[key];
      else if (e.kind === 'wrong') out[key] = e.value;
      else if (e.kind === 'odd') out[key] = textOf(e.value);
      else if (e.kind === 'null') out[key] = null;
      else Object.defineProperty(out, e.key, { value: e.value, enumerable: true, configurable: true, writable: true });
    }
    return out;
  });
}

// ---- bodies -----------------------------------------------------------------------------------

export type BodyPlan = { kind: string; contentType: string | null; body: string | Uint8Array<ArrayBuffer> | null };

const MiB = 1024 * 1024;
const deepArray = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const deepObject = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/** Fixed, expensive bodies built once and chosen rarely. */
const bigBodies: BodyPlan[] = [
  { kind: 'huge json (1 MiB + 1)', contentType: 'application/json', body: `{"email":"${'a'.repeat(MiB)}"}` },
  { kind: 'huge form (1 MiB + 1)', contentType: 'application/x-www-form-urlencoded', body: `email=${'a'.repeat(MiB)}` },
  { kind: 'huge multipart (1 MiB + 1)', contentType: 'multipart/form-data; boundary=XyZ', body: `--XyZ\r\nContent-Disposition: form-data; name="email"\r\n\r\n${'a'.repeat(MiB)}\r\n--XyZ--\r\n` },
  { kind: 'huge text, no type (1 MiB + 1)', contentType: null, body: 'a'.repeat(MiB + 1) },
  { kind: 'large unicode json (under 1 MiB)', contentType: 'application/json', body: `{"email":"${'💧'.repeat(200_000)}","password":"${'\\ud800'.repeat(10_000)}"}` },
  { kind: 'large multipart file (under 1 MiB)', contentType: 'multipart/form-data; boundary=XyZ', body: `--XyZ\r\nContent-Disposition: form-data; name="email"; filename="a.bin"\r\nContent-Type: application/octet-stream\r\n\r\n${'\u0000'.repeat(900_000)}\r\n--XyZ--\r\n` },
  { kind: 'deep json arrays (100,000)', contentType: 'application/json', body: deepArray(100_000) },
  { kind: 'deep json objects (5,000)', contentType: 'application/json', body: deepObject(5_000) },
  { kind: 'deep json (500)', contentType: 'application/json', body: deepObject(500) },
];

const malformedJson = fc.constantFrom('{', '{"a":', '{"email": "x",}', "{'a':1}", 'NaN', '\uFEFF{}', '{"a":1}{"b":2}', '\u0000', '{"a":"\\ud800"}', '{"__proto__":{"admin":true}}', '[1,2', '"unterminated', 'true', 'null', '1e999', '[]', '"a string"', '{"a":1e99999}');

const malformedUrlencoded = fc.constantFrom('%', '%zz=%%', '&&&=&=', 'a=%E0%A4%A', 'a', '=', '%00=%00', 'a=1&a=2&a[]=3&a.b=4', 'a=' + '%FF'.repeat(50), '\u0000=\u0000');

/** Multipart bodies a browser would never send. */
const malformedMultipart: fc.Arbitrary<BodyPlan> = fc.constantFrom<BodyPlan>(
  { kind: 'multipart: body without its boundary', contentType: 'multipart/form-data; boundary=XyZ', body: 'garbage' },
  { kind: 'multipart: no boundary parameter', contentType: 'multipart/form-data', body: '--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--XyZ--\r\n' },
  { kind: 'multipart: empty boundary', contentType: 'multipart/form-data; boundary=', body: '--\r\n\r\n--' },
  { kind: 'multipart: missing closing boundary', contentType: 'multipart/form-data; boundary=XyZ', body: '--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\nb' },
  { kind: 'multipart: part without headers', contentType: 'multipart/form-data; boundary=XyZ', body: '--XyZ\r\n\r\nb\r\n--XyZ--\r\n' },
  { kind: 'multipart: unterminated name', contentType: 'multipart/form-data; boundary=XyZ', body: '--XyZ\r\nContent-Disposition: form-data; name="a\r\n\r\nb\r\n--XyZ--\r\n' },
  { kind: 'multipart: empty body', contentType: 'multipart/form-data; boundary=XyZ', body: '' },
  { kind: 'multipart: boundary of 200 characters', contentType: `multipart/form-data; boundary=${'b'.repeat(200)}`, body: `--${'b'.repeat(200)}\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--${'b'.repeat(200)}--\r\n` },
  { kind: 'multipart: LF line ends', contentType: 'multipart/form-data; boundary=XyZ', body: '--XyZ\nContent-Disposition: form-data; name="a"\n\nb\n--XyZ--\n' },
  { kind: 'multipart: binary garbage', contentType: 'multipart/form-data; boundary=XyZ', body: new Uint8Array([0xff, 0xfe, 0x00, 0x2d, 0x2d, 0x58, 0x79, 0x5a, 0x0d, 0x0a, 0x80, 0x81]) },
  { kind: 'multipart: charset utf-16', contentType: 'multipart/form-data; boundary=XyZ; charset=utf-16', body: '--XyZ\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--XyZ--\r\n' },
);

/** Form encodings turn every value into text, as a browser would (arrays repeat the key). */
function formEntries(value: unknown): [string, string][] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [['value', textOf(value)]];
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (Array.isArray(v)) for (const item of v) out.push([k, textOf(item)]);
    else out.push([k, textOf(v)]);
  }
  return out;
}

export function urlencoded(value: unknown) {
  return new URLSearchParams(formEntries(value)).toString();
}

export function multipart(value: unknown, boundary = 'PortalFuzzBoundary7MA4YWxk') {
  const parts = formEntries(value).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k.replaceAll('"', '%22').replaceAll('\r', '%0D').replaceAll('\n', '%0A')}"\r\n\r\n${v}\r\n`);
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: `${parts.join('')}--${boundary}--\r\n` };
}

/** A header row of the object's keys and one row of its values (quoted when they need it). */
function csvOf(value: unknown): string {
  const entries = formEntries(value);
  const cell = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
  return `${entries.map(([k]) => cell(k)).join(',')}\n${entries.map(([, v]) => cell(v)).join(',')}\n`;
}

/** `pdf`: the bytes (or text) as application/pdf, for the bill-document upload. */
/** `xml`: Green Button (ESPI Atom) XML as application/atom+xml, for ingest; a string value is sent as it is. */
export type BodyKind = 'json' | 'form' | 'text' | 'csv' | 'pdf' | 'xml';

/** A value that is not already XML, as an XML document carrying it (escaped). */
function xmlOf(value: unknown): string {
  const text = (JSON.stringify(value) ?? '').replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!);
  return `<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>${text}</title></feed>`;
}

/**
 * Every body a client can send to a route that reads `kinds`: the schema's values (valid-ish or
 * near misses) in each encoding the route accepts and in the ones it does not, malformed bodies of
 * each type, wrong and missing content types, deep and huge bodies.
 */
export function bodies(values: fc.Arbitrary<unknown>, kinds: BodyKind[]): fc.Arbitrary<BodyPlan> {
  const asJson = values.map((v): BodyPlan => ({ kind: 'json', contentType: 'application/json', body: JSON.stringify(v) ?? 'null' }));
  const asForm = values.map((v): BodyPlan => ({ kind: 'urlencoded', contentType: 'application/x-www-form-urlencoded', body: urlencoded(v) }));
  const asMultipart = values.map((v): BodyPlan => ({ kind: 'multipart', ...multipart(v) }));
  const asText = values.map((v): BodyPlan => ({ kind: 'text/plain json', contentType: 'text/plain;charset=UTF-8', body: JSON.stringify(v) ?? '' }));
  const asCsv = values.map((v): BodyPlan => ({ kind: 'csv', contentType: 'text/csv', body: typeof v === 'string' ? v : csvOf(v) }));
  const asXml = values.map((v): BodyPlan => ({ kind: 'xml', contentType: 'application/atom+xml', body: typeof v === 'string' ? v : xmlOf(v) }));
  const asPdf = values.map((v): BodyPlan => ({ kind: 'pdf', contentType: 'application/pdf', body: v instanceof Uint8Array ? (v as Uint8Array<ArrayBuffer>) : textOf(v) }));
  const accepted: fc.Arbitrary<BodyPlan>[] = [];
  if (kinds.includes('pdf')) accepted.push(asPdf);
  if (kinds.includes('csv')) accepted.push(asCsv);
  if (kinds.includes('xml')) accepted.push(asXml);
  if (kinds.includes('json')) accepted.push(asJson);
  if (kinds.includes('form')) accepted.push(asForm, asMultipart);
  if (kinds.includes('text')) accepted.push(asText);
  const wrongContentType = fc.tuple(values, fc.constantFrom(null, 'text/xml', 'application/octet-stream', 'application/json; charset=utf-16', 'APPLICATION/JSON', 'application/jsonx', 'text/html', 'application/x-www-form-urlencoded; charset=latin1', '*/*', ';;;', 'multipart/mixed; boundary=XyZ')).map(
    ([v, type]): BodyPlan => ({ kind: `body typed ${type ?? 'nothing'}`, contentType: type, body: type?.includes('urlencoded') ? urlencoded(v) : JSON.stringify(v) ?? '' }),
  );
  return fc.oneof(
    ...accepted.map((arbitrary) => ({ weight: Math.ceil(12 / accepted.length), arbitrary })),
    { weight: 2, arbitrary: fc.oneof(asJson, asForm, asMultipart, asText) },
    { weight: 2, arbitrary: wrongContentType },
    { weight: 2, arbitrary: malformedJson.map((body): BodyPlan => ({ kind: 'malformed json', contentType: 'application/json', body })) },
    { weight: 1, arbitrary: malformedUrlencoded.map((body): BodyPlan => ({ kind: 'malformed urlencoded', contentType: 'application/x-www-form-urlencoded', body })) },
    { weight: 2, arbitrary: malformedMultipart },
    { weight: 1, arbitrary: fc.constant<BodyPlan>({ kind: 'no body', contentType: null, body: null }) },
    { weight: 1, arbitrary: fc.constantFrom(...bigBodies) },
  );
}

// ---- query strings and path segments ----------------------------------------------------------

/** A query string from a valid-ish or near-miss object, or raw junk. */
export function queries(values: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: values.map((v) => urlencoded(v)) },
    { weight: 1, arbitrary: malformedUrlencoded },
    { weight: 1, arbitrary: fc.dictionary(extraKey, oddString, { maxKeys: 4 }).map((d) => urlencoded(d)) },
    { weight: 1, arbitrary: fc.constantFrom('', `q=${'x'.repeat(40_000)}`, Array.from({ length: 2_000 }, (_, i) => `k${i}=${i}`).join('&')) },
  );
}

/** Lone surrogates cannot be percent-encoded; a browser would send U+FFFD in their place. */
export const wellFormed = (s: string) => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
const encode = (s: string) => encodeURIComponent(wellFormed(s));

/** A path segment: usually an id the world holds, else something odd (already percent-encoded). */
export function segment(known: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: known.map(encode) },
    { weight: 2, arbitrary: oddString.filter((s) => s.length > 0).map(encode) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%E0%A4%A', '..', '%2e%2e', '%2F', 'a%00b', 'x'.repeat(5_000), '%F0%9F%92%A7') },
  );
}
