/**
 * The utilities (tenants) one deployment serves, as their customers see them: names, contacts,
 * time zone and services (brand colours: site/styles/global.css, by `data-tenant`). Both are fictional: every contact detail is reserved for
 * fiction (`.example` domains, 555-01xx numbers). The site is built once per profile
 * (site/lib/tenant.ts); the worker reads the request's own (worker/tenants/scope.ts).
 */
export type UtilityProfile = {
  id: string;
  name: string;
  shortName: string;
  legalName: string;
  services: readonly ('water' | 'electricity')[];
  serviceArea: string;
  timeZone: string;
  address: { street: string; city: string; region: string; postalCode: string };
  phone: string;
  phoneDisplay: string;
  hours: string;
  /** The words above, in Spanish. */
  es: { serviceArea: string; hours: string };
  emails: { customerService: string; privacy: string; security: string; accessibility: string };
};

export const alderCreek: UtilityProfile = {
  id: 'alder-creek',
  name: 'Alder Creek Water & Power',
  shortName: 'Alder Creek',
  legalName: 'Alder Creek Municipal Utility District',
  services: ['water', 'electricity'],
  serviceArea: 'the City of Alder Creek and the unincorporated Bramble Hills, California',
  timeZone: 'America/Los_Angeles',
  address: { street: '400 Millrace Street', city: 'Alder Creek', region: 'CA', postalCode: '95990' },
  phone: '+1-209-555-0142',
  phoneDisplay: '(209) 555-0142',
  hours: 'Monday to Friday, 8 a.m. to 5 p.m. Pacific time',
  es: {
    serviceArea: 'la ciudad de Alder Creek y la zona no incorporada de Bramble Hills, California',
    hours: 'de lunes a viernes, de 8 a.m. a 5 p.m., hora del Pacífico',
  },
  emails: {
    customerService: 'help@aldercreek-utility.example',
    privacy: 'privacy@aldercreek-utility.example',
    security: 'security@aldercreek-utility.example',
    accessibility: 'access@aldercreek-utility.example',
  },
};

/** A water-only district, the second utility of the demo. */
export const juniperValley: UtilityProfile = {
  id: 'juniper-valley',
  name: 'Juniper Valley Water',
  shortName: 'Juniper Valley',
  legalName: 'Juniper Valley Water District',
  services: ['water'],
  serviceArea: 'the Town of Juniper Valley and the Sage Flat area, California',
  timeZone: 'America/Los_Angeles',
  address: { street: '12 Cistern Road', city: 'Juniper Valley', region: 'CA', postalCode: '95981' },
  phone: '+1-530-555-0127',
  phoneDisplay: '(530) 555-0127',
  hours: 'Monday to Friday, 7:30 a.m. to 4:30 p.m. Pacific time',
  es: {
    serviceArea: 'el pueblo de Juniper Valley y la zona de Sage Flat, California',
    hours: 'de lunes a viernes, de 7:30 a.m. a 4:30 p.m., hora del Pacífico',
  },
  emails: {
    customerService: 'help@junipervalley-water.example',
    privacy: 'privacy@junipervalley-water.example',
    security: 'security@junipervalley-water.example',
    accessibility: 'access@junipervalley-water.example',
  },
};
