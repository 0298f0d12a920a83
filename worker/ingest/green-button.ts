/**
 * Green Button (NAESB REQ.21 ESPI) ingest: an Atom feed as a meter-data system exports it for
 * Download My Data — UsagePoint, MeterReading, ReadingType, IntervalBlock/IntervalReading and
 * LocalTimeParameters entries — turned into the same `reads` rows a JSON or CSV batch carries, so
 * validation, idempotence, the transaction and everything downstream are the JSON path's own.
 *
 * XML is read as a stream of events by saxes (Workers have no DOM): namespaces are resolved, so a
 * resource in another namespace is refused rather than guessed at; a DOCTYPE is refused, so no
 * entity is ever expanded.
 *
 * How entries relate: by the ESPI resource paths of their links, as ESPI lays them out —
 * `…/UsagePoint/{id}`, `…/UsagePoint/{id}/MeterReading/{id}`, `…/MeterReading/{id}/IntervalBlock/{id}`;
 * a MeterReading's `related` link names its ReadingType, a UsagePoint's its LocalTimeParameters.
 * Which portal meter a UsagePoint is: `?meterId=` when the file holds one UsagePoint, else the
 * UsagePoint's `serviceDeliveryPoint/name`, which must be the meter's id.
 */
import { SaxesParser, type SaxesTagNS } from 'saxes';
import type { FieldProblem } from '../http/errors';
import { offsetMs } from '../usage/time';
import { conversionFactor, isUnitOf, type DisplayUnit, type MeterKind } from '../usage/units';

export const ATOM_NS = 'http://www.w3.org/2005/Atom';
export const ESPI_NS = 'http://naesb.org/espi';

/** Content types a Green Button file is sent as. */
export const greenButtonTypes = ['application/atom+xml', 'application/xml', 'text/xml'] as const;
export const isGreenButtonType = (contentType: string | undefined) => (greenButtonTypes as readonly string[]).includes((contentType ?? '').split(';')[0]!.trim().toLowerCase());

/**
 * A 13-month file of one 15-minute meter is about 38,000 IntervalReadings, some 6 to 10 MB as
 * exporters write it; the batch's 100,000-row cap is near 16 MiB. Over the API's general 1 MiB, so
 * the ingest route sets this limit itself for XML (worker/index.ts lets it).
 */
export const MAX_GREEN_BUTTON_BYTES = 16 * 1024 * 1024;
export const isGreenButtonUpload = (path: string, contentType: string | undefined) => path === '/api/ingest/batches' && isGreenButtonType(contentType);

/** ESPI UnitSymbolKind codes we read (usage.xsd): the unit and the factor into it. */
const uoms: Record<string, { unit: DisplayUnit; name: string; exponent: number }> = {
  '72': { unit: 'kWh', name: 'Wh', exponent: -3 },
  '128': { unit: 'gal', name: 'US gallons', exponent: 0 },
  '42': { unit: 'm3', name: 'm³', exponent: 0 },
  '119': { unit: 'ccf', name: 'ft³', exponent: -2 },
  '169': { unit: 'therm', name: 'therms', exponent: 0 },
};
/** UnitMultiplierKind: the powers of ten ESPI allows. */
const multipliers = new Set([-12, -9, -6, -3, -2, -1, 0, 1, 2, 3, 6, 9, 12]);
/** QualityOfReading codes that mean an estimate: reference day, linear interpolation, projected, mixed. */
const estimatedQualities = new Set(['8', '9', '12', '13']);
/** ServiceKind (ServiceCategory/kind) per meter kind. */
const serviceKinds: Record<MeterKind, string> = { electric: '0', gas: '1', water: '2' };
const MAX_INT48 = 2 ** 47;

type Resource = { kind: ResourceKind; line: number; fields: Map<string, string>; readings: Reading[] };
type Reading = { line: number; fields: Map<string, string> };
type Entry = { line: number; self?: string; up?: string; related: string[]; resources: Resource[] };
const resourceKinds = ['UsagePoint', 'MeterReading', 'ReadingType', 'IntervalBlock', 'LocalTimeParameters'] as const;
type ResourceKind = (typeof resourceKinds)[number];

export class GreenButtonError extends Error {
  constructor(readonly problems: FieldProblem[]) {
    super(problems[0]?.message ?? 'not a Green Button file');
  }
}

/** Reads the feed's entries and the ESPI resources we use; throws GreenButtonError for XML that is not well-formed or not an Atom feed. */
export function readFeed(text: string): Entry[] {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const entries: Entry[] = [];
  const stack: SaxesTagNS[] = [];
  let entry: Entry | null = null;
  let contentDepth = -1;
  let resource: Resource | null = null;
  let resourceDepth = -1;
  let reading: Reading | null = null;
  let readingDepth = -1;
  /** Local names of ESPI elements below the resource (or reading), and whether each has child elements. */
  const path: string[] = [];
  let buffer = '';
  let leaf = true;
  const fail = (message: string, field = '(body)'): never => {
    throw new GreenButtonError([{ field: `${field} (line ${parser.line})`, message }]);
  };
  parser.on('error', (e) => fail(`is not well-formed XML: ${e.message.replace(/^[^:]*:\d+:\d+: /, '')}`));
  parser.on('doctype', () => fail('must not have a DOCTYPE'));
  parser.on('xmldecl', (d) => {
    if (d.encoding && !/^(utf-8|us-ascii)$/i.test(d.encoding)) fail(`is declared as ${d.encoding}; send UTF-8`);
  });
  parser.on('opentag', (tag) => {
    const depth = stack.length;
    stack.push(tag);
    if (depth === 0) {
      if (tag.local !== 'feed' || tag.uri !== ATOM_NS) fail(`must be an Atom feed: the root element is ${tag.local} in ${tag.uri ? `namespace ${tag.uri}` : 'no namespace'}, not feed in ${ATOM_NS}`, 'feed');
      return;
    }
    if (depth === 1 && tag.uri === ATOM_NS && tag.local === 'entry') {
      entry = { line: parser.line, related: [], resources: [] };
      entries.push(entry);
      return;
    }
    if (!entry) return;
    if (depth === 2 && tag.uri === ATOM_NS && tag.local === 'link') {
      const rel = tag.attributes['rel']?.value ?? 'alternate';
      const href = (tag.attributes['href']?.value ?? '').trim().replace(/\/+$/, '');
      if (rel === 'self') entry.self = href;
      else if (rel === 'up') entry.up = href;
      else if (rel === 'related') entry.related.push(href);
      return;
    }
    if (depth === 2 && tag.uri === ATOM_NS && tag.local === 'content') {
      contentDepth = depth;
      return;
    }
    if (depth === contentDepth + 1 && contentDepth >= 0) {
      if ((resourceKinds as readonly string[]).includes(tag.local)) {
        if (tag.uri !== ESPI_NS) fail(`is in ${tag.uri ? `namespace ${tag.uri}` : 'no namespace'}; ESPI resources are in ${ESPI_NS}`, tag.local);
        resource = { kind: tag.local as ResourceKind, line: parser.line, fields: new Map(), readings: [] };
        resourceDepth = depth;
        entry.resources.push(resource);
      }
      return;
    }
    if (!resource || tag.uri !== ESPI_NS) return;
    leaf = true;
    if (resource.kind === 'IntervalBlock' && depth === resourceDepth + 1 && tag.local === 'IntervalReading') {
      reading = { line: parser.line, fields: new Map() };
      readingDepth = depth;
      resource.readings.push(reading);
      path.length = 0;
      return;
    }
    path.push(tag.local);
    buffer = '';
  });
  parser.on('text', (t) => {
    if (resource) buffer += t;
  });
  parser.on('cdata', (t) => {
    if (resource) buffer += t;
  });
  parser.on('closetag', (tag) => {
    const depth = stack.length - 1;
    stack.pop();
    if (depth === 1 && entry && tag.local === 'entry' && tag.uri === ATOM_NS) {
      entry = null;
      return;
    }
    if (depth === contentDepth) {
      contentDepth = -1;
      return;
    }
    if (resource && depth === resourceDepth) {
      resource = null;
      resourceDepth = -1;
      return;
    }
    if (reading && depth === readingDepth) {
      reading = null;
      readingDepth = -1;
      path.length = 0;
      return;
    }
    if (!resource || tag.uri !== ESPI_NS || path.length === 0) return;
    const key = path.join('/');
    const fields = reading ? reading.fields : resource.fields;
    if (leaf && !fields.has(key)) fields.set(key, buffer.trim());
    path.pop();
    leaf = false;
    buffer = '';
  });
  parser.write(text).close();
  if (stack.length > 0) fail('is not well-formed XML: an element is not closed');
  return entries;
}

export type MeterFacts = { id: string; kind: MeterKind; unit: string; intervalMinutes: number };
export type GreenButtonReads = {
  /** One read row per IntervalReading, in file order: `reads[i]` of the batch's report is the i-th IntervalReading. */
  reads: { meterId: string; start: string; value: number | null; quality: 'actual' | 'estimated' | 'missing' }[];
  /** The line each IntervalReading starts on, for the report. */
  lines: number[];
};

/** How the report names a place in the file, as CSV rows are named: `ReadingType.uom (line 12)`. */
const at = (kind: string, line: number, field?: string) => `${kind}${field ? `.${field}` : ''} (line ${line})`;
const stripTail = (href: string, pattern: RegExp) => href.replace(pattern, '');

/**
 * Maps the feed's IntervalReadings to read rows of the meters they belong to. Every problem is
 * collected; if there is any, GreenButtonError carries them all and nothing is returned.
 */
export async function greenButtonReads(
  text: string,
  options: { meterId?: string; timeZone: string; lookUpMeters: (ids: string[]) => Promise<Map<string, MeterFacts>> },
): Promise<GreenButtonReads> {
  const entries = readFeed(text);
  const problems: FieldProblem[] = [];
  const problem = (field: string, message: string) => problems.push({ field, message });
  const byKind = (kind: ResourceKind) => entries.flatMap((e) => e.resources.filter((r) => r.kind === kind).map((r) => ({ entry: e, resource: r })));

  const usagePoints = byKind('UsagePoint');
  if (usagePoints.length === 0) problem('UsagePoint', 'the feed has no UsagePoint entry');
  if (options.meterId && usagePoints.length > 1) problem('meterId', `names one meter but the feed has ${usagePoints.length} UsagePoints; name each by its serviceDeliveryPoint/name instead`);
  // Which meter each UsagePoint is.
  const pointMeter = new Map<string, { meterId: string; line: number; serviceKind?: string; ltp?: string }>();
  for (const { entry, resource } of usagePoints) {
    if (!entry.self) {
      problem(at('UsagePoint', resource.line), 'its entry has no link rel="self" to relate its MeterReadings by');
      continue;
    }
    const meterId = options.meterId ?? resource.fields.get('serviceDeliveryPoint/name');
    if (!meterId) {
      problem(at('UsagePoint', resource.line, 'serviceDeliveryPoint.name'), "is missing: it must be the portal's meter id (or send a file of one UsagePoint with ?meterId=)");
      continue;
    }
    pointMeter.set(entry.self, { meterId, line: resource.line, serviceKind: resource.fields.get('ServiceCategory/kind'), ltp: entry.related.find((h) => /\/LocalTimeParameters(\/|$)/.test(h)) });
  }
  const meters = pointMeter.size ? await options.lookUpMeters([...new Set([...pointMeter.values()].map((p) => p.meterId))]) : new Map<string, MeterFacts>();
  for (const [, p] of pointMeter) {
    const meter = meters.get(p.meterId);
    if (!meter) problem(at('UsagePoint', p.line, options.meterId ? undefined : 'serviceDeliveryPoint.name'), `names no known meter of your utility (${p.meterId}): send the meter first in a JSON or CSV batch`);
    else if (p.serviceKind !== undefined && p.serviceKind !== serviceKinds[meter.kind]) problem(at('UsagePoint', p.line, 'ServiceCategory.kind'), `is ${p.serviceKind} but meter ${meter.id} is a ${meter.kind} meter (${serviceKinds[meter.kind]})`);
  }

  // Local time: the readings are UTC, but a file made for another zone shows its producer computed them wrongly.
  const ltps = new Map(byKind('LocalTimeParameters').map(({ entry, resource }) => [entry.self ?? '', resource]));
  // Offsets of the year the readings are in (the first reading's), else this year.
  const firstStart = Number(byKind('IntervalBlock')[0]?.resource.readings[0]?.fields.get('timePeriod/start'));
  const year = new Date(Number.isSafeInteger(firstStart) && firstStart > 0 ? firstStart * 1000 : Date.now()).getUTCFullYear();
  const jan = offsetMs(Date.UTC(year, 0, 15), options.timeZone) / 1000;
  const jul = offsetMs(Date.UTC(year, 6, 15), options.timeZone) / 1000;
  const zone = { standard: Math.min(jan, jul), dst: Math.abs(jul - jan) };
  for (const [, resource] of ltps) {
    for (const [field, expected] of [['tzOffset', zone.standard], ['dstOffset', zone.dst]] as const) {
      const raw = resource.fields.get(field);
      if (raw === undefined) continue;
      if (!/^-?\d+$/.test(raw)) problem(at('LocalTimeParameters', resource.line, field), 'must be a whole number of seconds');
      else if (Number(raw) !== expected) problem(at('LocalTimeParameters', resource.line, field), `is ${raw} s but the utility's time zone (${options.timeZone}) has ${expected} s: this file was made for another time zone`);
    }
  }

  // ReadingTypes, checked against the meter of each MeterReading that uses them.
  const readingTypes = new Map(byKind('ReadingType').map(({ entry, resource }) => [entry.self ?? '', resource]));
  type Plan = { meter: MeterFacts; exponent: number; factor: number; defaultQuality?: string; durations: Set<number> };
  const meterReadings = new Map<string, Plan | null>();
  for (const { entry, resource } of byKind('MeterReading')) {
    const self = entry.self ?? '';
    const pointHref = stripTail(self, /\/MeterReading(\/[^/]*)?$/);
    const point = pointMeter.get(pointHref);
    const meter = point && meters.get(point.meterId);
    meterReadings.set(self, null);
    if (!self || !point) {
      if (!self || !usagePoints.some((u) => u.entry.self === pointHref)) problem(at('MeterReading', resource.line), 'belongs to no UsagePoint of this feed (its self link must be …/UsagePoint/{id}/MeterReading/{id})');
      continue;
    }
    if (!meter) continue;
    const rtHref = entry.related.find((h) => /\/ReadingType(\/|$)/.test(h));
    const rt = rtHref !== undefined ? readingTypes.get(rtHref) : undefined;
    if (!rt) {
      problem(at('MeterReading', resource.line), 'has no ReadingType in this feed (a link rel="related" to …/ReadingType/{id})');
      continue;
    }
    const field = (name: string) => rt.fields.get(name);
    const bad = (name: string, message: string) => problem(at('ReadingType', rt.line, name), message);
    const uomCode = field('uom');
    const uom = uomCode === undefined ? undefined : uoms[uomCode];
    const power = Number(field('powerOfTenMultiplier') ?? '0');
    const interval = field('intervalLength');
    const accumulation = field('accumulationBehaviour');
    const flow = field('flowDirection');
    let ok = true;
    if (uomCode === undefined) (bad('uom', 'is missing'), (ok = false));
    else if (!uom) (bad('uom', `${uomCode} is not a unit we read: Wh (72), US gallons (128), m³ (42), ft³ (119) or therms (169)`), (ok = false));
    else if (!isUnitOf(meter.kind, uom.unit)) (bad('uom', `${uomCode} (${uom.name}) is not a unit of ${meter.kind} meter ${meter.id}, which reads in ${meter.unit}`), (ok = false));
    if (!/^-?\d+$/.test(field('powerOfTenMultiplier') ?? '0') || !multipliers.has(power)) (bad('powerOfTenMultiplier', 'must be one of ESPI\'s powers of ten: -12, -9, -6, -3, -2, -1, 0, 1, 2, 3, 6, 9, 12'), (ok = false));
    if (interval === undefined) (bad('intervalLength', 'is missing'), (ok = false));
    else if (interval !== String(meter.intervalMinutes * 60)) (bad('intervalLength', `is ${interval} s but meter ${meter.id} reads every ${meter.intervalMinutes} minutes (${meter.intervalMinutes * 60} s)`), (ok = false));
    if (accumulation !== undefined && accumulation !== '4') (bad('accumulationBehaviour', `is ${accumulation}; only deltaData (4), the use within each interval, is read (not register readings)`), (ok = false));
    if (flow !== undefined && flow !== '1') (bad('flowDirection', `is ${flow}; only forward flow (1), delivered to the customer, is read`), (ok = false));
    if (!ok || !uom) continue;
    const factor = conversionFactor(meter.kind, uom.unit, meter.unit as DisplayUnit);
    const ms = meter.intervalMinutes * 60;
    // A daily read of a DST day lasts 23 or 25 hours.
    const durations = new Set(meter.intervalMinutes === 1440 ? [ms - 3600, ms, ms + 3600] : [ms]);
    meterReadings.set(self, { meter, exponent: power + uom.exponent, factor, defaultQuality: field('defaultQuality'), durations });
  }

  const out: GreenButtonReads = { reads: [], lines: [] };
  for (const { entry, resource } of byKind('IntervalBlock')) {
    const mrHref = entry.up ? stripTail(entry.up, /\/IntervalBlock$/) : stripTail(entry.self ?? '', /\/IntervalBlock(\/[^/]*)?$/);
    const plan = meterReadings.get(mrHref);
    if (plan === undefined) problem(at('IntervalBlock', resource.line), 'belongs to no MeterReading of this feed (its links must be …/MeterReading/{id}/IntervalBlock…)');
    for (const r of resource.readings) {
      const index = out.reads.length;
      const where = (field: string) => `reads[${index}].${field} (line ${r.line})`;
      const start = r.fields.get('timePeriod/start');
      const duration = r.fields.get('timePeriod/duration');
      const value = r.fields.get('value');
      out.lines.push(r.line);
      if (!plan) {
        out.reads.push({ meterId: '', start: '', value: null, quality: 'missing' });
        continue;
      }
      let ok = true;
      if (start === undefined || !/^\d{1,11}$/.test(start)) (problem(where('timePeriod.start'), 'must be the interval start in whole Unix seconds'), (ok = false));
      if (duration === undefined || !/^\d{1,6}$/.test(duration)) (problem(where('timePeriod.duration'), 'must be the interval length in whole seconds'), (ok = false));
      else if (!plan.durations.has(Number(duration))) (problem(where('timePeriod.duration'), `is ${duration} s but meter ${plan.meter.id} reads every ${plan.meter.intervalMinutes * 60} s`), (ok = false));
      if (value !== undefined && (!/^-?\d{1,15}$/.test(value) || Math.abs(Number(value)) >= MAX_INT48)) (problem(where('value'), 'must be a whole number (Int48) scaled by the ReadingType'), (ok = false));
      const quality = r.fields.get('ReadingQuality/quality') ?? plan.defaultQuality;
      const read = {
        meterId: plan.meter.id,
        start: ok ? new Date(Number(start) * 1000).toISOString() : '',
        value: ok && value !== undefined ? scaled(Number(value), plan.exponent, plan.factor) : null,
        quality: value === undefined ? ('missing' as const) : quality !== undefined && estimatedQualities.has(quality) ? ('estimated' as const) : ('actual' as const),
      };
      out.reads.push(read);
    }
  }
  if (out.reads.length === 0 && problems.length === 0) problem('IntervalBlock', 'the feed has no IntervalReading');
  if (problems.length) throw new GreenButtonError(problems);
  return out;
}

/** value × 10^exponent in the meter's unit: divide by an exact power of ten, so 123 × 10^-2 is 1.23 and not 1.2300000000000002. */
function scaled(raw: number, exponent: number, factor: number) {
  const v = exponent < 0 ? raw / 10 ** -exponent : raw * 10 ** exponent;
  return factor === 1 ? v : Math.round(v * factor * 1e6) / 1e6;
}

/** The meters of a utility among `ids`, with what a ReadingType must match. */
export async function utilityMeters(db: D1Database, utilityId: string, ids: string[]): Promise<Map<string, MeterFacts>> {
  const { results } = await db
    .prepare(
      `SELECT m.id, m.kind, m.unit, m.interval_minutes AS intervalMinutes FROM meters m JOIN service_points sp ON sp.id = m.service_point_id JOIN accounts a ON a.id = sp.account_id
       WHERE a.utility_id = ?2 AND m.id IN (SELECT value FROM json_each(?1))`,
    )
    .bind(JSON.stringify(ids), utilityId)
    .all<MeterFacts>();
  return new Map(results.map((m) => [m.id, m]));
}
