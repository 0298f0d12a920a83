import { alderCreek, type UtilityProfile } from '../../worker/tenants/profiles';
import type { Random } from './random';

const givenNames = ['Ada', 'Bram', 'Celia', 'Dario', 'Elin', 'Farid', 'Greta', 'Hugo', 'Ines', 'Jonah', 'Kaia', 'Luca', 'Mira', 'Nils', 'Odette', 'Pavel', 'Quinn', 'Rosa', 'Soren', 'Talia', 'Umar', 'Vera', 'Wes', 'Xenia', 'Yusuf', 'Zora'];
const familyNames = ['Abernathy', 'Bellweather', 'Castellan', 'Dunmore', 'Eversley', 'Fairbanks', 'Galloway', 'Hartwell', 'Ivanova', 'Jessup', 'Kettering', 'Lindqvist', 'Marchetti', 'Northcott', 'Okafor', 'Pemberton', 'Quintero', 'Rasmussen', 'Sato', 'Thistlewood', 'Underhill', 'Valdez', 'Whitlock', 'Yardley', 'Zelinski'];

/** Where a demo utility's customers live and what they have: each demo utility is one. */
export type DemoTown = {
  profile: UtilityProfile;
  accounts: number;
  /** Two service areas, so that "similar homes" comparisons have something to compare within; every fifth account is in the second. */
  serviceAreas: readonly [DemoArea, DemoArea];
  streets: readonly string[];
  /** Ids and numbers of its accounts, meters and service points start with these, so no two demo utilities share one. */
  idPrefix: string;
  accountNumberBase: number;
  areaCode: string;
  /** Every n-th account also has a 15-minute electricity meter (0: water only). */
  electricEvery: number;
};
type DemoArea = { name: string; city: string; postalCode: string };

export const alderCreekTown: DemoTown = {
  profile: alderCreek,
  accounts: 300,
  serviceAreas: [
    { name: 'Alder Creek (city)', city: 'Alder Creek', postalCode: '95990' },
    { name: 'Bramble Hills', city: 'Bramble Hills', postalCode: '95994' },
  ],
  streets: ['Millrace Street', 'Heron Way', 'Cottonwood Lane', 'Quarry Road', 'Sycamore Court', 'Ridgeline Drive', 'Orchard Loop', 'Willow Bend', 'Granary Avenue', 'Fernhill Terrace'],
  idPrefix: '',
  accountNumberBase: 4_100_000_000,
  areaCode: '209',
  electricEvery: 4,
};

export const serviceAreas = alderCreekTown.serviceAreas;

export type DemoAccount = {
  id: string;
  accountNumber: string;
  holderName: string;
  email: string;
  phone: string;
  servicePoint: { id: string; street: string; city: string; postalCode: string; serviceArea: string };
  meters: { id: string; serial: string; kind: 'water' | 'electric'; unit: 'gal' | 'kWh'; intervalMinutes: number }[];
};

export const DEMO_ACCOUNT_COUNT = alderCreekTown.accounts;

/** Fictional customers: every address is in the fictional town, every e-mail at `.example`, every phone 555-01xx. */
export function demoAccounts(random: Random, town: DemoTown = alderCreekTown): DemoAccount[] {
  const p = town.idPrefix;
  return Array.from({ length: town.accounts }, (_, i) => {
    const n = i + 1;
    const given = random.pick(givenNames);
    const family = random.pick(familyNames);
    const area = town.serviceAreas[n % 5 === 0 ? 1 : 0];
    const street = `${random.int(10, 2999)} ${random.pick(town.streets)}`;
    const id = `${p}acct-${String(n).padStart(4, '0')}`;
    const electric = town.electricEvery > 0 && n % town.electricEvery === 0;
    return {
      id,
      accountNumber: String(town.accountNumberBase + n * 7919).padStart(10, '0'),
      holderName: `${given} ${family}`,
      email: `${given}.${family}.${n}@customers.example`.toLowerCase(),
      phone: `+1-${town.areaCode}-555-01${String(n % 100).padStart(2, '0')}`,
      servicePoint: { id: `${p}sp-${String(n).padStart(4, '0')}`, street, city: area.city, postalCode: area.postalCode, serviceArea: area.name },
      meters: [
        { id: `${p}mtr-w-${String(n).padStart(4, '0')}`, serial: `W${String(70_000_000 + n)}`, kind: 'water', unit: 'gal', intervalMinutes: 60 },
        ...(electric ? [{ id: `${p}mtr-e-${String(n).padStart(4, '0')}`, serial: `E${String(50_000_000 + n)}`, kind: 'electric' as const, unit: 'kWh' as const, intervalMinutes: 15 }] : []),
      ],
    };
  });
}

/** A demo utility's row in its own database's `utilities`. */
export const utilityRow = (u: UtilityProfile) => ({
  id: u.id,
  name: u.name,
  legalName: u.legalName,
  timeZone: u.timeZone,
  serviceArea: u.serviceArea,
  contactEmail: u.emails.customerService,
  contactPhone: u.phone,
  privacyEmail: u.emails.privacy,
});

export const demoUtilityRow = utilityRow(alderCreek);
