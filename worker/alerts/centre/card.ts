/** The dashboard's alerts card: how many alerts are open, and the way to the alert centre. */
export { openAlertCount } from './store';

export function alertsCardHtml(open: number): string {
  const headline =
    open === 0
      ? 'No open alerts. We check your reads for leaks and high use as they arrive.'
      : `<strong>${open === 1 ? 'One open alert' : `${open} open alerts`}</strong> ${open === 1 ? 'needs' : 'need'} your answer or attention.`;
  return `<h2>Alerts</h2><p>${headline}</p><p><a href="/account/alerts/">${open === 0 ? 'Alerts and alert settings' : 'See your alerts'}</a></p>`;
}
