/**
 * The site's chrome in English: the source of truth for every key. es.ts must have exactly these
 * keys (a missing or extra key is a type error there, and test/site/i18n.test.ts checks it too).
 * Page prose lives in the pages; this catalog holds what every page shares.
 */
import { cookieCategoryInfo } from '../../worker/shared/cookie-registry';
import { utility } from '../../worker/shared/utility';

export const en = {
  'lang.name': 'English',
  'lang.switchTo': 'Español',
  'lang.englishOnly': '(in English)',

  'utility.serviceArea': utility.serviceArea,
  'utility.hours': utility.hours,

  'skipLink': 'Skip to main content',
  'nav.main': 'Main',
  'nav.home': 'Home',
  'nav.programs': 'Programs & rebates',
  'nav.help': 'Help',
  'nav.contact': 'Contact',
  'nav.signIn': 'Sign in',
  'nav.footer': 'Privacy, legal and help',
  'nav.language': 'Language',
  'footer.privacyNotice': 'Privacy notice',
  'footer.cookiePolicy': 'Cookie policy',
  'footer.cookieSettings': 'Cookie settings',
  'footer.privacyChoices': 'Your privacy choices',
  'footer.privacyRequest': 'Make a privacy request',
  'footer.accessibility': 'Accessibility',
  'footer.contact': 'Contact',
  'footer.security': 'Security',

  'banner.title': 'Cookies on this site',
  'banner.descBefore':
    'We use the cookies this site needs to work. With your permission we would also count visits with our own first-party analytics: no advertising, no third parties. Nothing optional is used until you choose, and you can change your mind any time under',
  'banner.settingsLink': 'Cookie settings',
  'banner.gpcTitle': 'Global Privacy Control detected.',
  'banner.gpcText': 'Your browser asks sites not to track you: we honour it, so analytics is off and stays off while your browser sends the signal.',
  'banner.acceptAll': 'Accept all',
  'banner.rejectAll': 'Reject all',
  'banner.customize': 'Customize',
  'banner.chooseCategories': 'Choose cookie categories',
  'banner.save': 'Save my choices',
  'banner.savedOn': 'Cookie choices saved. Analytics is on. Change them any time under Cookie settings.',
  'banner.savedOff': 'Cookie choices saved. Analytics is off. Change them any time under Cookie settings.',
  'banner.closed': 'Cookie banner closed without a choice. Only strictly necessary cookies are used.',
  // What the worker puts in the banner's place after a choice sent without JavaScript (worker/consent/reflect.ts).
  'banner.notice.saved': 'Your cookie choices are saved.',
  'banner.notice.withdrawn': 'Your consent is withdrawn.',
  'banner.notice.change': 'Change them any time',
  'banner.notice.busy': 'We could not save that choice just now: too many came from your network. Please try again in an hour.',
  'banner.notice.busyKeeps': 'Until then your earlier choice stays in place.',
  'banner.notice.busyNecessary': 'Until then we use only strictly necessary cookies.',

  'cookies.alwaysOn': 'Always on',
  'cookies.gpcOff': 'Off: your browser sends a Global Privacy Control signal, which we honour.',
  'cookies.none': 'Cookies: none.',
  'cookies.list': 'Cookies:',
  // The category texts the worker's choices page shares (worker/shared/cookie-registry.ts).
  'cookies.necessary.label': cookieCategoryInfo.necessary.label,
  'cookies.necessary.description': cookieCategoryInfo.necessary.description,
  'cookies.preferences.label': cookieCategoryInfo.preferences.label,
  'cookies.preferences.description': cookieCategoryInfo.preferences.description,
  'cookies.analytics.label': cookieCategoryInfo.analytics.label,
  'cookies.analytics.description': cookieCategoryInfo.analytics.description,
} as const;

export type MessageKey = keyof typeof en;
/** The shape every other language's catalog has: the same keys, each a string. */
export type Messages = { readonly [K in MessageKey]: string };
