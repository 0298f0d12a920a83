import { t, type Locale } from '../../site/i18n';
import { formatsFor } from '../i18n/format';
import { localDate } from '../requests/deadlines';
import { utility } from '../tenants/scope';
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
  const when = view.state ? formatDay(view.state.givenAt, locale) : '';
  const w = choiceText[locale];
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
        el.setInnerContent(describeChoice(view, when, locale));
      },
    })
    .on('[data-cc-gpc-state]', {
      element(el) {
        el.setInnerContent(
          view.gpcSignal ? `${w.gpcDetected}${view.current && view.state!.gpc ? ` ${w.gpcNoted}` : ''}` : w.gpcNotDetected,
        );
      },
    })
    .on('[data-cc-flash]', {
      element(el) {
        if (!options.flash) return;
        el.removeAttribute('hidden');
        el.setInnerContent(
          options.flash === 'saved' ? w.saved : options.flash === 'withdrawn' ? w.withdrawn : busyText(view, locale),
        );
      },
    });
  return rewriter.transform(res);
}

/** The words of the choices page that depend on the visitor's choice and signal. */
const choiceText = {
  en: {
    none: 'You have not made a choice yet. Until you do, we use only strictly necessary cookies.',
    oldPolicy: (when: string) => `You chose on ${when} for an earlier version of our cookie policy. Please choose again; until you do, we use only strictly necessary cookies.`,
    expired: (when: string) => `Your choice of ${when} is more than 12 months old. Please choose again; until you do, we use only strictly necessary cookies.`,
    gpcOnly: (when: string) => `On ${when} we recorded your browser's Global Privacy Control signal as an opt-out of analytics. You have not made any other choice.`,
    allowed: (when: string, allowed: string[]) => `On ${when} you allowed: ${allowed.join('; ')}, besides strictly necessary cookies.`,
    necessaryOnly: (when: string) => `On ${when} you chose strictly necessary cookies only.`,
    gpcDetected: 'Detected: your browser is sending a Global Privacy Control signal. We honour it as your opt-out: analytics is off and stays off while the signal is on.',
    gpcNoted: 'It is noted with your cookie choice.',
    gpcNotDetected: 'Not detected: your browser is not sending a Global Privacy Control signal on this visit.',
    saved: 'Your cookie choices are saved.',
    withdrawn: 'Your consent is withdrawn: only strictly necessary cookies are used, and the analytics cookie is deleted.',
  },
  es: {
    none: 'Todavía no ha elegido. Mientras no elija, solo usamos las cookies estrictamente necesarias.',
    oldPolicy: (when: string) => `Eligió el ${when}, con una versión anterior de nuestra política de cookies. Vuelva a elegir, por favor; mientras tanto, solo usamos las cookies estrictamente necesarias.`,
    expired: (when: string) => `Su elección del ${when} tiene más de 12 meses. Vuelva a elegir, por favor; mientras tanto, solo usamos las cookies estrictamente necesarias.`,
    gpcOnly: (when: string) => `El ${when} anotamos la señal de Global Privacy Control de su navegador como su rechazo de las estadísticas. No ha hecho ninguna otra elección.`,
    allowed: (when: string, allowed: string[]) => `El ${when} permitió: ${allowed.join('; ')}, además de las cookies estrictamente necesarias.`,
    necessaryOnly: (when: string) => `El ${when} eligió solo las cookies estrictamente necesarias.`,
    gpcDetected: 'Detectada: su navegador envía una señal de Global Privacy Control. La respetamos como su rechazo: las estadísticas están desactivadas y seguirán así mientras la señal esté activa.',
    gpcNoted: 'Queda anotada junto con su elección de cookies.',
    gpcNotDetected: 'No detectada: su navegador no envía una señal de Global Privacy Control en esta visita.',
    saved: 'Guardamos sus opciones de cookies.',
    withdrawn: 'Retiró su consentimiento: solo usamos las cookies estrictamente necesarias y borramos la cookie de estadísticas.',
  },
} satisfies Record<Locale, Record<string, string | ((...args: never[]) => string)>>;

/** The day a choice was made, in the utility's calendar and the page's language. */
function formatDay(epochSeconds: number, locale: Locale) {
  return formatsFor(locale).day(localDate(new Date(epochSeconds * 1000), utility().timeZone));
}

function describeChoice(view: ConsentView, when: string, locale: Locale): string {
  const w = choiceText[locale];
  const s = view.state;
  if (!s) return w.none;
  if (view.staleBecause === 'policy_version') return w.oldPolicy(when);
  if (view.staleBecause === 'expired') return w.expired(when);
  if (s.method === 'gpc') return w.gpcOnly(when);
  const say = t(locale);
  const allowed = (['preferences', 'analytics'] as const).filter((k) => view.allowed[k]).map((k) => say(`cookies.${k}.label`));
  return allowed.length ? w.allowed(when, allowed) : w.necessaryOnly(when);
}

function busyText(view: ConsentView, locale: Locale = 'en') {
  const say = t(locale);
  return `${say('banner.notice.busy')} ${say(view.chosen ? 'banner.notice.busyKeeps' : 'banner.notice.busyNecessary')}`;
}

/** The banner's place after a choice sent without JavaScript, in the page's language, linking to the choices page in it. */
function savedNotice(flash: 'saved' | 'withdrawn' | 'busy', view: ConsentView, locale: Locale) {
  const say = t(locale);
  const settings = (text: string) => `<a href="${locale === 'es' ? '/es' : ''}/privacy/choices/#cookies">${text}</a>`;
  if (flash === 'busy') return `<div class="cc cc-saved" role="alert"><p>${busyText(view, locale)} ${settings(say('banner.settingsLink'))}.</p></div>`;
  return `<div class="cc cc-saved" role="status"><p>${say(flash === 'saved' ? 'banner.notice.saved' : 'banner.notice.withdrawn')} ${settings(say('banner.notice.change'))}.</p></div>`;
}
