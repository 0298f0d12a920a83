/**
 * The demo's second utility: Juniper Valley Water, a small water-only district, in databases of
 * its own (JUNIPER_VALLEY_DB and its usage shard) and served at juniper-valley.localhost:8787 by
 * `npm start`. Published demo credentials, for local runs only:
 * - Customer: demo@customers.example / "Demo-water-meter-2026" (the same person as Alder Creek's
 *   demo customer: each utility keeps its own login), holder of jv-acct-0001.
 * - Staff, password "Staff-demo-portal-2026" and a TOTP code (`npx tsx db/demo/totp-code.ts <secret>`):
 *   privacy-demo@junipervalley-water.example (privacy officer), admin-demo@junipervalley-water.example (admin).
 */
import { juniperValley } from '../../worker/tenants/profiles';
import type { DemoTown } from './customers';
import { DEMO_CUSTOMER, type DemoCustomer, type DemoStaff } from './logins';

export const juniperValleyTown: DemoTown = {
  profile: juniperValley,
  accounts: 60,
  serviceAreas: [
    { name: 'Juniper Valley (town)', city: 'Juniper Valley', postalCode: '95981' },
    { name: 'Sage Flat', city: 'Juniper Valley', postalCode: '95983' },
  ],
  streets: ['Cistern Road', 'Pinyon Way', 'Sage Flat Road', 'Bitterbrush Lane', 'Mesa Court', 'Wellhouse Street'],
  idPrefix: 'jv-',
  accountNumberBase: 7_200_000_000,
  areaCode: '530',
  electricEvery: 0,
};

export const JUNIPER_DEMO_CUSTOMER: DemoCustomer = { ...DEMO_CUSTOMER, id: 'jv-login-demo-customer', accountId: 'jv-acct-0001' };

export const JUNIPER_DEMO_STAFF: readonly DemoStaff[] = [
  { id: 'jv-login-demo-privacy', email: 'privacy-demo@junipervalley-water.example', role: 'privacy_officer', displayName: 'Demo Privacy Officer', totpSecret: 'JLRFDUOLG26TY23E7ALUCACBBL7U6VKU' },
  { id: 'jv-login-demo-admin', email: 'admin-demo@junipervalley-water.example', role: 'admin', displayName: 'Demo Administrator', totpSecret: 'U6HFZHP7SQSFSNDVJSAIGKNSFMDSBUVO' },
];
