/**
 * The personal-data map: for EVERY table in the D1 schemas (the primary database's and the usage
 * shards', db/usage-shard/schema.ts), how its rows tie to a customer, which
 * columns hold personal values, what the access package exports from it, and what a deletion does.
 *
 * The access package (worker/staff/access-package.ts) and the deletion (worker/staff/deletion.ts)
 * iterate this map; there is no other per-table list. `test/worker/personal-data-map.test.ts`
 * lists every table of the migrated database and fails when one is missing here, so a new table
 * cannot hold customer data without saying how it is exported and deleted.
 *
 * Table and column names are SQL names (not drizzle objects) so that tables from every capability
 * fit the same shape; the map test checks each named column exists.
 */

import { heldDaysSql, type HeldMeter } from '../worker/usage/tenure';

/**
 * Whose data: the utility account, the portal logins that hold it, and the e-mail addresses on file;
 * for the usage shards (which hold no accounts), the meters the account held and on which days,
 * read from the primary database first (the access package fills it in).
 */
export type DataSubject = { accountId: string; loginIds: string[]; emails: string[]; heldMeters?: HeldMeter[] };

/** A WHERE clause (numbered parameters) selecting the subject's rows in one table. */
export type RowFilter = { sql: string; params: (string | number)[] };

export type Tie =
  | { by: 'account' | 'login' | 'email'; describe: string; where: (s: DataSubject) => RowFilter }
  | { by: 'none'; reason: string };

export type Deletion =
  /** Delete the subject's rows. */
  | { action: 'remove' }
  /** Keep the rows, irreversibly overwrite the personal columns; `reason` says why the row is kept. */
  | { action: 'replace'; set: Record<string, string | null>; reason: string }
  /** Keep the rows unchanged: they hold no personal value once the rows above are gone, or the law requires them. */
  | { action: 'retain'; reason: string }
  | { action: 'none' };

export type CategoryId =
  | 'identifiers'
  | 'contact'
  | 'customer_records'
  | 'household'
  | 'usage'
  | 'billing'
  | 'online_activity'
  | 'communications'
  | 'privacy_requests'
  | 'consent'
  | 'alert_responses'
  | 'sharing'
  | 'support_messages'
  | 'program_applications';

export type PersonalDataEntry = {
  table: string;
  /** Where the table lives: the primary database (unset), or every usage shard (worker/usage/shards.ts). */
  database?: 'usage-shard';
  /** What the table is, in a customer's words. */
  label: string;
  tie: Tie;
  /** Columns that hold personal values (what deletion must not leave behind). */
  personalColumns: string[];
  category: CategoryId | null;
  /** Columns the access package shows (secrets such as password and token hashes are never exported). */
  export: { columns: string[]; orderBy?: string } | { none: string };
  deletion: Deletion;
};

/** Categories as the access package names them (CCPA categories, in plain words). */
export const dataCategories: Record<CategoryId, { name: string; sources: string[]; purposes: string[]; recipients: string[] }> = {
  identifiers: {
    name: 'Identifiers (name, account number, portal sign-in)',
    sources: ['You, when you opened your utility account or registered in the portal', 'The utility billing system'],
    purposes: ['Providing water and power service', 'Letting you sign in and see your account', 'Security of your account'],
    recipients: ['Service providers that host the portal and send its e-mail, under contract'],
  },
  contact: {
    name: 'Contact details (e-mail, phone, mailing address)',
    sources: ['You', 'The utility billing system'],
    purposes: ['Billing and service notices', 'Alerts you asked for', 'Answering your requests'],
    recipients: ['Service providers that send e-mail and text messages, under contract'],
  },
  customer_records: {
    name: 'Customer records (service address, meters, account status)',
    sources: ['The utility billing and metering systems'],
    purposes: ['Providing, metering and billing service'],
    recipients: ['None outside the utility, except as required by law'],
  },
  household: {
    name: 'Household characteristics you told us (occupants, landscape, fixtures)',
    sources: ['You'],
    purposes: ['Comparing your use with similar homes (only the number of people is used for that today)'],
    recipients: ['None; comparisons use de-identified averages only'],
  },
  usage: {
    name: 'Utility usage (meter reads)',
    sources: ['The utility metering system'],
    purposes: ['Billing', 'Showing your usage', 'Leak and high-use alerts'],
    recipients: ['No one outside the utility; you may download it (CSV or Green Button) and pass it on yourself'],
  },
  billing: {
    name: 'Commercial information (bills, amounts, payment history)',
    sources: ['The utility billing system'],
    purposes: ['Billing and collections', 'Showing your bills'],
    recipients: ['Payment processor (payments only), under contract'],
  },
  online_activity: {
    name: 'Internet activity on the portal (sign-ins, sessions, security events)',
    sources: ['Your use of the portal'],
    purposes: ['Keeping you signed in', 'Detecting and preventing fraud and misuse'],
    recipients: ['Hosting provider, under contract'],
  },
  communications: {
    name: 'Messages we sent you',
    sources: ['The portal'],
    purposes: ['Service notices and answers to your requests', 'Alerts and mailings you chose'],
    recipients: ['E-mail and text message delivery providers, under contract'],
  },
  support_messages: {
    name: 'Messages between you and our support team, with their attachments',
    sources: ['You, when you write to support in the portal', 'Our support team'],
    purposes: ['Answering your questions about your account and service'],
    recipients: ['Service providers that host the portal and its file storage, under contract'],
  },
  program_applications: {
    name: 'Your applications for programs and rebates, with their documents',
    sources: ['You, when you apply in the portal', 'Our program team'],
    purposes: ['Deciding your applications and paying rebates'],
    recipients: ['Service providers that host the portal and its file storage, under contract'],
  },
  privacy_requests: {
    name: 'Your privacy requests and our answers',
    sources: ['You, through the privacy request form'],
    purposes: ['Answering your requests', 'Keeping the records the law requires (24 months)'],
    recipients: ['None outside the utility, except regulators on request'],
  },
  alert_responses: {
    name: 'Your answers to alerts, the water- and energy-saving steps you told us about, and your requests for help',
    sources: ['You, in the alert centre'],
    purposes: ['Following up a leak or high use with you', 'Getting you the help you asked for', 'Making alerts more accurate (counted only in groups of 10 or more homes)'],
    recipients: ['None outside the utility'],
  },
  sharing: {
    name: 'Whom you share your account with, and every release of its data outside the utility',
    sources: ['You, when you invite someone or authorise an application', 'The portal, each time data is released'],
    purposes: ['Giving the people and applications you chose the access you chose', 'Showing you what was released, to whom and when'],
    recipients: ['The people and applications you authorised, and only what you authorised'],
  },
  consent: {
    name: 'Your privacy and cookie choices',
    sources: ['You'],
    purposes: ['Honouring your choices', 'Proving consent where the law requires it'],
    recipients: ['None'],
  },
};

const byAccount = (column: string): Tie => ({
  by: 'account',
  describe: `${column} = the utility account`,
  where: (s) => ({ sql: `"${column}" = ?1`, params: [s.accountId] }),
});
const byLogin = (column: string): Tie => ({
  by: 'login',
  describe: `${column} = a portal login that holds the account`,
  where: (s) => ({ sql: `"${column}" IN (SELECT value FROM json_each(?1))`, params: [JSON.stringify(s.loginIds)] }),
});
const byEmail = (column: string): Tie => ({
  by: 'email',
  describe: `${column} = an e-mail address on file for the account or its logins`,
  where: (s) => ({ sql: `lower("${column}") IN (SELECT lower(value) FROM json_each(?1))`, params: [JSON.stringify(s.emails)] }),
});

const DE_IDENTIFIED = '[de-identified]';

/** Why billing records survive a deletion request (CCPA § 1798.105(d): legal obligations, completing the transaction). */
const BILLING_RECORDS =
  'Financial records the utility must keep (tax, utility-commission and public-records retention, and collecting or refunding what is owed); they stay tied to the utility account, not to your name.';

export const personalDataMap: PersonalDataEntry[] = [
  {
    table: 'utilities',
    label: 'The utility itself',
    tie: { by: 'none', reason: "The utility's own business name and contact details; no customer's data." },
    personalColumns: [],
    category: null,
    export: { none: 'Not customer data.' },
    deletion: { action: 'none' },
  },
  {
    table: 'accounts',
    label: 'Your utility account',
    tie: byAccount('id'),
    personalColumns: ['holder_name', 'email_on_file', 'phone_on_file', 'mailing_street', 'mailing_city', 'mailing_region', 'mailing_postal_code'],
    category: 'identifiers',
    export: { columns: ['account_number', 'holder_name', 'email_on_file', 'phone_on_file', 'mailing_street', 'mailing_city', 'mailing_region', 'mailing_postal_code', 'phone_edited_at', 'mailing_edited_at', 'status', 'created_at', 'updated_at'] },
    deletion: {
      action: 'replace',
      set: { holder_name: DE_IDENTIFIED, email_on_file: null, phone_on_file: null, mailing_street: null, mailing_city: null, mailing_region: null, mailing_postal_code: null, phone_edited_at: null, mailing_edited_at: null },
      reason: 'The utility account and its number stay, without the holder\'s name or contact details, so that service, metering and billing records of the premises remain complete (completing the service relationship; legal obligations on utility records).',
    },
  },
  {
    table: 'service_points',
    label: 'Service address',
    tie: {
      by: 'account',
      describe: 'the account holds or held the service point (service_point_tenures)',
      where: (s) => ({ sql: 'id IN (SELECT service_point_id FROM service_point_tenures WHERE account_id = ?1)', params: [s.accountId] }),
    },
    personalColumns: [],
    category: 'customer_records',
    export: { columns: ['street', 'city', 'region', 'postal_code', 'service_area', 'created_at'] },
    deletion: { action: 'retain', reason: 'The service address is where the utility delivers water and power; usage and billing stay tied to the premises, not to you, after de-identification.' },
  },
  {
    table: 'meters',
    label: 'Meters at your service address',
    tie: {
      by: 'account',
      describe: 'the meter is at a service point the account holds or held',
      where: (s) => ({ sql: 'service_point_id IN (SELECT service_point_id FROM service_point_tenures WHERE account_id = ?1)', params: [s.accountId] }),
    },
    personalColumns: [],
    category: 'customer_records',
    export: { columns: ['serial_number', 'kind', 'unit', 'interval_minutes', 'installed_on'] },
    deletion: { action: 'retain', reason: 'Meters belong to the premises and the utility network.' },
  },
  {
    table: 'service_point_tenures',
    label: 'When you held each service address (move-in and move-out days)',
    tie: byAccount('account_id'),
    personalColumns: [],
    category: 'customer_records',
    export: { columns: ['service_point_id', 'start_day', 'end_day'], orderBy: 'start_day' },
    deletion: {
      action: 'retain',
      reason: 'Who held the premises when bounds which usage and bills belong to the account; it holds days and ids only, and stays with the de-identified account.',
    },
  },
  {
    table: 'bills',
    label: 'Bills',
    tie: byAccount('account_id'),
    personalColumns: [],
    category: 'billing',
    export: { columns: ['id', 'bill_number', 'period_start', 'period_end', 'issued_on', 'due_on', 'amount_cents', 'previous_balance_cents', 'total_due_cents', 'rate_name'], orderBy: 'issued_on' },
    deletion: { action: 'retain', reason: BILLING_RECORDS },
  },
  {
    table: 'bill_lines',
    label: 'Bill lines (charges, tiers, taxes)',
    tie: {
      by: 'account',
      describe: 'bill_id is a bill of the account',
      where: (s) => ({ sql: 'bill_id IN (SELECT id FROM bills WHERE account_id = ?1)', params: [s.accountId] }),
    },
    personalColumns: [],
    category: 'billing',
    export: { columns: ['bill_id', 'position', 'kind', 'service', 'description', 'quantity', 'unit', 'unit_price', 'tier_from', 'tier_to', 'tou_period', 'tax_rate_percent', 'amount_cents'], orderBy: 'bill_id' },
    deletion: { action: 'retain', reason: BILLING_RECORDS },
  },
  {
    table: 'bill_documents',
    label: 'Bill documents (PDF) the utility sent',
    tie: {
      by: 'account',
      describe: 'bill_id is a bill of the account',
      where: (s) => ({ sql: 'bill_id IN (SELECT id FROM bills WHERE account_id = ?1)', params: [s.accountId] }),
    },
    personalColumns: [],
    category: 'billing',
    // The documents themselves stay in the portal's bill pages; the package lists which exist.
    export: { columns: ['bill_id', 'content_type', 'size_bytes', 'sha256', 'uploaded_at'], orderBy: 'bill_id' },
    deletion: {
      action: 'retain',
      reason: `${BILLING_RECORDS} A bill document is the bill as it was issued, with the name and addresses it was printed with, so it is kept unchanged as the record of that bill; once your portal login is deleted no one can open it in the portal.`,
    },
  },
  {
    table: 'payments',
    label: 'Payments',
    tie: byAccount('account_id'),
    personalColumns: [],
    category: 'billing',
    export: { columns: ['utility_payment_id', 'portal_payment_id', 'method', 'amount_cents', 'paid_on', 'posted_on', 'status', 'created_at'], orderBy: 'paid_on' },
    deletion: { action: 'retain', reason: BILLING_RECORDS },
  },
  {
    table: 'adjustments',
    label: 'Charges and credits outside bills (fees, credits, returned payments)',
    tie: byAccount('account_id'),
    personalColumns: [],
    category: 'billing',
    export: { columns: ['id', 'posted_on', 'kind', 'description', 'amount_cents'], orderBy: 'posted_on' },
    deletion: { action: 'retain', reason: BILLING_RECORDS },
  },
  {
    table: 'account_balances',
    label: 'Account balance stated by the billing system',
    tie: byAccount('account_id'),
    personalColumns: [],
    category: 'billing',
    export: { columns: ['balance_cents', 'as_of', 'updated_at'] },
    deletion: { action: 'retain', reason: `${BILLING_RECORDS} An unpaid balance or a credit stays owed after your portal data is deleted.` },
  },
  {
    table: 'payment_intents',
    label: 'Payments started in the portal',
    tie: byAccount('account_id'),
    personalColumns: ['login_id'],
    category: 'billing',
    export: { columns: ['id', 'channel', 'amount_cents', 'currency', 'status', 'created_at', 'completed_at'], orderBy: 'created_at' },
    deletion: { action: 'replace', set: { login_id: null }, reason: `${BILLING_RECORDS} Kept without the portal sign-in that started the payment.` },
  },
  {
    table: 'processor_events',
    label: 'Confirmations received from the payment processor',
    tie: byAccount('account_id'),
    personalColumns: [],
    category: 'billing',
    export: { columns: ['type', 'reference', 'outcome', 'received_at'], orderBy: 'received_at' },
    deletion: { action: 'retain', reason: `${BILLING_RECORDS} They prove which payments the processor confirmed, and hold no personal value.` },
  },
  {
    table: 'autopay_enrolments',
    label: 'Autopay enrolments',
    tie: byAccount('account_id'),
    personalColumns: ['login_id'],
    category: 'billing',
    export: { columns: ['status', 'requested_at', 'activated_at', 'ended_at'], orderBy: 'requested_at' },
    deletion: { action: 'replace', set: { login_id: null }, reason: `${BILLING_RECORDS} An active autopay arrangement is between the account and the utility; it keeps working until it is turned off.` },
  },
  {
    table: 'billing_preferences',
    label: 'Paperless billing choice',
    tie: byAccount('account_id'),
    personalColumns: ['changed_by_login_id'],
    category: 'billing',
    export: { columns: ['paperless', 'changed_at'] },
    deletion: { action: 'replace', set: { changed_by_login_id: null }, reason: 'How bills are delivered to the account (paper or e-mail notice) stays as chosen, without the portal sign-in that chose it.' },
  },
  {
    table: 'household_profiles',
    label: 'Household profile',
    tie: byAccount('account_id'),
    personalColumns: ['occupants', 'landscape_sq_ft', 'landscape_type', 'has_pool', 'fixtures'],
    category: 'household',
    export: { columns: ['occupants', 'landscape_sq_ft', 'landscape_type', 'has_pool', 'fixtures', 'updated_at'] },
    deletion: { action: 'remove' },
  },
  {
    table: 'logins',
    label: 'Portal sign-in',
    tie: byLogin('id'),
    personalColumns: ['email', 'display_name', 'password_hash'],
    category: 'identifiers',
    export: { columns: ['email', 'email_verified_at', 'display_name', 'locale', 'role', 'status', 'created_at'] },
    deletion: { action: 'remove' },
  },
  {
    table: 'account_access',
    label: 'Who may see the account',
    tie: {
      by: 'account',
      describe: 'account_id is the account, or login_id a login that holds it (its access to other accounts goes with the login)',
      where: (s) => ({ sql: 'account_id = ?1 OR login_id IN (SELECT value FROM json_each(?2))', params: [s.accountId, JSON.stringify(s.loginIds)] }),
    },
    personalColumns: [],
    category: 'identifiers',
    // login_id is left out: a delegate's login is another person's identifier.
    export: { columns: ['relationship', 'can_view_usage', 'can_view_billing', 'can_pay', 'can_manage', 'can_receive_alerts', 'expires_at', 'granted_at'] },
    deletion: { action: 'remove' },
  },
  {
    table: 'delegate_invitations',
    label: 'Invitations to share the account',
    tie: byAccount('account_id'),
    personalColumns: ['email'],
    category: 'sharing',
    export: { columns: ['email', 'can_view_usage', 'can_view_billing', 'can_pay', 'can_manage', 'can_receive_alerts', 'access_until', 'created_at', 'expires_at', 'accepted_at', 'withdrawn_at'], orderBy: 'created_at' },
    deletion: { action: 'remove' },
  },
  {
    table: 'service_requests',
    label: 'Requests to start, stop or move service',
    tie: {
      by: 'account',
      describe: 'account_id is the account, login_id a login that holds it, or contact_email an address on file (a start asked without a login)',
      where: (s) => ({
        sql: 'account_id = ?1 OR login_id IN (SELECT value FROM json_each(?2)) OR lower(contact_email) IN (SELECT lower(value) FROM json_each(?3))',
        params: [s.accountId, JSON.stringify(s.loginIds), JSON.stringify(s.emails)],
      }),
    },
    personalColumns: ['contact_name', 'contact_email', 'contact_phone', 'new_street', 'new_city', 'new_postal_code', 'note'],
    category: 'customer_records',
    export: { columns: ['kind', 'stop_on', 'start_on', 'new_street', 'new_city', 'new_postal_code', 'contact_name', 'contact_email', 'contact_phone', 'locale', 'note', 'state', 'refusal_reason', 'decided_at', 'created_at'], orderBy: 'created_at' },
    deletion: { action: 'remove' },
  },
  {
    table: 'disclosures',
    label: 'Releases of your data outside the utility',
    tie: byAccount('account_id'),
    personalColumns: ['recipient_label'],
    category: 'sharing',
    export: { columns: ['released_at', 'recipient_kind', 'recipient_label', 'authority', 'description', 'resource', 'records'], orderBy: 'released_at' },
    deletion: { action: 'remove' },
  },
  // Green Button Connect My Data (worker/connect-my-data/). Deletion removes the customer's
  // authorisations with their codes and tokens, which ends every application's access at once.
  {
    table: 'cmd_applications',
    label: 'Third-party applications registered for Connect My Data',
    tie: { by: 'none', reason: 'The registry of third-party applications (businesses), kept by administrators; nothing in it is about a customer.' },
    personalColumns: [],
    category: null,
    export: { none: 'Not personal data.' },
    deletion: { action: 'none' },
  },
  {
    table: 'cmd_authorization_meters',
    label: 'Which meters each application you allowed may read',
    tie: { by: 'account', describe: "a meter of one of the account's authorisations", where: (s) => ({ sql: 'authorization_id IN (SELECT id FROM cmd_authorizations WHERE account_id = ?1)', params: [s.accountId] }) },
    personalColumns: ['meter_id'],
    category: 'sharing',
    export: { columns: ['authorization_id', 'meter_id'], orderBy: 'authorization_id, meter_id' },
    deletion: { action: 'remove' },
  },
  {
    table: 'cmd_authorizations',
    label: 'Applications you allowed to fetch your data (Connect My Data)',
    tie: byAccount('account_id'),
    personalColumns: ['granted_by', 'meter_ids'],
    category: 'sharing',
    export: { columns: ['application_id', 'scope', 'meter_ids', 'data_from', 'created_at', 'ends_at', 'ended_at', 'ended_by'], orderBy: 'created_at' },
    deletion: { action: 'remove' },
  },
  {
    table: 'cmd_consent_requests',
    label: 'Requests from applications waiting for your answer',
    tie: byLogin('login_id'),
    personalColumns: ['login_id'],
    category: 'sharing',
    export: { columns: ['application_id', 'scope', 'created_at', 'expires_at'], orderBy: 'created_at' },
    deletion: { action: 'remove' },
  },
  {
    table: 'cmd_codes',
    label: 'One-time codes handed to applications you allowed',
    tie: byAccount('account_id'),
    personalColumns: [],
    category: 'sharing',
    export: { columns: ['authorization_id', 'expires_at', 'used_at'], orderBy: 'expires_at' },
    deletion: { action: 'remove' },
  },
  {
    table: 'cmd_tokens',
    label: 'Access tokens of applications you allowed',
    tie: byAccount('account_id'),
    personalColumns: [],
    category: 'sharing',
    export: { columns: ['authorization_id', 'kind', 'created_at', 'expires_at', 'used_at', 'revoked_at'], orderBy: 'created_at' },
    deletion: { action: 'remove' },
  },
  {
    table: 'sessions',
    label: 'Portal sessions',
    tie: byLogin('login_id'),
    personalColumns: ['client_label'],
    category: 'online_activity',
    export: { columns: ['created_at', 'last_seen_at', 'expires_at', 'revoked_at', 'persistent', 'client_label'] },
    deletion: { action: 'remove' },
  },
  {
    table: 'passkey_credentials',
    label: 'Passkeys you registered for signing in',
    tie: byLogin('login_id'),
    personalColumns: ['name', 'credential_id', 'public_key'],
    category: 'identifiers',
    // That a passkey exists, its name and when it was made and last used; never its credential id or public key.
    export: { columns: ['name', 'created_at', 'last_used_at'], orderBy: 'created_at' },
    deletion: { action: 'remove' },
  },
  {
    table: 'passkey_challenges',
    label: 'Passkey sign-ins and registrations in progress',
    tie: byLogin('login_id'),
    personalColumns: [],
    category: 'online_activity',
    // The challenge itself (kept as a hash) and what it is bound to are left out: random values of no use to anyone.
    export: { columns: ['purpose', 'created_at', 'expires_at'], orderBy: 'created_at' },
    deletion: { action: 'remove' },
  },
  {
    table: 'totp_enrolments',
    label: 'Authenticator app set up for signing in',
    tie: byLogin('login_id'),
    personalColumns: ['pending_secret'],
    category: 'identifiers',
    // That an app is set up and since when; never the secret (the confirmed one is in logins.totp_secret, not exported either).
    export: { columns: ['enrolled_at', 'pending_expires_at'] },
    deletion: { action: 'remove' },
  },
  {
    table: 'recovery_codes',
    label: 'Recovery codes for signing in without your authenticator',
    tie: byLogin('login_id'),
    personalColumns: ['code_hash'],
    category: 'identifiers',
    // That codes exist, when they were made and which were used; never the codes or their hashes.
    export: { columns: ['created_at', 'used_at'], orderBy: 'created_at' },
    deletion: { action: 'remove' },
  },
  {
    table: 'step_ups',
    label: 'When you last confirmed it was you before a sensitive change',
    tie: byLogin('login_id'),
    personalColumns: [],
    category: 'online_activity',
    export: { columns: ['method', 'at'], orderBy: 'at' },
    deletion: { action: 'remove' },
  },
  {
    table: 'known_devices',
    label: 'Browsers you signed in from (for new-device notices)',
    tie: byLogin('login_id'),
    personalColumns: ['device_hash', 'client_label'],
    category: 'online_activity',
    // The browser's fingerprint of its device cookie is left out: a random value that recognises that browser.
    export: { columns: ['client_label', 'first_seen_at', 'last_seen_at'], orderBy: 'first_seen_at' },
    deletion: { action: 'remove' },
  },
  {
    table: 'session_end_links',
    label: 'Links in new-device notices that end a session',
    tie: byLogin('login_id'),
    personalColumns: [],
    category: 'online_activity',
    export: { columns: ['created_at', 'expires_at', 'used_at'], orderBy: 'created_at' },
    deletion: { action: 'remove' },
  },
  {
    table: 'usage_days',
    database: 'usage-shard',
    label: 'Meter reads (one row per meter per day)',
    tie: {
      by: 'account',
      describe: 'a day of a meter at a service point the account held on that day (move-in to move-out)',
      where: (s) => ({ sql: heldDaysSql('usage_days.meter_id', 'usage_days.day', '?1'), params: [JSON.stringify(s.heldMeters ?? [])] }),
    },
    personalColumns: [],
    category: 'usage',
    export: { columns: ['meter_id', 'day', 'vals', 'quality', 'total', 'missing', 'estimated'], orderBy: 'meter_id, day' },
    deletion: {
      action: 'retain',
      reason: 'Usage stays tied to the service address and utility account for billing, rates, system planning and water-supply reporting; once your name and contact details are gone it no longer identifies you.',
    },
  },
  // Who is told what (worker/preferences/, worker/alerts/delivery/). Rows that tie through
  // alert_recipients or alert_notices come first: deletion runs in map order.
  {
    table: 'recipient_topics',
    label: 'What each address or number receives (alert types, newsletter, program mail), and how it was chosen',
    tie: {
      by: 'account',
      describe: 'recipient_id is a recipient of the account',
      where: (s) => ({ sql: 'recipient_id IN (SELECT id FROM alert_recipients WHERE account_id = ?1)', params: [s.accountId] }),
    },
    personalColumns: [],
    category: 'consent',
    export: { columns: ['recipient_id', 'topic', 'enabled', 'changed_at', 'changed_via'], orderBy: 'recipient_id, topic' },
    deletion: { action: 'remove' },
  },
  {
    table: 'alert_deliveries',
    label: 'Which alert notices went to which address or number',
    tie: {
      by: 'account',
      describe: 'recipient_id is a recipient of the account',
      where: (s) => ({ sql: 'recipient_id IN (SELECT id FROM alert_recipients WHERE account_id = ?1)', params: [s.accountId] }),
    },
    personalColumns: [],
    category: 'communications',
    export: { columns: ['notice_id', 'recipient_id', 'channel', 'created_at'], orderBy: 'created_at' },
    deletion: { action: 'remove' },
  },
  {
    table: 'outbox_sms',
    label: 'Text messages we sent',
    tie: {
      by: 'account',
      describe: 'to_number is a number the account added, or notice_id a notice about one of its alerts',
      where: (s) => ({
        sql: "to_number IN (SELECT address FROM alert_recipients WHERE account_id = ?1 AND channel = 'sms') OR notice_id IN (SELECT n.id FROM alert_notices n JOIN alerts a ON a.id = n.alert_id WHERE a.account_id = ?1)",
        params: [s.accountId],
      }),
    },
    personalColumns: ['to_number', 'body'],
    category: 'communications',
    // Bodies are left out, as for e-mail: they can hold a confirmation link.
    export: { columns: ['to_number', 'kind', 'status', 'not_before', 'created_at', 'sent_at'], orderBy: 'created_at' },
    deletion: { action: 'remove' },
  },
  {
    table: 'sms_stand_in_messages',
    label: 'Development only: texts the local SMS stand-in received',
    tie: {
      by: 'account',
      describe: 'from_number or to_number is a number the account added (this table is empty in production)',
      where: (s) => ({ sql: "to_number IN (SELECT address FROM alert_recipients WHERE account_id = ?1 AND channel = 'sms') OR from_number IN (SELECT address FROM alert_recipients WHERE account_id = ?1 AND channel = 'sms')", params: [s.accountId] }),
    },
    personalColumns: ['from_number', 'to_number', 'body'],
    category: 'communications',
    export: { columns: ['direction', 'from_number', 'to_number', 'body', 'created_at'], orderBy: 'created_at' },
    deletion: { action: 'remove' },
  },
  {
    table: 'alert_recipients',
    label: 'Who receives your alerts: your e-mail and mobile, and people you added',
    tie: {
      by: 'account',
      describe: 'account_id is the account, or login_id a login that holds it',
      where: (s) => ({ sql: 'account_id = ?1 OR login_id IN (SELECT value FROM json_each(?2))', params: [s.accountId, JSON.stringify(s.loginIds)] }),
    },
    personalColumns: ['address', 'name'],
    category: 'contact',
    // Confirmation hashes are secrets, never exported.
    export: { columns: ['id', 'channel', 'address', 'name', 'locale', 'origin', 'status', 'confirmed_at', 'removed_at', 'removed_by', 'sms_stopped_at', 'created_at'], orderBy: 'created_at' },
    deletion: { action: 'remove' },
  },
  {
    table: 'contact_preferences',
    label: 'Your quiet hours for text messages',
    tie: byAccount('account_id'),
    personalColumns: ['quiet_hours_start', 'quiet_hours_end', 'leak_alerts_in_quiet_hours'],
    category: 'consent',
    export: { columns: ['quiet_hours_start', 'quiet_hours_end', 'leak_alerts_in_quiet_hours', 'updated_at'] },
    deletion: { action: 'remove' },
  },
  {
    table: 'alert_notices',
    label: 'Notices about your alerts (raised, reminders, ended)',
    tie: {
      by: 'account',
      describe: 'the notice is about an alert raised for the account',
      where: (s) => ({ sql: 'alert_id IN (SELECT id FROM alerts WHERE account_id = ?1)', params: [s.accountId] }),
    },
    personalColumns: [],
    category: 'communications',
    export: { columns: ['alert_id', 'kind', 'day', 'created_at'], orderBy: 'created_at' },
    deletion: { action: 'remove' },
  },
  {
    table: 'alerts',
    label: 'Leak and high-use alerts',
    tie: byAccount('account_id'),
    personalColumns: ['figures'],
    category: 'usage',
    export: { columns: ['id', 'meter_id', 'type', 'status', 'first_day', 'last_day', 'figures', 'opened_at', 'closed_at', 'closed_day', 'close_reason', 'reminders_stopped_at'], orderBy: 'opened_at' },
    // Derived from reads, which are kept with the service address; nothing is lost by removing them.
    deletion: { action: 'remove' },
  },
  {
    table: 'alert_settings',
    label: 'Your alert settings (leak hours, high-use and bill thresholds)',
    tie: byAccount('account_id'),
    personalColumns: ['continuous_flow_hours', 'day_threshold', 'period_threshold', 'bill_threshold_cents', 'updated_by_login_id'],
    category: 'usage',
    export: { columns: ['kind', 'continuous_flow_hours', 'day_threshold', 'period_threshold', 'bill_threshold_cents', 'updated_at'] },
    deletion: { action: 'remove' },
  },
  {
    table: 'alert_answers',
    label: 'Your answers to alerts (fixed it, not a leak, expected use, need help), each with its time',
    tie: byAccount('account_id'),
    personalColumns: ['note', 'login_id'],
    category: 'alert_responses',
    export: { columns: ['alert_id', 'answer', 'note', 'answered_at'], orderBy: 'answered_at' },
    // Answers describe what happened in the home; nothing the utility must keep depends on them.
    deletion: { action: 'remove' },
  },
  {
    table: 'alert_actions',
    label: 'Water- and energy-saving steps you told us you took after an alert',
    tie: byAccount('account_id'),
    personalColumns: ['action', 'taken_on', 'login_id'],
    category: 'alert_responses',
    export: { columns: ['alert_id', 'action', 'taken_on', 'recorded_at'], orderBy: 'recorded_at' },
    deletion: { action: 'remove' },
  },
  {
    table: 'support_items',
    label: 'Your requests for help with an alert, and when our team closed them',
    tie: byAccount('account_id'),
    personalColumns: ['closing_note', 'closed_by_login_id'],
    category: 'alert_responses',
    // closed_by_login_id is left out: it identifies a member of staff, not you.
    export: { columns: ['kind', 'alert_id', 'status', 'opened_at', 'closed_at', 'closing_note'], orderBy: 'opened_at' },
    deletion: { action: 'remove' },
  },
  {
    table: 'program_application_documents',
    label: 'Documents sent with those applications',
    tie: {
      by: 'account',
      describe: 'application_id is an application about the account',
      where: (s) => ({ sql: 'application_id IN (SELECT id FROM program_applications WHERE account_id = ?1)', params: [s.accountId] }),
    },
    personalColumns: ['file_name', 'object_key'],
    category: 'program_applications',
    // The files themselves are in file storage (R2), which this map cannot hold: the package lists
    // them, and a deletion removes the objects after these rows (worker/staff/work.ts).
    export: { columns: ['application_id', 'requirement_id', 'file_name', 'content_type', 'size_bytes', 'created_at'], orderBy: 'created_at' },
    deletion: { action: 'remove' },
  },
  {
    table: 'program_application_events',
    label: 'The history of those applications, with what you and our program team wrote',
    tie: {
      by: 'account',
      describe: 'application_id is an application about the account',
      where: (s) => ({ sql: 'application_id IN (SELECT id FROM program_applications WHERE account_id = ?1)', params: [s.accountId] }),
    },
    personalColumns: ['note', 'actor_login_id'],
    category: 'program_applications',
    // actor_login_id is left out: for a staff step it identifies a member of staff.
    export: { columns: ['application_id', 'status', 'note', 'actor_kind', 'at'], orderBy: 'at' },
    deletion: { action: 'remove' },
  },
  {
    table: 'program_applications',
    label: 'Your applications for programs and rebates, with your answers',
    tie: byAccount('account_id'),
    personalColumns: ['answers', 'applicant_login_id', 'installed_on', 'staff_note'],
    category: 'program_applications',
    export: { columns: ['id', 'program_id', 'program_title', 'status', 'answers', 'installed_on', 'staff_note', 'paid_cents', 'paid_on', 'paid_by', 'created_at', 'decided_at'], orderBy: 'created_at' },
    deletion: { action: 'remove' },
  },
  {
    table: 'message_attachments',
    label: 'Files attached to those messages',
    tie: {
      by: 'account',
      describe: 'conversation_id is a conversation about the account',
      where: (s) => ({ sql: 'conversation_id IN (SELECT id FROM conversations WHERE account_id = ?1)', params: [s.accountId] }),
    },
    personalColumns: ['file_name', 'object_key'],
    category: 'support_messages',
    // The files themselves are in file storage (R2), which this map cannot hold: the package lists
    // them, and a deletion removes the objects after these rows (worker/staff/work.ts).
    export: { columns: ['conversation_id', 'message_id', 'file_name', 'content_type', 'size_bytes', 'created_at'], orderBy: 'created_at' },
    deletion: { action: 'remove' },
  },
  {
    table: 'conversation_messages',
    label: 'The messages in those conversations',
    tie: {
      by: 'account',
      describe: 'conversation_id is a conversation about the account',
      where: (s) => ({ sql: 'conversation_id IN (SELECT id FROM conversations WHERE account_id = ?1)', params: [s.accountId] }),
    },
    personalColumns: ['body', 'author_login_id'],
    category: 'support_messages',
    // author_login_id is left out: for a staff reply it identifies a member of staff.
    export: { columns: ['conversation_id', 'author_kind', 'body', 'created_at'], orderBy: 'created_at' },
    deletion: { action: 'remove' },
  },
  {
    table: 'conversations',
    label: 'Your conversations with our support team',
    tie: byAccount('account_id'),
    personalColumns: ['subject', 'opened_by_login_id'],
    category: 'support_messages',
    // assigned_to_login_id is left out: it identifies a member of staff, not you.
    export: { columns: ['id', 'subject', 'topic', 'status', 'created_at', 'last_message_at', 'closed_at'], orderBy: 'created_at' },
    deletion: { action: 'remove' },
  },
  {
    table: 'usage_shards',
    label: 'The databases that hold meter reads',
    tie: { by: 'none', reason: 'Names of the usage databases and how many meters each holds.' },
    personalColumns: [],
    category: null,
    export: { none: 'Not personal data.' },
    deletion: { action: 'none' },
  },
  {
    table: 'usage_shard_map',
    label: "Which database holds each meter's reads",
    tie: { by: 'none', reason: 'A meter id and the name of the database holding its reads: no reads, no person.' },
    personalColumns: [],
    category: null,
    export: { none: 'Not personal data: where your reads are kept, not what they are (those are in meter reads).' },
    deletion: { action: 'none' },
  },
  {
    table: 'usage_peer_groups',
    database: 'usage-shard',
    label: 'Comparison groups for similar homes',
    tie: { by: 'none', reason: 'Group definitions only (meter kind, service area, household-size band).' },
    personalColumns: [],
    category: null,
    export: { none: 'Not personal data.' },
    deletion: { action: 'none' },
  },
  {
    table: 'usage_peer_days',
    database: 'usage-shard',
    label: 'Daily totals of similar homes',
    tie: { by: 'none', reason: 'De-identified sums over a group of homes and its size; shown only when 10 or more homes contribute.' },
    personalColumns: [],
    category: null,
    export: { none: 'Aggregate statistics, not personal data.' },
    deletion: { action: 'none' },
  },
  {
    table: 'ingest_clients',
    label: "The utility's systems that send data",
    tie: { by: 'none', reason: "Public keys of the utility's own systems." },
    personalColumns: [],
    category: null,
    export: { none: 'Not personal data.' },
    deletion: { action: 'none' },
  },
  {
    table: 'ingest_token_ids',
    label: 'Used ingestion token ids',
    tie: { by: 'none', reason: 'Random JWT ids kept until expiry to refuse replays.' },
    personalColumns: [],
    category: null,
    export: { none: 'Not personal data.' },
    deletion: { action: 'none' },
  },
  {
    table: 'ingest_batches',
    label: 'Batches received from the utility',
    tie: {
      by: 'none',
      reason: "Batch ids, body hashes and row counts; no row contents. Where a batch met a contact field the customer had edited, the answer kept here names the account id, the field and the edit time, never the values.",
    },
    personalColumns: [],
    category: null,
    export: { none: 'Not personal data.' },
    deletion: { action: 'none' },
  },
  {
    table: 'link_tokens',
    label: 'Single-use links we e-mailed you (sign-up, password reset, e-mail change)',
    tie: byLogin('login_id'),
    personalColumns: ['new_email'],
    category: 'identifiers',
    export: { columns: ['purpose', 'new_email', 'created_at', 'expires_at', 'used_at'] },
    deletion: { action: 'remove' },
  },
  {
    table: 'throttles',
    label: 'Failed sign-in and sign-up counters',
    tie: {
      by: 'none',
      reason: 'Keyed by an HMAC of the sign-in e-mail or the client address under a secret key, never the value itself; each counter is forgotten a day after its last failure.',
    },
    personalColumns: [],
    category: null,
    export: { none: 'Keyed hashes that cannot be linked back to you without the secret key.' },
    deletion: { action: 'none' },
  },
  {
    table: 'outbox_emails',
    label: 'E-mail we sent you',
    tie: byEmail('to_address'),
    personalColumns: ['to_address', 'body_text', 'headers'],
    category: 'communications',
    // Bodies are left out: they can hold single-use links. Kind, subject and time say what was sent.
    export: { columns: ['kind', 'subject', 'status', 'created_at', 'sent_at'], orderBy: 'created_at' },
    deletion: { action: 'remove' },
  },
  {
    table: 'audit_events',
    label: 'Security and privacy log',
    tie: {
      by: 'account',
      describe: 'subject_account_id is the account, or subject_login_id a login that holds it',
      where: (s) => ({ sql: 'subject_account_id = ?1 OR subject_login_id IN (SELECT value FROM json_each(?2))', params: [s.accountId, JSON.stringify(s.loginIds)] }),
    },
    personalColumns: [],
    category: 'online_activity',
    export: { columns: ['at', 'event', 'detail'], orderBy: 'at' },
    deletion: { action: 'retain', reason: 'Security records (detecting security incidents and fraud); they hold ids and outcomes only, never names or contact details.' },
  },
  {
    table: 'privacy_requests',
    label: 'Privacy requests',
    tie: byAccount('account_id'),
    personalColumns: ['requester_name', 'requester_email', 'account_number_given', 'postal_code_given', 'agent_name', 'agent_email', 'agent_permission', 'details', 'declaration_name'],
    category: 'privacy_requests',
    export: { columns: ['id', 'type', 'state', 'received_at', 'due_on', 'submitted_by', 'requester_name', 'requester_email', 'locale', 'agent_name', 'details', 'closed_at', 'answer'], orderBy: 'received_at' },
    deletion: {
      action: 'replace',
      set: {
        requester_name: DE_IDENTIFIED,
        requester_email: DE_IDENTIFIED,
        account_number_given: null,
        postal_code_given: null,
        agent_name: null,
        agent_email: null,
        agent_permission: null,
        details: null,
        declaration_name: DE_IDENTIFIED,
      },
      reason: 'The record of each request and its answer is kept 24 months, as the CCPA regulations require (11 CCR § 7101), without your name or contact details.',
    },
  },
  {
    table: 'privacy_request_history',
    label: 'Steps taken on your privacy requests',
    tie: {
      by: 'account',
      describe: 'request_id is a request of the account',
      where: (s) => ({ sql: 'request_id IN (SELECT id FROM privacy_requests WHERE account_id = ?1)', params: [s.accountId] }),
    },
    personalColumns: [],
    category: 'privacy_requests',
    export: { columns: ['request_id', 'at', 'from_state', 'to_state', 'actor_kind'], orderBy: 'at' },
    deletion: { action: 'retain', reason: 'Part of the 24-month record of requests (11 CCR § 7101); states and times only.' },
  },
  {
    table: 'privacy_choices',
    label: 'Your opt-out and limit choices',
    tie: byAccount('account_id'),
    personalColumns: [],
    category: 'consent',
    export: { columns: ['opt_out_sale_sharing', 'limit_sensitive_use', 'updated_at'] },
    deletion: { action: 'retain', reason: 'Keeps honouring your opt-out for the premises; flags only, no personal value.' },
  },
  {
    table: 'used_form_tokens',
    label: 'Used form tokens',
    tie: { by: 'none', reason: 'Random token ids and their expiry, kept only to refuse a replayed form; nothing ties them to a person.' },
    personalColumns: [],
    category: null,
    export: { none: 'Not personal data.' },
    deletion: { action: 'none' },
  },
  {
    table: 'consent_records',
    label: 'Cookie consent records',
    tie: {
      by: 'none',
      reason: "Keyed by a random consent id that only the visitor's browser holds (the __Host-consent cookie); no login, account, IP address or user agent is stored, so no row can be tied to a customer.",
    },
    personalColumns: [],
    category: null,
    export: { none: 'Not linked to any person; the choices page shows a visitor their own record.' },
    deletion: { action: 'none' },
  },
  {
    table: 'visit_daily_totals',
    label: 'Daily visit totals',
    tie: { by: 'none', reason: 'Counts per day only; no visitor id of any kind.' },
    personalColumns: [],
    category: null,
    export: { none: 'Aggregate statistics, not personal data.' },
    deletion: { action: 'none' },
  },
  {
    table: 'visit_daily_counts',
    label: 'Daily visit counts by page, entry page and referring site',
    tie: { by: 'none', reason: 'Counts per day and page path or referring domain only; no visitor id of any kind.' },
    personalColumns: [],
    category: null,
    export: { none: 'Aggregate statistics, not personal data.' },
    deletion: { action: 'none' },
  },
  {
    table: 'privacy_request_metrics',
    label: 'Privacy requests by year (published figures)',
    tie: { by: 'none', reason: 'Counts of requests and days to answer per year and kind of request; nothing about any one request.' },
    personalColumns: [],
    category: null,
    export: { none: 'Aggregate statistics, not personal data.' },
    deletion: { action: 'none' },
  },
  {
    table: 'receipt_signing_keys',
    label: 'Receipt signing keys',
    tie: { by: 'none', reason: "The portal's public keys." },
    personalColumns: [],
    category: null,
    export: { none: 'Not personal data.' },
    deletion: { action: 'none' },
  },
];

/** Tables D1 and SQLite keep for themselves. */
export const systemTables = ['d1_migrations', 'sqlite_sequence', '_cf_KV', '_cf_METADATA'];

export function mapEntry(table: string): PersonalDataEntry | undefined {
  return personalDataMap.find((e) => e.table === table);
}
