/**
 * Passkeys in the browser (WebAuthn needs JavaScript; every page keeps the password and code path
 * that works without it). On @simplewebauthn/browser, which turns the server's JSON options into
 * the WebAuthn API's binary arguments and back.
 *
 * - Sign-in page: passkey autofill ("conditional UI": the e-mail field offers the portal's passkeys,
 *   `autocomplete="username webauthn"`), and a "Sign in with a passkey" button for a modal prompt.
 * - Security page: "Add a passkey" (registration), with an optional name.
 * - Second sign-in step and the confirmation page: a "Use a passkey" button; the route it posts to
 *   is the button's `data-passkey-proof` attribute (those pages and routes belong to the second-factor flow).
 *
 * Elements marked `data-passkey-needs-js` say that passkeys need JavaScript; they are hidden here
 * when the browser can use passkeys, and replaced by a note when it cannot.
 */
import { browserSupportsWebAuthn, browserSupportsWebAuthnAutofill, startAuthentication, startRegistration, WebAuthnAbortService, type PublicKeyCredentialCreationOptionsJSON, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { accountMessagesIn } from '../../worker/shared/account-messages';

// The page's language (<html lang>) picks the words, as in account-forms.ts.
const locale = document.documentElement.lang === 'es' ? 'es' : 'en';
const { errors: errorMessages } = accountMessagesIn(locale);
/** What only the browser side can go wrong with, in both languages. */
const browserText = {
  en: {
    cancelled: 'The passkey request was cancelled or timed out. Try again when you are ready.',
    failed: 'Your browser could not use a passkey here. You can sign in with your password instead.',
    notAdded: 'No passkey was added.',
    unsupported: 'This browser cannot use passkeys.',
  },
  es: {
    cancelled: 'La solicitud de la llave de acceso se canceló o se agotó el tiempo. Inténtelo de nuevo cuando esté listo.',
    failed: 'Su navegador no pudo usar una llave de acceso aquí. Puede iniciar sesión con su contraseña.',
    notAdded: 'No se agregó ninguna llave de acceso.',
    unsupported: 'Este navegador no puede usar llaves de acceso.',
  },
}[locale];
/** The confirmation page in the page's language (the worker serves both). */
const stepUpPage = locale === 'es' ? '/es/account/confirm/' : '/account/confirm/';

type Answer = { status?: string; redirect?: string; error?: { code?: string; message?: string } };

async function post(path: string, body: unknown): Promise<{ ok: boolean; status: number; body: Answer & Record<string, unknown> }> {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    credentials: 'same-origin',
    body: JSON.stringify(body),
  });
  return { ok: res.ok, status: res.status, body: (await res.json().catch(() => ({}))) as Answer & Record<string, unknown> };
}

function show(slot: HTMLElement | null, kind: 'status' | 'error', text: string) {
  if (!slot) return;
  slot.hidden = false;
  slot.className = `message message-${kind}`;
  slot.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  slot.textContent = text;
}

const messageOf = (answer: Answer) => errorMessages[answer.error?.code ?? ''] ?? answer.error?.message ?? errorMessages.invalid_request!;

/** What a browser-side failure means to the customer; a cancelled prompt is not an error worth shouting about. */
function browserProblem(err: unknown): string | null {
  const name = (err as { name?: string; cause?: { name?: string } } | null)?.name;
  const code = (err as { code?: string } | null)?.code;
  if (code === 'ERROR_CEREMONY_ABORTED' || name === 'AbortError') return null;
  if (code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED') return errorMessages.passkey_already_registered!;
  if (name === 'NotAllowedError') return browserText.cancelled;
  return browserText.failed;
}

/** Follows a step-up refusal to the confirmation page, coming back here afterwards. */
function followStepUp(answer: Answer) {
  if (answer.error?.code !== 'step_up_required') return false;
  window.location.assign(`${stepUpPage}?return=${encodeURIComponent(window.location.pathname)}`);
  return true;
}

function passkeysUsable() {
  const usable = browserSupportsWebAuthn();
  for (const el of document.querySelectorAll<HTMLElement>('[data-passkey-needs-js]')) {
    el.textContent = usable ? '' : el.dataset.passkeyUnsupported ?? browserText.unsupported;
    el.hidden = usable;
  }
  for (const el of document.querySelectorAll<HTMLElement>('[data-passkey-only]')) el.hidden = !usable;
  return usable;
}

/** Sign-in page: autofill and the passkey button. Both post to the same route and go where it says. */
async function setUpSignIn(root: HTMLElement) {
  const slot = root.querySelector<HTMLElement>('[data-message]') ?? document.querySelector<HTMLElement>('[data-message]');
  const button = root.querySelector<HTMLButtonElement>('[data-passkey-sign-in]');
  const remember = () => document.querySelector<HTMLInputElement>('input[name="remember"]')?.checked ?? false;

  const signIn = async (autofill: boolean) => {
    const options = await post('/api/accounts/passkeys/sign-in/options', {});
    if (!options.ok) {
      if (!autofill) show(slot, 'error', messageOf(options.body));
      return;
    }
    let credential;
    try {
      credential = await startAuthentication({ optionsJSON: options.body as unknown as PublicKeyCredentialRequestOptionsJSON, useBrowserAutofill: autofill });
    } catch (err) {
      const problem = browserProblem(err);
      if (problem && !autofill) show(slot, 'error', problem);
      return;
    }
    if (button) button.disabled = true;
    const answer = await post('/api/accounts/passkeys/sign-in', { credential, remember: remember() });
    if (answer.ok && answer.body.redirect) {
      window.location.assign(answer.body.redirect);
      return;
    }
    if (button) button.disabled = false;
    show(slot, 'error', messageOf(answer.body));
    // Offer the autofill again with a fresh challenge (the old one is used up).
    if (await browserSupportsWebAuthnAutofill()) void signIn(true);
  };

  button?.addEventListener('click', () => {
    // A modal prompt replaces the waiting autofill request; the library aborts it.
    void signIn(false).catch(() => show(slot, 'error', errorMessages.unreachable!));
  });
  // The password form's own submit aborts the autofill request, so the browser does not hold it.
  document.querySelector('form[action="/api/accounts/login"]')?.addEventListener('submit', () => WebAuthnAbortService.cancelCeremony());
  if (await browserSupportsWebAuthnAutofill()) void signIn(true).catch(() => undefined);
}

/** Security page: registering a new passkey. */
function setUpRegistration(form: HTMLFormElement) {
  const slot = form.closest('section')?.querySelector<HTMLElement>('[data-message]') ?? null;
  const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (button) button.disabled = true;
    try {
      const options = await post('/api/accounts/passkeys/register/options', {});
      if (!options.ok) {
        if (!followStepUp(options.body)) show(slot, 'error', messageOf(options.body));
        return;
      }
      let credential;
      try {
        credential = await startRegistration({ optionsJSON: options.body as unknown as PublicKeyCredentialCreationOptionsJSON });
      } catch (err) {
        show(slot, 'error', browserProblem(err) ?? browserText.notAdded);
        return;
      }
      const name = new FormData(form).get('name');
      const answer = await post('/api/accounts/passkeys/register', { name: typeof name === 'string' ? name : '', credential });
      if (answer.ok && answer.body.redirect) {
        window.location.assign(answer.body.redirect);
        return;
      }
      if (!followStepUp(answer.body)) show(slot, 'error', messageOf(answer.body));
    } catch {
      show(slot, 'error', errorMessages.unreachable!);
    } finally {
      if (button) button.disabled = false;
    }
  });
}

/**
 * A passkey as the proof a session owes: `data-passkey-proof` is the route that takes the answer,
 * `data-passkey-purpose` the challenge's purpose (second_factor or step_up). Extra fields of the
 * button's form (such as where to return) travel along.
 */
function setUpProof(button: HTMLButtonElement) {
  const route = button.dataset.passkeyProof;
  const purpose = button.dataset.passkeyPurpose;
  if (!route || (purpose !== 'second_factor' && purpose !== 'step_up')) return;
  const slot = button.closest('section')?.querySelector<HTMLElement>('[data-message]') ?? document.querySelector<HTMLElement>('[data-message]');
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const options = await post('/api/accounts/passkeys/proof/options', { purpose });
      if (!options.ok) {
        show(slot, 'error', messageOf(options.body));
        return;
      }
      let credential;
      try {
        credential = await startAuthentication({ optionsJSON: options.body as unknown as PublicKeyCredentialRequestOptionsJSON });
      } catch (err) {
        const problem = browserProblem(err);
        if (problem) show(slot, 'error', problem);
        return;
      }
      const extra = button.form ? Object.fromEntries([...new FormData(button.form)].filter(([, v]) => typeof v === 'string')) : {};
      const answer = await post(route, { ...extra, credential });
      if (answer.ok && answer.body.redirect) {
        window.location.assign(answer.body.redirect);
        return;
      }
      show(slot, 'error', messageOf(answer.body));
    } catch {
      show(slot, 'error', errorMessages.unreachable!);
    } finally {
      button.disabled = false;
    }
  });
}

if (passkeysUsable()) {
  const signIn = document.querySelector<HTMLElement>('[data-passkey-sign-in-area]');
  if (signIn) void setUpSignIn(signIn);
  for (const form of document.querySelectorAll<HTMLFormElement>('form[data-passkey-register]')) setUpRegistration(form);
  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-passkey-proof]')) setUpProof(button);
}
