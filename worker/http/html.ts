/** Escapes a value for HTML text and for double- or single-quoted attribute values. */
export function escapeHtml(value: unknown) {
  return String(value ?? '').replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** HTMLRewriter handlers that fill an element: with markup the caller built (and escaped), or with text. */
export const html = (value: string) => ({ element: (el: Element) => void el.setInnerContent(value, { html: true }) });
export const text = (value: string) => ({ element: (el: Element) => void el.setInnerContent(value) });
