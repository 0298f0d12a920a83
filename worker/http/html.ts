/** Escapes a value for HTML text and for double- or single-quoted attribute values. */
export function escapeHtml(value: unknown) {
  return String(value ?? '').replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
