/** The dashboard's alerts card, in the page's language: how many alerts are open, and the way to the alert centre. */
import { englishLinks, type PageLinks } from '../../i18n/page-links';
export { openAlertCount } from './store';

const words = {
  en: {
    heading: 'Alerts',
    none: 'No open alerts. We check your reads for leaks and high use as they arrive.',
    open: (n: number) => `<strong>${n === 1 ? 'One open alert' : `${n} open alerts`}</strong> ${n === 1 ? 'needs' : 'need'} your answer or attention.`,
    settings: 'Alerts and alert settings',
    see: 'See your alerts',
  },
  es: {
    heading: 'Alertas',
    none: 'No hay alertas abiertas. Revisamos sus lecturas a medida que llegan, por si hay fugas o consumo alto.',
    open: (n: number) => `<strong>${n === 1 ? 'Una alerta abierta' : `${n} alertas abiertas`}</strong> ${n === 1 ? 'espera' : 'esperan'} su respuesta o atención.`,
    settings: 'Alertas y su configuración',
    see: 'Ver sus alertas',
  },
};

export function alertsCardHtml(open: number, links: PageLinks = englishLinks): string {
  const w = words[links.locale];
  return `<h2>${w.heading}</h2><p>${open === 0 ? w.none : w.open(open)}</p><p>${links.a('/account/alerts/', open === 0 ? w.settings : w.see)}</p>`;
}
