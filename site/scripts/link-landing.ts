/**
 * Landing pages of e-mailed links. A link keeps its secret in the URL fragment, which a browser
 * never sends to a server nor in a Referer, so no request log holds it. This script moves the
 * secret into the page's form (`data-link-fields` names the fields it may fill), takes it out of
 * the address bar and history, and hides the "paste the code" field it filled. A form marked
 * `data-link-submit` (a page that only shows something, like a request's status) is then sent at
 * once; the others wait for the person to press the button, so a mail scanner that opens links
 * cannot use them up. Without JavaScript the page asks for the code, which the e-mail shows alone.
 */
function takeFromFragment() {
  const params = new URLSearchParams(window.location.hash.slice(1));
  const toSubmit: HTMLFormElement[] = [];
  let used = false;
  for (const form of document.querySelectorAll<HTMLFormElement>('form[data-link-fields]')) {
    const names = (form.dataset.linkFields ?? '').split(',').map((n) => n.trim()).filter(Boolean);
    let filled = 0;
    for (const name of names) {
      const value = params.get(name);
      const input = form.elements.namedItem(name);
      if (!value || !(input instanceof HTMLInputElement)) continue;
      input.value = value;
      input.closest<HTMLElement>('[data-code-field]')?.setAttribute('hidden', '');
      filled++;
    }
    if (filled === 0) continue;
    used = true;
    if ('linkSubmit' in form.dataset) toSubmit.push(form);
  }
  if (used) window.history.replaceState(window.history.state, '', window.location.pathname + window.location.search);
  for (const form of toSubmit) form.requestSubmit();
}

takeFromFragment();
// A link to this very page (such as the status page's own "keep this link") only changes the fragment.
window.addEventListener('hashchange', takeFromFragment);
