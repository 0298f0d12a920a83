/**
 * Two years of demo meter reads, generated deterministically from a seed: hourly water for every
 * demo meter (daily and weekly rhythm, summer irrigation, vacations, a few continuous-flow leaks,
 * the odd missing or estimated read) and 15-minute electricity where an account has it.
 * Output is a few large statements each binding one JSON parameter (see usageInsertParams).
 */
import { exportJWK, generateKeyPair } from 'jose';
import { addDays, daySlots, eachDay, slotStart, wallTime } from '../../worker/usage/time';
import { alderCreek as utility } from '../../worker/tenants/profiles';
import type { DemoAccount } from './customers';
import { DEMO_MOVE } from './move';
import { seededRandom, type Random } from './random';

/** The demo's reads cover these local days: two full years before DEMO_TODAY (2026-11-24). */
export const USAGE_FIRST_DAY = '2024-11-24';
export const USAGE_LAST_DAY = '2026-11-23';

export type DemoMeter = DemoAccount['meters'][number] & {
  accountIndex: number;
  serviceArea: string;
  /** After a move (move.ts), another household's habits from the move-in day on. */
  newHousehold?: { from: string; accountIndex: number };
};

export type GeneratedDay = { day: string; vals: (number | null)[]; quality: string };

/** Per-slot local hour (0–23) and weekday for each day, shared by every meter of an interval. */
type DayShape = { day: string; count: number; hours: Uint8Array; weekday: number; dayOfYear: number };
const shapeCache = new Map<string, DayShape>();
function dayShape(day: string, intervalMinutes: number): DayShape {
  const key = `${day}/${intervalMinutes}`;
  let s = shapeCache.get(key);
  if (!s) {
    const slots = daySlots(day, utility.timeZone, intervalMinutes);
    const hours = new Uint8Array(slots.count);
    const ordinary = slots.end - slots.start === 86_400_000;
    for (let i = 0; i < slots.count; i++) hours[i] = ordinary ? Math.floor((i * intervalMinutes) / 60) : wallTime(slotStart(slots, i), utility.timeZone).hour;
    const date = new Date(`${day}T12:00:00Z`);
    const dayOfYear = Math.floor((date.getTime() - Date.UTC(date.getUTCFullYear(), 0, 1)) / 86_400_000);
    s = { day, count: slots.count, hours, weekday: date.getUTCDay(), dayOfYear };
    shapeCache.set(key, s);
  }
  return s;
}

// Indoor water by local hour (relative): quiet nights (most homes use nothing at all between 1
// and 5 a.m. on most nights), a morning peak, an evening shoulder.
const waterWeekday = [0.25, 0.06, 0.03, 0.03, 0.08, 0.9, 2.6, 3.2, 2.4, 1.4, 1.0, 0.9, 1.0, 0.9, 0.8, 0.9, 1.2, 1.8, 2.3, 2.1, 1.8, 1.5, 1.0, 0.5];
const waterWeekend = [0.35, 0.08, 0.03, 0.03, 0.04, 0.2, 0.6, 1.4, 2.4, 2.8, 2.5, 1.9, 1.6, 1.4, 1.2, 1.2, 1.4, 1.8, 2.2, 2.0, 1.7, 1.5, 1.1, 0.6];
const norm = (a: number[]) => {
  const s = a.reduce((x, y) => x + y, 0);
  return a.map((v) => v / s);
};
const waterWeekdayN = norm(waterWeekday);
const waterWeekendN = norm(waterWeekend);
// Electricity by local hour (kW, before scaling): base load, morning and evening peaks.
const powerShape = [0.5, 0.45, 0.42, 0.42, 0.45, 0.6, 0.95, 1.15, 0.9, 0.7, 0.65, 0.65, 0.7, 0.7, 0.75, 0.85, 1.05, 1.45, 1.75, 1.7, 1.5, 1.2, 0.9, 0.65];

/** Summer weight 0..1: irrigation and air-conditioning season (April to October, highest in July). */
function summer(dayOfYear: number) {
  return Math.max(0, Math.sin((Math.PI * (dayOfYear - 85)) / 215)) ** 1.5;
}

/** Shared weather: a smooth day-to-day warmth factor (~0.8–1.25), the same for every home. */
const weather = (() => {
  const r = seededRandom(4242);
  const map = new Map<string, number>();
  let w = 0;
  for (const d of eachDay(addDays(USAGE_FIRST_DAY, -400), USAGE_LAST_DAY)) {
    w = 0.8 * w + 0.2 * r.normal();
    map.set(d, 1 + 0.12 * w);
  }
  return map;
})();

type Household = {
  occupants: number;
  indoorPerPerson: number;
  irrigates: boolean;
  irrigationDays: Set<number>;
  irrigationHour: number;
  irrigationGallons: number;
  laundryDay: number;
  vacations: { from: string; to: string }[];
  leak: { from: string; to: string; galPerHour: number } | null;
  /** Out at work or school on weekdays from 9 to 4: hours with no water at all, as real meters show. */
  worksAway: boolean;
  /** Injected: a toilet flapper that sticks on some nights and runs until someone jiggles it in the morning. */
  intermittent: { from: string; to: string; galPerHour: number; stickChance: number; startHour: number; stopHour: number } | null;
  /** Injected: a garden hose left running for some hours on one day. */
  hose: { day: string; fromHour: number; hours: number; galPerHour: number } | null;
  /** Injected (electricity): a space heater or a failing appliance running for days. */
  heater: { from: string; to: string; kw: number } | null;
  estimatedDays: Set<string>;
  outage: { day: string; fromSlot: number; slots: number } | null;
  baseKw: number;
  acKw: number;
};

function household(meterIndex: number, serviceArea: string, days: string[], seed: number): Household {
  const r = seededRandom(seed ^ (meterIndex * 2654435761));
  const occupants = r.pick([1, 1, 2, 2, 2, 3, 3, 4, 4, 5]);
  const irrigates = r.chance(serviceArea.startsWith('Bramble') ? 0.85 : 0.6);
  const irrigationDays = new Set(r.pick([[1, 4], [2, 5], [0, 3], [1, 3, 5], [2, 4, 6]]));
  const vacations: Household['vacations'] = [];
  for (let y = 0; y < 2; y++) {
    if (r.chance(0.85)) {
      const start = days[Math.min(days.length - 20, y * 365 + r.int(150, 260))]!;
      vacations.push({ from: start, to: addDays(start, r.int(4, 13)) });
    }
    if (r.chance(0.35)) {
      const start = days[Math.min(days.length - 20, y * 365 + r.int(20, 40))]!;
      vacations.push({ from: start, to: addDays(start, r.int(3, 7)) });
    }
  }
  // About one home in 25 has a continuous-flow leak at some point; some still run today.
  let leak: Household['leak'] = null;
  if (r.chance(0.04)) {
    const start = days[r.int(60, days.length - 15)]!;
    leak = { from: start, to: addDays(start, r.chance(0.4) ? 400 : r.int(8, 90)), galPerHour: Math.round((0.6 + r.next() * 5) * 10) / 10 };
  }
  const estimatedDays = new Set<string>();
  for (let i = 0; i < r.int(0, 4); i++) estimatedDays.add(days[r.int(0, days.length - 1)]!);
  const outage = r.chance(0.5) ? { day: days[r.int(0, days.length - 1)]!, fromSlot: r.int(0, 14), slots: r.int(1, 9) } : null;
  const indoorPerPerson = 42 + r.next() * 30;
  const irrigationHour = r.pick([4, 5, 5, 6, 21]);
  const irrigationGallons = (serviceArea.startsWith('Bramble') ? 1.4 : 1) * (140 + r.next() * 260);
  const laundryDay = r.int(0, 6);
  const baseKw = 0.25 + r.next() * 0.35;
  const acKw = r.chance(0.75) ? 1.2 + r.next() * 2.2 : 0;
  // Injected episodes (demoInjectedEpisodes lists them): drawn after everything above, so the rest of a household stays as it was.
  const worksAway = r.chance(0.6);
  let intermittent: Household['intermittent'] = null;
  if (r.chance(0.05) || meterIndex === DEMO_LEAKY_ACCOUNT_INDEX) {
    const start = meterIndex === DEMO_LEAKY_ACCOUNT_INDEX ? '2026-09-08' : days[r.int(90, days.length - 20)]!;
    intermittent = { from: start, to: meterIndex === DEMO_LEAKY_ACCOUNT_INDEX ? '2026-09-30' : addDays(start, r.int(14, 60)), galPerHour: Math.round((1.2 + r.next() * 2.8) * 10) / 10, stickChance: 0.5 + r.next() * 0.3, startHour: r.pick([22, 23, 0]), stopHour: r.pick([6, 7, 7, 8]) };
  }
  let hose: Household['hose'] = null;
  if (r.chance(0.03) || meterIndex === DEMO_LEAKY_ACCOUNT_INDEX) {
    hose = { day: meterIndex === DEMO_LEAKY_ACCOUNT_INDEX ? '2026-07-04' : days[r.int(60, days.length - 5)]!, fromHour: r.int(9, 17), hours: r.int(3, 7), galPerHour: Math.round(150 + r.next() * 150) };
  }
  let heater: Household['heater'] = null;
  if (r.chance(0.08)) {
    const start = days[r.int(60, days.length - 12)]!;
    heater = { from: start, to: addDays(start, r.int(4, 10)), kw: Math.round((1.2 + r.next() * 0.6) * 10) / 10 };
  }
  return {
    occupants,
    indoorPerPerson,
    irrigates,
    irrigationDays,
    irrigationHour,
    irrigationGallons,
    laundryDay,
    vacations,
    leak: meterIndex === DEMO_LEAKY_ACCOUNT_INDEX ? null : leak,
    worksAway,
    intermittent,
    hose,
    heater,
    estimatedDays,
    outage,
    baseKw,
    acKw,
  };
}

const demoCalendar = eachDay(USAGE_FIRST_DAY, USAGE_LAST_DAY);

/** Gallons of one indoor water event (a flush, a few minutes of tap). */
const WATER_EVENT_GAL = 2.5;

/** The demo customer (acct-0001) had a sticking toilet flapper in September 2026 and left a hose on on 4 July 2026. */
export const DEMO_LEAKY_ACCOUNT_INDEX = 1;

/** A stable 0..1 number per household and night, so the night a flapper sticks is the same whichever days are generated. */
function nightChance(accountIndex: number, night: string) {
  let x = (accountIndex * 2654435761) ^ Number(night.replaceAll('-', ''));
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  return ((x ^ (x >>> 16)) >>> 0) / 4294967296;
}

export type InjectedEpisode = {
  meterId: string;
  accountIndex: number;
  kind: 'continuous_leak' | 'intermittent_leak' | 'high_use';
  /** First and last local day of the episode (clipped to the demo calendar). */
  from: string;
  to: string;
  what: string;
};

/**
 * Every episode the demo generator put into the reads, for the bench and the tests to score
 * detection against: continuous leaks (about one home in 25), intermittent leaks (a flapper that
 * sticks on some nights, one home in 20), a hose left running (one home in 33), and for
 * electricity a heater left on for days (one electric home in 12). A move hands a meter to a new
 * household; its injected episodes are listed for the days of the household that had them.
 */
export function demoInjectedEpisodes(meters: DemoMeter[], seed: number): InjectedEpisode[] {
  const out: InjectedEpisode[] = [];
  const clip = (d: string) => (d > USAGE_LAST_DAY ? USAGE_LAST_DAY : d < USAGE_FIRST_DAY ? USAGE_FIRST_DAY : d);
  for (const m of meters) {
    const phases = m.newHousehold
      ? [{ index: m.accountIndex, from: USAGE_FIRST_DAY, to: addDays(m.newHousehold.from, -1) }, { index: m.newHousehold.accountIndex, from: m.newHousehold.from, to: USAGE_LAST_DAY }]
      : [{ index: m.accountIndex, from: USAGE_FIRST_DAY, to: USAGE_LAST_DAY }];
    for (const phase of phases) {
      const h = household(phase.index, m.serviceArea, demoCalendar, seed);
      const add = (kind: InjectedEpisode['kind'], from: string, to: string, what: string) => {
        const a = clip(from) < phase.from ? phase.from : clip(from);
        const b = clip(to) > phase.to ? phase.to : clip(to);
        if (a <= b) out.push({ meterId: m.id, accountIndex: phase.index, kind, from: a, to: b, what });
      };
      if (m.kind === 'water') {
        if (h.leak) add('continuous_leak', h.leak.from, h.leak.to, `${h.leak.galPerHour} gal/h, day and night`);
        if (h.intermittent) add('intermittent_leak', h.intermittent.from, h.intermittent.to, `${h.intermittent.galPerHour} gal/h on ${Math.round(h.intermittent.stickChance * 100)}% of nights, ${h.intermittent.startHour}:00 to ${h.intermittent.stopHour}:00`);
        if (h.hose) add('high_use', h.hose.day, h.hose.day, `a hose left running ${h.hose.hours} hours at ${h.hose.galPerHour} gal/h`);
      } else if (h.heater) add('high_use', h.heater.from, h.heater.to, `a ${h.heater.kw} kW heater left on`);
    }
  }
  return out;
}
const inRange = (d: string, ranges: { from: string; to: string }[]) => ranges.some((v) => d >= v.from && d <= v.to);

/** One meter's generated days. Values in the meter's unit (gallons to 0.1, kWh to 0.001). */
export function generateMeterDays(meter: { kind: 'water' | 'electric'; intervalMinutes: number; accountIndex: number; serviceArea: string }, days: string[], seed: number): GeneratedDay[] {
  // A household's habits (vacations, leaks, outages) are laid out on the demo calendar, whatever days are asked for.
  const h = household(meter.accountIndex, meter.serviceArea, demoCalendar, seed);
  const r: Random = seededRandom((seed + meter.accountIndex * 7919 + (meter.kind === 'electric' ? 104729 : 0)) >>> 0);
  const out: GeneratedDay[] = [];
  for (const day of days) {
    const s = dayShape(day, meter.intervalMinutes);
    const away = inRange(day, h.vacations);
    const warmth = weather.get(day) ?? 1;
    const season = summer(s.dayOfYear) * warmth;
    const weekend = s.weekday === 0 || s.weekday === 6;
    const vals: (number | null)[] = new Array(s.count);
    let quality = '';
    const perHour = 60 / meter.intervalMinutes;
    if (meter.kind === 'water') {
      const shape = weekend ? waterWeekendN : waterWeekdayN;
      const indoorDay = away ? 1.5 : h.occupants * h.indoorPerPerson * (weekend ? 1.12 : 1) * (0.85 + 0.3 * r.next()) * (s.weekday === h.laundryDay ? 1.25 : 1);
      const irrigate = h.irrigates && h.irrigationDays.has(s.weekday) && season > 0.08 && r.chance(0.93);
      const leaking = h.leak && day >= h.leak.from && day <= h.leak.to ? h.leak.galPerHour : 0;
      const workday = h.worksAway && !weekend && !away;
      // The stuck flapper: tonight's (ending this morning) and the one starting this evening.
      const stuck = (night: string) => h.intermittent !== null && night >= h.intermittent.from && night <= h.intermittent.to && nightChance(meter.accountIndex, night) < h.intermittent.stickChance;
      const stuckThisMorning = stuck(day);
      const stuckThisEvening = h.intermittent !== null && h.intermittent.startHour > 12 && stuck(addDays(day, 1));
      const hose = h.hose && h.hose.day === day ? h.hose : null;
      for (let i = 0; i < s.count; i++) {
        const hour = s.hours[i]!;
        // Indoor water comes in events (a flush, a tap): the chance of an hour without any is
        // exp(-expected events), so quiet hours often read zero, as real hourly meters show.
        const expected = (indoorDay * shape[hour]! * (workday && hour >= 9 && hour < 16 ? 0.1 : 1)) / perHour;
        const none = Math.exp(-expected / WATER_EVENT_GAL);
        let v = r.next() < none ? 0 : (expected / (1 - none)) * (0.55 + 0.9 * r.next());
        if (irrigate && hour === h.irrigationHour) v += (h.irrigationGallons * season * (0.85 + 0.3 * r.next())) / perHour;
        v += leaking / perHour;
        if (h.intermittent && ((stuckThisMorning && hour < h.intermittent.stopHour && (h.intermittent.startHour > 12 || hour >= h.intermittent.startHour)) || (stuckThisEvening && hour >= h.intermittent.startHour))) v += h.intermittent.galPerHour / perHour;
        if (hose && hour >= hose.fromHour && hour < hose.fromHour + hose.hours) v += hose.galPerHour / perHour;
        vals[i] = Math.round(v * 10) / 10;
      }
    } else {
      const ac = h.acKw * season;
      const heat = (1 - Math.min(1, summer(s.dayOfYear) * 3)) * 0.35;
      for (let i = 0; i < s.count; i++) {
        const hour = s.hours[i]!;
        let kw = away ? h.baseKw * 0.8 : h.baseKw + powerShape[hour]! * (weekend && hour >= 9 && hour <= 16 ? 1.25 : 1) * (0.7 + 0.6 * r.next());
        if (!away && hour >= 13 && hour <= 20) kw += ac * (0.6 + 0.8 * r.next());
        if (!away && (hour >= 17 || hour <= 7)) kw += heat * r.next();
        if (h.heater && day >= h.heater.from && day <= h.heater.to) kw += h.heater.kw;
        vals[i] = Math.round((kw / perHour) * 1000) / 1000;
      }
    }
    const estimated = h.estimatedDays.has(day);
    quality = (estimated ? 'E' : 'A').repeat(s.count);
    if (h.outage && h.outage.day === day) {
      const q = quality.split('');
      for (let i = h.outage.fromSlot * perHour; i < Math.min(s.count, (h.outage.fromSlot + h.outage.slots) * perHour); i++) {
        q[i] = 'M';
        vals[i] = null;
      }
      quality = q.join('');
    }
    // A rare isolated gap: one interval never arrived.
    if (r.chance(0.004)) {
      const i = r.int(0, s.count - 1);
      vals[i] = null;
      quality = quality.slice(0, i) + '-' + quality.slice(i + 1);
    }
    out.push({ day, vals, quality });
  }
  return out;
}

/** A demo meter's days, with the new household's habits after a move. */
export function demoMeterDays(m: DemoMeter, days: string[], seed: number): GeneratedDay[] {
  if (!m.newHousehold) return generateMeterDays(m, days, seed);
  const { from, accountIndex } = m.newHousehold;
  return [...generateMeterDays(m, days.filter((d) => d < from), seed), ...generateMeterDays({ ...m, accountIndex }, days.filter((d) => d >= from), seed)];
}

/** Exact day total in the meter's unit (summing in integer tenths / thousandths avoids float drift). */
export function dayTotal(vals: (number | null)[], kind: 'water' | 'electric') {
  const f = kind === 'water' ? 10 : 1000;
  let t = 0;
  for (const v of vals) if (v !== null) t += Math.round(v * f);
  return t / f;
}

/** D1 allows a bound string of up to 2 MB; stay well under. */
const MAX_PARAM_BYTES = 1_800_000;

/** Inserts day rows given as one bound JSON array of [meter, day, [vals], quality, total, missing, estimated, areaGroup]. */
export const insertDayRowsSql = `INSERT INTO usage_days (meter_id, day, vals, quality, total, missing, estimated, peer_group, area_group)
SELECT value ->> '$[0]', value ->> '$[1]', value -> '$[2]', value ->> '$[3]', value ->> '$[4]', value ->> '$[5]', value ->> '$[6]', NULL, value ->> '$[7]' FROM json_each(?1)`;

/**
 * The demo meters' day rows as few large statements: each binds ONE JSON parameter (under D1's
 * 2 MB value limit) that the statement unpacks with json_each. Local D1 spends most of its time per
 * statement, so ~40 statements load ~275k rows far faster than ~800 100 KB multi-row INSERTs.
 * `groupId(kind, serviceArea)` gives the 'any household' comparison group id.
 */
export function* usageInsertParams(meters: DemoMeter[], groupId: (kind: string, serviceArea: string) => number, seed: number, days = eachDay(USAGE_FIRST_DAY, USAGE_LAST_DAY)) {
  let parts: string[] = [];
  let size = 2;
  let rows = 0;
  for (const m of meters) {
    const area = groupId(m.kind, m.serviceArea);
    for (const d of demoMeterDays(m, days, seed)) {
      let missing = 0;
      let estimated = 0;
      for (const q of d.quality) {
        if (q === 'M' || q === '-') missing++;
        else if (q === 'E') estimated++;
      }
      const row = `["${m.id}","${d.day}",${JSON.stringify(d.vals)},"${d.quality}",${dayTotal(d.vals, m.kind)},${missing},${estimated},${area}]`;
      if (size + row.length + 1 > MAX_PARAM_BYTES && parts.length) {
        yield { param: `[${parts.join(',')}]`, rows };
        parts = [];
        size = 2;
        rows = 0;
      }
      parts.push(row);
      size += row.length + 1;
      rows++;
    }
  }
  if (parts.length) yield { param: `[${parts.join(',')}]`, rows };
}

export const DEMO_INGEST_CLIENT_ID = 'demo-meter-data-system';

/**
 * A demo ingest client for local runs: a fresh ES256 key pair made on this machine. The public key
 * is registered in D1; the private key goes to a local file (under .wrangler/, never committed)
 * that db/demo/ingest-send.ts signs with.
 */
export async function demoIngestClient() {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = `demo-ingest-${new Date().toISOString().slice(0, 10)}`;
  return {
    clientId: DEMO_INGEST_CLIENT_ID,
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' },
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256' },
  };
}

/** Every demo meter with what the generator needs (the same accounts as the demo data set). */
export function demoMeters(accounts: DemoAccount[]): DemoMeter[] {
  return accounts.flatMap((a, i) =>
    a.meters.map((m) => ({
      ...m,
      accountIndex: i + 1,
      serviceArea: a.servicePoint.serviceArea,
      ...(a.servicePoint.id === DEMO_MOVE.servicePointId ? { newHousehold: { from: DEMO_MOVE.moveIn, accountIndex: DEMO_MOVE.newcomer.accountIndex } } : {}),
    })),
  );
}
