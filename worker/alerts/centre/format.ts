/** How the alert pages write a local day. */
const dayFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' });

/** "2026-10-02" → "October 2, 2026": a utility-local day, so formatted as a date with no zone shift. */
export const longDay = (day: string) => (/^\d{4}-\d{2}-\d{2}$/.test(day) ? dayFormat.format(new Date(`${day}T00:00:00Z`)) : day);
