/**
 * The fictional utility this portal is demonstrated with. One source for the site's pages, the
 * worker's well-known files and the demo data. Every contact detail is reserved for fiction
 * (`.example` domain, 555-01xx numbers).
 */
export const utility = {
  id: 'alder-creek',
  name: 'Alder Creek Water & Power',
  shortName: 'Alder Creek',
  legalName: 'Alder Creek Municipal Utility District',
  services: ['water', 'electricity'] as const,
  serviceArea: 'the City of Alder Creek and the unincorporated Bramble Hills, California',
  timeZone: 'America/Los_Angeles',
  address: { street: '400 Millrace Street', city: 'Alder Creek', region: 'CA', postalCode: '95990' },
  phone: '+1-209-555-0142',
  phoneDisplay: '(209) 555-0142',
  hours: 'Monday to Friday, 8 a.m. to 5 p.m. Pacific time',
  emails: {
    customerService: 'help@aldercreek-utility.example',
    privacy: 'privacy@aldercreek-utility.example',
    security: 'security@aldercreek-utility.example',
    accessibility: 'access@aldercreek-utility.example',
  },
} as const;

export type Utility = typeof utility;
