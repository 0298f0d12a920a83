/**
 * Enhances the cookie banner (the page works without this) and sends first-party visit beacons,
 * but only after analytics consent. The worker reflects consent into the page (<html data-consent,
 * data-analytics, data-gpc>), so nothing here asks the server anything before a choice.
 */
import type { ConsentJson, ConsentResponse } from '../../worker/shared/consent-schema';

const root = document.documentElement;
const $ = <T extends Element>(selector: string) => document.querySelector<T>(selector);
const $$ = <T extends Element>(selector: string) => document.querySelectorAll<T>(selector);
const navigatorGpc = (navigator as Navigator & { globalPrivacyControl?: boolean }).globalPrivacyControl === true;
const gpc = root.dataset.gpc === '1' || navigatorGpc;
const banner = $<HTMLElement>('[data-cc-banner]');
const live = $<HTMLElement>('[data-cc-live]');
const main = $<HTMLElement>('#main') ?? document.body;

function say(text: string) {
  if (live) live.textContent = text;
}

function post(body: ConsentJson): Promise<ConsentResponse | null> {
  return fetch('/api/consent', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
    .then((r) => (r.ok ? (r.json() as Promise<ConsentResponse>) : null))
    .catch(() => null);
}

// ---- Visit statistics: only with analytics allowed and no GPC signal. ----
let shownAt = 0;
let left = true;
const send = (data: object) => navigator.sendBeacon('/api/visits', JSON.stringify(data));

function view() {
  let r = '';
  try {
    r = document.referrer ? new URL(document.referrer).hostname : '';
  } catch {}
  send(r && r !== location.hostname ? { t: 'view', p: location.pathname, r } : { t: 'view', p: location.pathname });
  shownAt = performance.now();
  left = false;
}

function leave() {
  if (left) return;
  left = true;
  send({ t: 'leave', p: location.pathname, ms: Math.round(performance.now() - shownAt) });
}

let counting = false;
function startCounting() {
  if (counting || gpc) return;
  counting = true;
  view();
  addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && leave());
  addEventListener('pagehide', leave);
  addEventListener('pageshow', (e) => e.persisted && view());
}

if (root.dataset.analytics === 'on') startCounting();

// ---- Global Privacy Control seen only by the page (no Sec-GPC header reached the worker). ----
if (navigatorGpc && root.dataset.gpc !== '1') {
  $$<HTMLElement>('[data-cc-gpc]').forEach((el) => (el.hidden = false));
  $$<HTMLInputElement>('input[data-cc-analytics]').forEach((box) => ((box.checked = false), (box.disabled = true)));
  // Only a consent that still allows analytics has anything to change; otherwise the signal is honoured here alone.
  if (root.dataset.analytics === 'on') {
    void post({ method: 'gpc', preferences: false, analytics: false, gpc: true });
  }
}

// ---- The banner: choose without a reload, manage focus, Escape never accepts. ----
if (banner) {
  const form = banner.querySelector<HTMLFormElement>('form')!;
  const custom = banner.querySelector<HTMLDetailsElement>('[data-cc-custom]')!;
  /** The banner's announcements in the page's language (data-cc-msg-* on the banner, site/i18n). */
  const message = (key: 'ccMsgSavedOn' | 'ccMsgSavedOff' | 'ccMsgClosed', fallback: string) => banner.dataset[key] ?? fallback;

  const close = (message: string) => {
    banner.hidden = true;
    say(message);
    main.focus();
  };

  let plain = false;
  form.addEventListener('submit', async (event) => {
    if (plain) return;
    event.preventDefault();
    const submitter = event.submitter as HTMLButtonElement | null;
    const choice = submitter?.value;
    const all = choice === 'accept_all';
    const ticked = (name: string) => choice === 'custom' && (form.elements.namedItem(name) as HTMLInputElement).checked;
    const result = await post({
      method: 'banner',
      preferences: all || ticked('preferences'),
      analytics: !gpc && (all || ticked('analytics')),
      ...(navigatorGpc ? { gpc: true } : {}),
    });
    if (!result) {
      // Let the plain form post it; the server answers with the page and a message.
      plain = true;
      form.requestSubmit(submitter);
      return;
    }
    root.dataset.consent = 'chosen';
    close(result.allowed.analytics ? message('ccMsgSavedOn', 'Cookie choices saved. Analytics is on. Change them any time under Cookie settings.') : message('ccMsgSavedOff', 'Cookie choices saved. Analytics is off. Change them any time under Cookie settings.'));
    if (result.allowed.analytics) startCounting();
  });

  banner.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    if (custom.open) {
      custom.open = false;
      custom.querySelector<HTMLElement>('summary')!.focus();
    } else {
      // Closing is not consenting: nothing is recorded and only necessary cookies stay in use.
      close(message('ccMsgClosed', 'Cookie banner closed without a choice. Only strictly necessary cookies are used.'));
    }
  });

  if (document.activeElement === document.body || document.activeElement === null) banner.focus({ preventScroll: true });
}
