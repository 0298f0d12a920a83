/**
 * Progressive enhancement of the account forms (they all work without it, by plain POST and
 * redirect): posts with fetch and asks for JSON, so a refused form keeps what was typed and shows
 * the problem next to the field; checks password length early; offers "show password"; asks
 * before ending every session.
 */
import { accountMessagesIn, checkFields, PASSWORD_MIN } from '../../worker/shared/account-messages';

// The page's language (<html lang>) picks the messages: a Spanish page explains in Spanish.
const locale = document.documentElement.lang === 'es' ? 'es' : 'en';
const { errors: errorMessages, fields: fieldLabels } = accountMessagesIn(locale);

type ErrorBody = { error?: { code?: string; message?: string; fields?: { field: string; message: string }[] } };

function messageSlot(form: HTMLFormElement) {
  return form.closest('section')?.querySelector<HTMLElement>('[data-message]') ?? document.querySelector<HTMLElement>('[data-message]');
}

function show(slot: HTMLElement | null, kind: 'status' | 'error', text: string) {
  if (!slot) return;
  slot.hidden = false;
  slot.className = `message message-${kind}`;
  slot.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  slot.textContent = text;
}

function clearFieldErrors(form: HTMLFormElement) {
  for (const el of form.querySelectorAll<HTMLElement>('[data-field-error]')) {
    el.hidden = true;
    el.textContent = '';
  }
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
}

function fieldError(form: HTMLFormElement, field: string, text: string) {
  const input = form.querySelector<HTMLInputElement>(`[name="${CSS.escape(field)}"]`);
  const slot = form.querySelector<HTMLElement>(`[data-field-error="${CSS.escape(field)}"]`);
  if (input) input.setAttribute('aria-invalid', 'true');
  if (slot) {
    slot.hidden = false;
    slot.textContent = text;
  }
  return input;
}

function describeFieldProblem(message: string) {
  // Password problems arrive as codes; schema problems as sentences.
  return errorMessages[message] ?? message;
}

function passwordTooShort(form: HTMLFormElement) {
  for (const input of form.querySelectorAll<HTMLInputElement>('input[type="password"][autocomplete="new-password"]')) {
    if ([...input.value].length < PASSWORD_MIN) return input.name;
  }
  return null;
}

for (const form of document.querySelectorAll<HTMLFormElement>('form[data-enhance]')) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const confirmText = form.dataset.confirm;
    if (confirmText && !window.confirm(confirmText)) return;
    clearFieldErrors(form);
    const slot = messageSlot(form);
    const short = passwordTooShort(form);
    if (short) {
      fieldError(form, short, errorMessages.password_too_short!)?.focus();
      show(slot, 'error', errorMessages.password_too_short!);
      return;
    }
    const button = form.querySelector<HTMLButtonElement>('button[type="submit"]');
    if (button) button.disabled = true;
    try {
      // The attribute, not `form.action`: a control named "action" (the alert centre's) would shadow the property.
      const res = await fetch(form.getAttribute('action') ?? '', {
        method: 'POST',
        // A form that carries files (a message's attachments) goes as multipart; the rest as URL-encoded.
        body: form.enctype === 'multipart/form-data' ? new FormData(form) : new URLSearchParams(new FormData(form) as unknown as Record<string, string>),
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
      });
      const body = (await res.json().catch(() => ({}))) as ErrorBody & { redirect?: string };
      if (res.ok && body.redirect) {
        window.location.assign(body.redirect);
        return;
      }
      const code = body.error?.code ?? 'invalid_request';
      // A sensitive action without a recent proof: confirm first (worker/auth/step-up.ts), then come back here.
      if (code === 'step_up_required') {
        window.location.assign(`${locale === 'es' ? '/es' : ''}/account/confirm/?return=${encodeURIComponent(window.location.pathname + window.location.search)}`);
        return;
      }
      let first: HTMLInputElement | null = null;
      for (const f of body.error?.fields ?? []) {
        const input = fieldError(form, f.field, describeFieldProblem(f.message));
        first ??= input;
      }
      const labels = (body.error?.fields ?? []).map((f) => fieldLabels[f.field]).filter((label): label is string => Boolean(label));
      show(slot, 'error', `${errorMessages[code] ?? body.error?.message ?? errorMessages.invalid_request}${code === 'invalid_request' ? checkFields(locale, labels) : ''}`);
      first?.focus();
    } catch {
      show(slot, 'error', errorMessages.unreachable!);
    } finally {
      if (button) button.disabled = false;
    }
  });
}

for (const toggle of document.querySelectorAll<HTMLButtonElement>('[data-toggle-password]')) {
  const input = document.getElementById(toggle.dataset.togglePassword ?? '') as HTMLInputElement | null;
  if (!input) continue;
  toggle.hidden = false;
  toggle.addEventListener('click', () => {
    const showing = input.type === 'text';
    input.type = showing ? 'password' : 'text';
    toggle.setAttribute('aria-pressed', String(!showing));
    // The button's own words for both states, as the page wrote them (so each language says its own).
    toggle.textContent = (showing ? toggle.dataset.showText : toggle.dataset.hideText) ?? toggle.textContent;
  });
}
