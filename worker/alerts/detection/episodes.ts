/**
 * From day verdicts to episodes, and from episodes to the changes to stored alerts (pure: no
 * database). This is where "one alert per episode" is decided:
 *
 * - An episode is a run of days on which a rule fired; it ends after `endAfterClearDays` days read
 *   in which it did not (4 for leaks; days not read do not end it: missing is not "fixed").
 * - Re-evaluating days already seen (the same batch again, a late read, a correction) finds the
 *   stored alert whose days the run overlaps, or that the run continues, and updates it; it never
 *   adds a second one. A stored open alert no run covers any longer lost its cause to a
 *   correction: it is closed as `corrected`.
 * - A new alert is raised only for a run still going on at the latest read, and only when that
 *   read is recent (a backfill of last year raises nothing).
 * - An alert the customer dismissed stays closed while its run goes on; a resolved one that
 *   starts again (a correction, or the leak came back within the end window) is reopened with a
 *   reminder, not raised twice.
 */
import type { AlertNoticeKind, AlertType } from '../../../db/schema/alerts';
import { addDays, daysBetween, eachDay } from '../../usage/time';
import type { DetectionConfig } from './config';
import type { Figures, Verdicts } from './rules';

export type CloseReason = 'resolved' | 'corrected' | 'moved_out' | 'dismissed';

export type StoredEpisode = {
  id: string;
  status: 'open' | 'closed';
  closeReason: CloseReason | null;
  firstDay: string;
  lastDay: string;
  figures: Figures;
  /** The latest day an opened or reminder notice was about. */
  lastNoticeDay: string | null;
  reminders: number;
  remindersStopped: boolean;
};

export type Run = { firstDay: string; lastDay: string; figures: Figures; ended: boolean; endedOn: string | null; continues: StoredEpisode | null };

export type EpisodeChange =
  | { op: 'open'; type: AlertType; firstDay: string; lastDay: string; figures: Figures; notice: { kind: 'opened'; day: string }; closed?: { reason: 'resolved'; day: string; seenOn: string } }
  | {
      op: 'update';
      id: string;
      firstDay: string;
      lastDay: string;
      figures: Figures;
      status: 'open' | 'closed';
      closeReason: CloseReason | null;
      closedDay: string | null;
      notice: { kind: AlertNoticeKind; day: string } | null;
    };

/** Leak alerts are reminded while they last, say when they end, and end after a longer quiet; high use and forecasts are told once. */
export const remindedTypes: ReadonlySet<AlertType> = new Set(['continuous_flow', 'intermittent_leak']);

/** Days after the previous notice that the next reminder may go: 3, 6, 12, then every 14. */
export function reminderGap(config: DetectionConfig, remindersSoFar: number) {
  return Math.min(config.reminders.maxEveryDays, config.reminders.firstAfterDays * 2 ** remindersSoFar);
}

/** Days read without the condition that end an episode. */
export const endAfter = (config: DetectionConfig, leak: boolean) => (leak ? config.episodes.leakEndAfterClearDays : config.episodes.endAfterClearDays);

const frozen = (e: StoredEpisode) => e.status === 'closed' && (e.closeReason === 'dismissed' || e.closeReason === 'moved_out');

/**
 * Runs over from..to (`leak`: the leak family's longer end). `prefix` is a stored episode that began before `from` and may go on into
 * the range: its days before `from` count as fired (they were, when they were evaluated).
 */
export function runsOf(verdicts: Verdicts, from: string, to: string, config: DetectionConfig, prefix: StoredEpisode | null, leak = false): Run[] {
  const g = endAfter(config, leak);
  const runs: Run[] = [];
  let active: { firstDay: string; lastFire: string; clear: number; figures: Figures; continues: StoredEpisode | null } | null = null;
  if (prefix) {
    const lastFire = prefix.lastDay < from ? prefix.lastDay : addDays(from, -1);
    // An open episode's unseen days are unknown (it stays open); after a closed one they were clear.
    const clear = prefix.status === 'open' ? 0 : daysBetween(lastFire, from) - 1;
    if (clear < g) active = { firstDay: prefix.firstDay, lastFire, clear, figures: prefix.figures, continues: prefix };
  }
  for (const day of eachDay(from, to)) {
    const v = verdicts.get(day) ?? { state: 'unknown' };
    if (v.state === 'fire') {
      if (active) {
        active.lastFire = day;
        active.clear = 0;
        active.figures = v.figures;
      } else active = { firstDay: day, lastFire: day, clear: 0, figures: v.figures, continues: null };
    } else if (v.state === 'clear' && active) {
      active.clear++;
      if (active.clear >= g) {
        runs.push({ firstDay: active.firstDay, lastDay: active.lastFire, figures: active.figures, ended: true, endedOn: day, continues: active.continues });
        active = null;
      }
    }
  }
  if (active) runs.push({ firstDay: active.firstDay, lastDay: active.lastFire, figures: active.figures, ended: false, endedOn: null, continues: active.continues });
  return runs;
}

/** Keeps the start of flow the first evaluation saw when a later window starts inside the run. */
function mergeFigures(stored: Figures, fresh: Figures): Figures {
  const since = typeof stored.since === 'string' && typeof fresh.since === 'string' && stored.since < fresh.since ? stored.since : fresh.since;
  return since === undefined ? fresh : { ...fresh, since };
}

export type ReconcileInput = {
  /** The family's types (alertFamilies in rules.ts): a new alert takes the type of the rule its figures name, else the first. */
  types: AlertType[];
  verdicts: Verdicts;
  from: string;
  to: string;
  /** The holder's alerts of this meter and family that may be touched: open ones, and any whose days reach from - endAfterClearDays or later. */
  stored: StoredEpisode[];
  /** The utility-local date now. */
  today: string;
  config: DetectionConfig;
  /**
   * Loading history (the demo loader, a first import): episodes that have already ended are
   * recorded too, closed as resolved, so the alert centre shows past alerts. Never set on the queue.
   */
  backfill?: boolean;
};

export function reconcile(input: ReconcileInput): EpisodeChange[] {
  const { config, from, to, types } = input;
  const stored = [...input.stored].sort((a, b) => (a.firstDay < b.firstDay ? -1 : a.firstDay > b.firstDay ? 1 : 0));
  const before = stored.filter((e) => e.firstDay < from);
  // The episode that may continue into the range: the latest that began before it.
  const prefix = before.length ? before[before.length - 1]! : null;
  const reminds = types.some((t) => remindedTypes.has(t));
  const runs = runsOf(input.verdicts, from, to, config, prefix, reminds);
  const matched = new Set<string>();
  const changes: EpisodeChange[] = [];

  for (const run of runs) {
    const overlapping = stored.filter((e) => !matched.has(e.id) && (e === run.continues || (e.firstDay >= from && e.firstDay <= run.lastDay && e.lastDay >= run.firstDay)));
    const episode = overlapping[0] ?? null;
    // Later stored episodes the run now joins were one episode all along (a late read filled the gap).
    for (const extra of overlapping.slice(1)) {
      matched.add(extra.id);
      if (extra.status === 'open') changes.push({ op: 'update', id: extra.id, firstDay: extra.firstDay, lastDay: extra.lastDay, figures: extra.figures, status: 'closed', closeReason: 'corrected', closedDay: input.today, notice: null });
    }
    if (!episode) {
      const current = !run.ended && daysBetween(run.lastDay, input.today) <= config.episodes.staleAfterDays;
      const type = types.find((t) => t === run.figures.rule) ?? types[0]!;
      if (current) changes.push({ op: 'open', type, firstDay: run.firstDay, lastDay: run.lastDay, figures: run.figures, notice: { kind: 'opened', day: run.lastDay } });
      else if (input.backfill && run.ended) changes.push({ op: 'open', type, firstDay: run.firstDay, lastDay: run.lastDay, figures: run.figures, notice: { kind: 'opened', day: run.firstDay }, closed: { reason: 'resolved', day: run.lastDay, seenOn: run.endedOn! } });
      continue;
    }
    matched.add(episode.id);
    const firstDay = episode.firstDay < run.firstDay ? episode.firstDay : run.firstDay;
    const figures = mergeFigures(episode.figures, run.figures);
    const base = { op: 'update' as const, id: episode.id, firstDay, lastDay: run.lastDay, figures };
    let change: EpisodeChange;
    if (frozen(episode)) {
      // Dismissed by the customer, or the holder moved out: it stays closed; its days still grow so the run is not raised again.
      change = { ...base, status: 'closed', closeReason: episode.closeReason, closedDay: null, notice: null };
    } else if (run.ended) {
      const wasOpen = episode.status === 'open';
      change = { ...base, status: 'closed', closeReason: wasOpen ? 'resolved' : episode.closeReason, closedDay: wasOpen ? run.lastDay : null, notice: wasOpen && reminds ? { kind: 'closed', day: run.endedOn! } : null };
    } else if (episode.status === 'closed') {
      change = { ...base, status: 'open', closeReason: null, closedDay: null, notice: reminds && !episode.remindersStopped ? { kind: 'reminder', day: run.lastDay } : null };
    } else {
      const due = episode.lastNoticeDay === null || daysBetween(episode.lastNoticeDay, run.lastDay) >= reminderGap(config, episode.reminders);
      const remind = reminds && !episode.remindersStopped && run.lastDay === to && due;
      change = { ...base, status: 'open', closeReason: null, closedDay: null, notice: remind ? { kind: 'reminder', day: run.lastDay } : null };
    }
    const same =
      change.notice === null &&
      change.status === episode.status &&
      change.closeReason === episode.closeReason &&
      change.firstDay === episode.firstDay &&
      change.lastDay === episode.lastDay &&
      JSON.stringify(change.figures) === JSON.stringify(episode.figures);
    if (!same) changes.push(change);
  }

  // Open alerts in the range that no run covers any more: a corrected read removed their cause.
  for (const e of stored) {
    if (matched.has(e.id) || e.status !== 'open') continue;
    if (e.lastDay < from) continue;
    changes.push({ op: 'update', id: e.id, firstDay: e.firstDay, lastDay: e.lastDay, figures: e.figures, status: 'closed', closeReason: 'corrected', closedDay: input.today, notice: { kind: 'closed', day: input.today } });
  }
  return changes;
}
