export type DatabaseHealth = { ok: boolean; migrations: number; utility: string | null };

/** Touches D1 for real: counts applied migrations and reads the configured utility's name. */
export async function checkDatabase(db: D1Database): Promise<DatabaseHealth> {
  try {
    const [migrations, utility] = await db.batch<{ n?: number; name?: string }>([
      db.prepare("SELECT count(*) AS n FROM d1_migrations"),
      db.prepare('SELECT name FROM utilities ORDER BY id LIMIT 1'),
    ]);
    return {
      ok: true,
      migrations: Number(migrations?.results[0]?.n ?? 0),
      utility: utility?.results[0]?.name ?? null,
    };
  } catch {
    return { ok: false, migrations: 0, utility: null };
  }
}
