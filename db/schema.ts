/** The whole D1 schema, one module per capability; drizzle-kit reads this file. */
export * from './schema/core';
export * from './schema/logins';
export * from './schema/messaging';
export * from './schema/consent';
export * from './schema/requests';
export * from './schema/accounts';
export * from './schema/usage';
export * from './schema/billing';
export * from './schema/alerts';
export * from './schema/preferences';
export * from './schema/second-factor';
export * from './schema/sharing';
export * from './schema/connect-my-data';
export * from './schema/service-requests';
export * from './schema/messages';
export * from './schema/programs';
export * from './schema/locale';
