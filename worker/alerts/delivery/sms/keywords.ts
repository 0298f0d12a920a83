/**
 * The reply keywords US carriers and Twilio act on (Twilio's default opt-out handling on a long
 * code): a message that is only one of these words, in any case, with spaces or a full stop around it.
 * "Stop texting me" is not a keyword. YES also accepts a pending invitation to receive alerts.
 */
export const stopKeywords = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'] as const;
export const startKeywords = ['START', 'UNSTOP', 'YES'] as const;
export const helpKeywords = ['HELP', 'INFO'] as const;

export type Keyword = { kind: 'stop' | 'start' | 'help'; word: string } | null;

export function keywordOf(body: string): Keyword {
  const word = body.trim().replace(/[.!]+$/, '').trim().toUpperCase();
  if ((stopKeywords as readonly string[]).includes(word)) return { kind: 'stop', word };
  if ((startKeywords as readonly string[]).includes(word)) return { kind: 'start', word };
  if ((helpKeywords as readonly string[]).includes(word)) return { kind: 'help', word };
  return null;
}
