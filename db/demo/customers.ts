import { utility } from '../../worker/shared/utility';
import type { Random } from './random';

const givenNames = ['Ada', 'Bram', 'Celia', 'Dario', 'Elin', 'Farid', 'Greta', 'Hugo', 'Ines', 'Jonah', 'Kaia', 'Luca', 'Mira', 'Nils', 'Odette', 'Pavel', 'Quinn', 'Rosa', 'Soren', 'Talia', 'Umar', 'Vera', 'Wes', 'Xenia', 'Yusuf', 'Zora'];
const familyNames = ['Abernathy', 'Bellweather', 'Castellan', 'Dunmore', 'Eversley', 'Fairbanks', 'Galloway', 'Hartwell', 'Ivanova', 'Jessup', 'Kettering', 'Lindqvist', 'Marchetti', 'Northcott', 'Okafor', 'Pemberton', 'Quintero', 'Rasmussen', 'Sato', 'Thistlewood', 'Underhill', 'Valdez', 'Whitlock', 'Yardley', 'Zelinski'];
const streets = ['Millrace Street', 'Heron Way', 'Cottonwood Lane', 'Quarry Road', 'Sycamore Court', 'Ridgeline Drive', 'Orchard Loop', 'Willow Bend', 'Granary Avenue', 'Fernhill Terrace'];

/** Two service areas, so that "similar homes" comparisons have something to compare within. */
export const serviceAreas = [
  { name: 'Alder Creek (city)', city: 'Alder Creek', postalCode: '95990' },
  { name: 'Bramble Hills', city: 'Bramble Hills', postalCode: '95994' },
] as const;

export type DemoAccount = {
  id: string;
  accountNumber: string;
  holderName: string;
  email: string;
  phone: string;
  servicePoint: { id: string; street: string; city: string; postalCode: string; serviceArea: string };
  meters: { id: string; serial: string; kind: 'water' | 'electric'; unit: 'gal' | 'kWh'; intervalMinutes: number }[];
};

export const DEMO_ACCOUNT_COUNT = 300;

/** Fictional customers: every address is in the fictional town, every e-mail at `.example`, every phone 555-01xx. */
export function demoAccounts(random: Random): DemoAccount[] {
  return Array.from({ length: DEMO_ACCOUNT_COUNT }, (_, i) => {
    const n = i + 1;
    const given = random.pick(givenNames);
    const family = random.pick(familyNames);
    const area = serviceAreas[n % 5 === 0 ? 1 : 0]!;
    const street = `${random.int(10, 2999)} ${random.pick(streets)}`;
    const id = `acct-${String(n).padStart(4, '0')}`;
    const electric = n % 4 === 0;
    return {
      id,
      accountNumber: String(4_100_000_000 + n * 7919).padStart(10, '0'),
      holderName: `${given} ${family}`,
      email: `${given}.${family}.${n}@customers.example`.toLowerCase(),
      phone: `+1-209-555-01${String(n % 100).padStart(2, '0')}`,
      servicePoint: { id: `sp-${String(n).padStart(4, '0')}`, street, city: area.city, postalCode: area.postalCode, serviceArea: area.name },
      meters: [
        { id: `mtr-w-${String(n).padStart(4, '0')}`, serial: `W${String(70_000_000 + n)}`, kind: 'water', unit: 'gal', intervalMinutes: 60 },
        ...(electric ? [{ id: `mtr-e-${String(n).padStart(4, '0')}`, serial: `E${String(50_000_000 + n)}`, kind: 'electric' as const, unit: 'kWh' as const, intervalMinutes: 15 }] : []),
      ],
    };
  });
}

export const demoUtilityRow = {
  id: utility.id,
  name: utility.name,
  legalName: utility.legalName,
  timeZone: utility.timeZone,
  serviceArea: utility.serviceArea,
  contactEmail: utility.emails.customerService,
  contactPhone: utility.phone,
  privacyEmail: utility.emails.privacy,
};
