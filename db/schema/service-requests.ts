import { sql } from 'drizzle-orm';
import { index, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { accounts, servicePoints } from './core';
import { logins } from './logins';
import { localeColumn } from './locale';

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

export const serviceRequestKinds = ['stop', 'move', 'start'] as const;
export type ServiceRequestKind = (typeof serviceRequestKinds)[number];
export const serviceRequestStates = ['submitted', 'confirmed', 'refused', 'withdrawn'] as const;
export type ServiceRequestState = (typeof serviceRequestStates)[number];

/**
 * A customer's request to stop service at a date, to move (stop here, start at a new address), or
 * a newcomer's request to start service. Staff confirm or refuse it with a reason; a confirmed stop
 * or move ends the account's tenure of the service point on the stop day, so its usage, alerts and
 * bills stop there. The billing system opens the new address's account and sends it as usual.
 */
export const serviceRequests = sqliteTable(
  'service_requests',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: serviceRequestKinds }).notNull(),
    /** The account and login that asked (null for a newcomer's start). */
    accountId: text('account_id').references(() => accounts.id),
    loginId: text('login_id').references(() => logins.id),
    /** The service point to stop (stop and move). */
    servicePointId: text('service_point_id').references(() => servicePoints.id),
    /** The last day of service at the old address (stop and move). */
    stopOn: text('stop_on'),
    /** The first day of service at the new address (move and start). */
    startOn: text('start_on'),
    newStreet: text('new_street'),
    newCity: text('new_city'),
    newPostalCode: text('new_postal_code'),
    /** How to reach a newcomer (a customer is reached at their login). */
    contactName: text('contact_name'),
    contactEmail: text('contact_email'),
    contactPhone: text('contact_phone'),
    /** The language of the form it was sent from: a newcomer's mail is in it. */
    locale: localeColumn(),
    note: text('note'),
    state: text('state', { enum: serviceRequestStates }).notNull().default('submitted'),
    /** Why staff refused it, in words the customer reads. */
    refusalReason: text('refusal_reason'),
    decidedBy: text('decided_by').references(() => logins.id),
    decidedAt: text('decided_at'),
    createdAt: text('created_at').notNull().default(now),
  },
  (t) => [index('service_requests_state').on(t.state, t.createdAt), index('service_requests_account').on(t.accountId, t.createdAt), index('service_requests_login').on(t.loginId, t.createdAt)],
);
