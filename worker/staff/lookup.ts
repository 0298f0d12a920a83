/** Customer look-up for staff. The caller logs the view (auditInsert) in the same step. */
export type CustomerSummary = {
  accountId: string;
  accountNumber: string;
  holderName: string;
  emailOnFile: string | null;
  phoneOnFile: string | null;
  mailingAddress: string | null;
  serviceAddress: string | null;
  status: string;
  portalLogins: number;
  openRequests: number;
};

export async function findCustomer(raw: D1Database, accountNumber: string): Promise<CustomerSummary | null> {
  const row = await raw
    .prepare(
      `SELECT a.id, a.account_number, a.holder_name, a.email_on_file, a.phone_on_file, a.mailing_street, a.mailing_city, a.mailing_region, a.mailing_postal_code, a.status,
              (SELECT street || ', ' || city || ' ' || postal_code FROM service_points WHERE account_id = a.id LIMIT 1) AS service_address,
              (SELECT count(*) FROM account_access WHERE account_id = a.id) AS logins,
              (SELECT count(*) FROM privacy_requests WHERE account_id = a.id AND state NOT IN ('fulfilled','refused')) AS open_requests
       FROM accounts a WHERE a.account_number = ?1`,
    )
    .bind(accountNumber.replace(/[^0-9]/g, ''))
    .first<Record<string, string | number | null>>();
  if (!row) return null;
  const mailing = [row.mailing_street, row.mailing_city, [row.mailing_region, row.mailing_postal_code].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  return {
    accountId: String(row.id),
    accountNumber: String(row.account_number),
    holderName: String(row.holder_name),
    emailOnFile: (row.email_on_file as string | null) ?? null,
    phoneOnFile: (row.phone_on_file as string | null) ?? null,
    mailingAddress: mailing || null,
    serviceAddress: (row.service_address as string | null) ?? null,
    status: String(row.status),
    portalLogins: Number(row.logins),
    openRequests: Number(row.open_requests),
  };
}
