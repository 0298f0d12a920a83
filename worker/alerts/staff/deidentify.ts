/**
 * De-identified counts: every number staff see describes a group of at least MIN_HOMES homes, and
 * so does every difference between two numbers shown together.
 *
 * The homes of one alert type in one month are split into cells (by service area, or by the
 * customer's answer) so that each home is in exactly one cell. A cell of fewer than MIN_HOMES homes
 * is not shown: it joins an "other" pool. If the pool itself is under MIN_HOMES, the smallest shown
 * cells join it until it is not (a suppressed cell must never be recoverable as "total minus the
 * cells shown"). If the whole group is under MIN_HOMES, nothing is shown, not even its total.
 *
 * Counting happens in whole calendar months that have ended, never in ranges a caller picks: with
 * free ranges, two overlapping queries would differ by a single home's alert.
 */

/** The fewest homes any figure may describe (the same floor as the similar-homes comparison). */
export const MIN_HOMES = 10;

export type Member = { home: string; alerts: number };
export type CellFigures = { homes: number; alerts: number };
export type ProtectedCells =
  | { withheld: true; reason: string }
  | { withheld: false; total: CellFigures; cells: ({ key: string } & CellFigures)[]; other: CellFigures | null };

const figures = (members: readonly Member[]): CellFigures => ({ homes: new Set(members.map((m) => m.home)).size, alerts: members.reduce((s, m) => s + m.alerts, 0) });

/**
 * `cells` maps a cell key to its members; each home must be in one cell only (the caller assigns
 * it). Returns the cells that may be shown (largest first), the pooled rest, and the total.
 */
export function protectCells(cells: ReadonlyMap<string, readonly Member[]>, minHomes = MIN_HOMES): ProtectedCells {
  const all = [...cells.values()].flat();
  const total = figures(all);
  if (total.homes < minHomes) return { withheld: true, reason: `fewer than ${minHomes} homes` };
  const sized = [...cells.entries()].map(([key, members]) => ({ key, members, ...figures(members) })).sort((a, b) => b.homes - a.homes || a.key.localeCompare(b.key));
  const shown = sized.filter((c) => c.homes >= minHomes);
  const pooled = sized.filter((c) => c.homes < minHomes).flatMap((c) => c.members);
  // Grow a too-small pool with the smallest shown cells until it is large enough on its own.
  while (pooled.length > 0 && figures(pooled).homes < minHomes && shown.length > 0) pooled.push(...shown.pop()!.members);
  return {
    withheld: false,
    total,
    cells: shown.map(({ key, homes, alerts }) => ({ key, homes, alerts })),
    other: pooled.length ? figures(pooled) : null,
  };
}
