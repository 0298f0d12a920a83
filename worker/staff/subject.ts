import type { DataSubject } from '../../db/personal-data';

/**
 * Whose data a request about `accountId` covers: the account, the portal logins that HOLD it
 * (a delegate is another person and is left out), and only the e-mail addresses proven for it —
 * the one on file (from the utility's records) and the holders' login addresses they confirmed.
 * An address a requester typed is where we write to them, never whose data we read or delete:
 * anyone can type anyone's address, and an unconfirmed login address is no better.
 */
export async function dataSubject(raw: D1Database, accountId: string): Promise<DataSubject> {
  const [holders, emails] = await raw.batch<{ value: string }>([
    raw.prepare("SELECT login_id AS value FROM account_access WHERE account_id = ?1 AND relationship = 'holder'").bind(accountId),
    raw
      .prepare(
        `SELECT email_on_file AS value FROM accounts WHERE id = ?1 AND email_on_file IS NOT NULL
         UNION SELECT l.email FROM logins l JOIN account_access a ON a.login_id = l.id
           WHERE a.account_id = ?1 AND a.relationship = 'holder' AND l.email_verified_at IS NOT NULL`,
      )
      .bind(accountId),
  ]);
  return {
    accountId,
    loginIds: (holders?.results ?? []).map((r) => r.value),
    emails: [...new Set((emails?.results ?? []).map((r) => r.value.toLowerCase()))],
  };
}
