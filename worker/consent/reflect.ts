import { t, type Locale } from '../../site/i18n';
import { cookieCategoryInfo } from '../shared/cookie-registry';
import { utility } from '../shared/utility';
import type { ConsentView } from './state';

/**
 * Rewrites a static page so it reflects the visitor's consent with no script and no extra request.
 * The markup contract (site/components/CookieBanner.astro, site/pages/privacy/choices.astro):
 * - `[data-cc-banner]` is removed once a current choice is on file (or becomes a short "saved"
 *   confirmation right after a form post);
 * - `[data-cc-gpc]` notes lose `hidden` when the request carries `Sec-GPC: 1`, and
 *   `input[data-cc-analytics]` boxes are disabled then;
 * - on the choices page, `[data-cc-settings]` boxes are ticked as last chosen, `[data-cc-state]` and
 *   `[data-cc-gpc-state]` describe the choice and the signal, `[data-cc-flash]` confirms a post;
 * - `<html>` gets `data-consent` (chosen|ask), `data-analytics` (on|off) and `data-gpc` for the script.
 */
export function reflectConsent(res: Response, view: ConsentView, options: { flash: 'saved' | 'withdrawn' | 'busy' | null; locale?: Locale }): Response {
  const locale = options.locale ?? 'en';
  const when = view.state ? formatDay(view.state.givenAt) : '';
  const rewriter = new HTMLRewriter()
    .on('html', {
      element(el) {
        el.setAttribute('data-consent', view.chosen ? 'chosen' : 'ask');
        el.setAttribute('data-analytics', view.allowed.analytics ? 'on' : 'off');
        if (view.gpcSignal) el.setAttribute('data-gpc', '1');
      },
    })
    .on('[data-cc-banner]', {
      element(el) {
        if (!view.chosen) return;
        if (options.flash) {
          el.replace(savedNotice(options.flash, view, locale), { html: true });
        } else {
          el.remove();
        }
      },
    })
    .on('[data-cc-banner] #cc-desc', {
      element(el) {
        // The banner stays (no choice on file) and says why the last one was not saved.
        if (options.flash === 'busy' && !view.chosen) el.after(`<p class="cc-error" role="alert">${busyText(view, locale)}</p>`, { html: true });
      },
    })
    .on('[data-cc-gpc]', {
      element(el) {
        if (view.gpcSignal) el.removeAttribute('hidden');
      },
    })
    .on('input[data-cc-analytics]', {
      element(el) {
        if (view.gpcSignal) el.setAttribute('disabled', '');
      },
    })
    .on('[data-cc-settings] input[name="preferences"]', {
      element(el) {
        if (view.allowed.preferences) el.setAttribute('checked', '');
      },
    })
    .on('[data-cc-settings] input[name="analytics"]', {
      element(el) {
        if (view.allowed.analytics) el.setAttribute('checked', '');
      },
    })
    .on('[data-cc-state]', {
      element(el) {
        el.setInnerContent(describeChoice(view, when));
      },
    })
    .on('[data-cc-gpc-state]', {
      element(el) {
        el.setInnerContent(
          view.gpcSignal
            ? `Detected: your browser is sending a Global Privacy Control signal. We honour it as your opt-out: analytics is off and stays off while the signal is on.${
                view.current && view.state!.gpc ? ' It is noted with your cookie choice.' : ''
              }`
            : 'Not detected: your browser is not sending a Global Privacy Control signal on this visit.',
        );
      },
    })
    .on('[data-cc-flash]', {
      element(el) {
        if (!options.flash) return;
        el.removeAttribute('hidden');
        el.setInnerContent(
          options.flash === 'saved'
            ? 'Your cookie choices are saved.'
            : options.flash === 'withdrawn'
              ? 'Your consent is withdrawn: only strictly necessary cookies are used, and the analytics cookie is deleted.'
              : busyText(view),
        );
      },
    });
  return rewriter.transform(res);
}

function formatDay(epochSeconds: number) {
  return new Date(epochSeconds * 1000).toLocaleDateString('en-US', { dateStyle: 'long', timeZone: utility.timeZone });
}

function describeChoice(view: ConsentView, when: string): string {
  const s = view.state;
  if (!s) return 'You have not made a choice yet. Until you do, we use only strictly necessary cookies.';
  if (view.staleBecause === 'policy_version') return `You chose on ${when} for an earlier version of our cookie policy. Please choose again; until you do, we use only strictly necessary cookies.`;
  if (view.staleBecause === 'expired') return `Your choice of ${when} is more than 12 months old. Please choose again; until you do, we use only strictly necessary cookies.`;
  if (s.method === 'gpc') return `On ${when} we recorded your browser's Global Privacy Control signal as an opt-out of analytics. You have not made any other choice.`;
  const allowed = (['preferences', 'analytics'] as const).filter((k) => view.allowed[k]).map((k) => cookieCategoryInfo[k].label);
  return allowed.length
    ? `On ${when} you allowed: ${allowed.join('; ')}, besides strictly necessary cookies.`
    : `On ${when} you chose strictly necessary cookies only.`;
}

function busyText(view: ConsentView, locale: Locale = 'en') {
  const say = t(locale);
  return `${say('banner.notice.busy')} ${say(view.chosen ? 'banner.notice.busyKeeps' : 'banner.notice.busyNecessary')}`;
}

/** The banner's place after a choice sent without JavaScript, in the page's language (the settings page is English only for now). */
function savedNotice(flash: 'saved' | 'withdrawn' | 'busy', view: ConsentView, locale: Locale) {
  const say = t(locale);
  const settings = (text: string) => `<a href="/privacy/choices/#cookies"${locale === 'en' ? '' : ' hreflang="en"'}>${text}</a>${locale === 'en' ? '' : ` ${say('lang.englishOnly')}`}`;
  if (flash === 'busy') return `<div class="cc cc-saved" role="alert"><p>${busyText(view, locale)} ${settings(say('banner.settingsLink'))}.</p></div>`;
  return `<div class="cc cc-saved" role="status"><p>${say(flash === 'saved' ? 'banner.notice.saved' : 'banner.notice.withdrawn')} ${settings(say('banner.notice.change'))}.</p></div>`;
}
