/**
 * Which source wins for a customer's contact details: the utility's nightly accounts rows, or what
 * the customer changed in the portal (profile: phone, mailing address).
 *
 * The rule, per group of fields (the phone number; the mailing address as a whole, so that a
 * street never mixes with another address's city):
 *   - When the customer changes a group in the portal, the portal records when
 *     (`accounts.phone_edited_at`, `mailing_edited_at`).
 *   - An accounts row from the utility replaces an edited group only if it carries a change time
 *     from the utility's own system (`phoneUpdatedAt` or `mailingAddressUpdatedAt`, else
 *     `contactUpdatedAt`) later than the customer's edit: a genuinely newer change wins.
 *   - A row carrying the customer's own value means the utility has caught up: the values agree
 *     and the group is the utility's again.
 *   - Otherwise the customer's edit stays, and the batch's answer lists the account, the field,
 *     when the customer edited it and why it was kept (never the values), so the utility can
 *     bring its own record up to date.
 * Groups the customer never edited follow the utility's rows, as before.
 */
import { sql, type SQL } from 'drizzle-orm';
import { accounts } from '../../db/schema';

export const contactGroups = {
  phone: { fields: ['phone'], editedAt: 'phoneEditedAt', utilityChangedAt: 'phoneUpdatedAt' },
  mailingAddress: { fields: ['mailingStreet', 'mailingCity', 'mailingRegion', 'mailingPostalCode'], editedAt: 'mailingEditedAt', utilityChangedAt: 'mailingAddressUpdatedAt' },
} as const;
export type ContactGroup = keyof typeof contactGroups;

/** What an accounts row says about contact details (change times as UTC ISO strings). */
export type ContactRow = {
  phone: string | null;
  mailingStreet: string | null;
  mailingCity: string | null;
  mailingRegion: string | null;
  mailingPostalCode: string | null;
  contactUpdatedAt?: string | undefined;
  phoneUpdatedAt?: string | undefined;
  mailingAddressUpdatedAt?: string | undefined;
};
/** What the portal holds: the values and when the customer edited each group (null: never, or the utility's since). */
export type StoredContact = Omit<ContactRow, 'contactUpdatedAt' | 'phoneUpdatedAt' | 'mailingAddressUpdatedAt'> & { phoneEditedAt: string | null; mailingEditedAt: string | null };

/** One edited group an accounts row met: kept (the customer's value stays) or replaced by a newer change. */
export type ContactEditOutcome = { accountId: string; field: ContactGroup; editedAt: string; kept: boolean; reason: string };

/** The utility's change time for a group, as the row gives it. */
export function utilityChangedAt(row: ContactRow, group: ContactGroup): string | null {
  return row[contactGroups[group].utilityChangedAt] ?? row.contactUpdatedAt ?? null;
}

/**
 * For each group the customer edited and the row would change: kept or replaced, and why. Groups
 * with no edit, or where the row agrees with the portal, are left out (nothing to report).
 */
export function contactEditOutcomes(accountId: string, row: ContactRow, stored: StoredContact): ContactEditOutcome[] {
  const out: ContactEditOutcome[] = [];
  for (const group of Object.keys(contactGroups) as ContactGroup[]) {
    const editedAt = stored[contactGroups[group].editedAt];
    if (!editedAt) continue;
    if (contactGroups[group].fields.every((f) => (row[f] ?? null) === (stored[f] ?? null))) continue;
    const changedAt = utilityChangedAt(row, group);
    if (changedAt && changedAt > editedAt) {
      out.push({ accountId, field: group, editedAt, kept: false, reason: `replaced: the utility's change at ${changedAt} is newer than the customer's edit` });
    } else {
      out.push({
        accountId,
        field: group,
        editedAt,
        kept: true,
        reason: changedAt
          ? `kept: the customer changed it in the portal at ${editedAt}, after the utility's change at ${changedAt}`
          : `kept: the customer changed it in the portal at ${editedAt}, and the row carries no later change time (${contactGroups[group].utilityChangedAt} or contactUpdatedAt)`,
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------- SQL (the same rule, race-free)

const v = (key: string) => `j.value ->> '$.${key}'`;
/** True when the row's value for the group applies (see the rule above). */
const applies = (group: ContactGroup, columns: string[]) => {
  const edited = `accounts.${group === 'phone' ? 'phone_edited_at' : 'mailing_edited_at'}`;
  const same = columns.map((c, i) => `accounts.${c} IS ${v(contactGroups[group].fields[i]!)}`).join(' AND ');
  return `(${edited} IS NULL OR ${v(`${group}ChangedAt`)} > ${edited} OR (${same}))`;
};
const phoneColumns = ['phone_on_file'];
const mailingColumns = ['mailing_street', 'mailing_city', 'mailing_region', 'mailing_postal_code'];
const phoneApplies = applies('phone', phoneColumns);
const mailingApplies = applies('mailingAddress', mailingColumns);
const plain: [string, string][] = [['account_number', 'accountNumber'], ['holder_name', 'holderName'], ['email_on_file', 'email'], ['status', 'status']];

/** New accounts of a batch (?1: JSON rows, ?2: the utility). Existing ones are left to `updateAccountsSql`. */
export const insertAccountsSql = `INSERT INTO accounts (id, utility_id, ${[...plain.map(([c]) => c), ...phoneColumns, ...mailingColumns].join(', ')})
SELECT ${v('id')}, ?2, ${[...plain.map(([, k]) => k), ...contactGroups.phone.fields, ...contactGroups.mailingAddress.fields].map(v).join(', ')}
FROM json_each(?1) AS j WHERE true ON CONFLICT (id) DO NOTHING`;

/**
 * Existing accounts of a batch: every field from the row, except an edited contact group the row
 * may not replace; writes (and stamps updated_at) only where something changes. Each row's JSON
 * carries `phoneChangedAt` and `mailingAddressChangedAt` (the utility's change times, or null).
 */
export const updateAccountsSql = `UPDATE accounts SET
  ${plain.map(([c, k]) => `${c} = ${v(k)}`).join(',\n  ')},
  ${phoneColumns.map((c, i) => `${c} = CASE WHEN ${phoneApplies} THEN ${v(contactGroups.phone.fields[i]!)} ELSE accounts.${c} END`).join(',\n  ')},
  phone_edited_at = CASE WHEN ${phoneApplies} THEN NULL ELSE accounts.phone_edited_at END,
  ${mailingColumns.map((c, i) => `${c} = CASE WHEN ${mailingApplies} THEN ${v(contactGroups.mailingAddress.fields[i]!)} ELSE accounts.${c} END`).join(',\n  ')},
  mailing_edited_at = CASE WHEN ${mailingApplies} THEN NULL ELSE accounts.mailing_edited_at END,
  updated_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
FROM json_each(?1) AS j
WHERE accounts.id = ${v('id')} AND accounts.utility_id = ?2 AND (
  ${plain.map(([c, k]) => `accounts.${c} IS NOT ${v(k)}`).join(' OR ')}
  OR (${phoneApplies} AND (accounts.phone_edited_at IS NOT NULL OR ${phoneColumns.map((c, i) => `accounts.${c} IS NOT ${v(contactGroups.phone.fields[i]!)}`).join(' OR ')}))
  OR (${mailingApplies} AND (accounts.mailing_edited_at IS NOT NULL OR ${mailingColumns.map((c, i) => `accounts.${c} IS NOT ${v(contactGroups.mailingAddress.fields[i]!)}`).join(' OR ')})))`;

/** An accounts row as the statements above read it. */
export function accountStatementRow<T extends ContactRow>(row: T) {
  const { contactUpdatedAt: _c, phoneUpdatedAt: _p, mailingAddressUpdatedAt: _m, ...rest } = row;
  return { ...rest, phoneChangedAt: utilityChangedAt(row, 'phone'), mailingAddressChangedAt: utilityChangedAt(row, 'mailingAddress') };
}

// ---------------------------------------------------------------- the portal side

/**
 * The edit-time column of the contact group an `accounts` column belongs to, or null: for a
 * correction the privacy office applies at the customer's request (worker/staff/work.ts), which
 * is the customer's change as much as a profile edit is.
 */
export function contactEditedAtColumn(column: string): 'phone_edited_at' | 'mailing_edited_at' | null {
  if (phoneColumns.includes(column)) return 'phone_edited_at';
  if (mailingColumns.includes(column)) return 'mailing_edited_at';
  return null;
}

/**
 * For the profile save (worker/accounts/profile.ts): SET entries that record when the customer
 * changed each contact group. A group whose values do not change keeps its previous edit time.
 */
export function customerContactEdits(values: Pick<StoredContact, 'phone' | 'mailingStreet' | 'mailingCity' | 'mailingRegion' | 'mailingPostalCode'>, now: Date): { phoneEditedAt: SQL; mailingEditedAt: SQL } {
  const at = now.toISOString();
  const mailingSame = sql`${accounts.mailingStreet} IS ${values.mailingStreet} AND ${accounts.mailingCity} IS ${values.mailingCity} AND ${accounts.mailingRegion} IS ${values.mailingRegion} AND ${accounts.mailingPostalCode} IS ${values.mailingPostalCode}`;
  return {
    phoneEditedAt: sql`CASE WHEN ${accounts.phoneOnFile} IS ${values.phone} THEN ${accounts.phoneEditedAt} ELSE ${at} END`,
    mailingEditedAt: sql`CASE WHEN ${mailingSame} THEN ${accounts.mailingEditedAt} ELSE ${at} END`,
  };
}
