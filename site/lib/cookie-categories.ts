import type { CookieCategory } from '../../worker/shared/cookie-registry';

/** How the site names and explains each cookie category (the registry holds the cookies). */
export const cookieCategoryText: Record<CookieCategory, { title: string; description: string; needsConsent: boolean }> = {
  necessary: {
    title: 'Strictly necessary',
    description:
      'Needed for the portal to work: keeping you signed in and remembering your cookie choices. They are set without asking, because the portal cannot work without them, and they are never used to track you.',
    needsConsent: false,
  },
  preferences: {
    title: 'Preferences',
    description: 'Would remember settings you choose for how the portal looks and behaves. We set no preference cookie today; if we add one, it will be listed here and we will ask you again.',
    needsConsent: true,
  },
  analytics: {
    title: 'Analytics',
    description:
      'Help us count visits and see which pages are used, as totals on our own servers. No outside analytics company receives them. Set only if you allow them.',
    needsConsent: true,
  },
};
