/**
 * Which SMS transport delivery uses: Twilio itself everywhere except development, where the local
 * stand-in answers Twilio's API. Nothing else chooses: there is no setting, variable or header that
 * could point a production worker at the stand-in (the stand-in also refuses to run there).
 */
import { standInTransport, type StandInEnv } from './stand-in';
import type { SmsCredentials, SmsTransport } from './twilio';

export const TWILIO_API = 'https://api.twilio.com';

export type SmsEnv = StandInEnv;

export function smsTransport(env: SmsEnv): SmsTransport {
  if (env.ENVIRONMENT === 'development') return standInTransport(env);
  return { kind: 'twilio', baseUrl: TWILIO_API, fetch: (request) => fetch(request) };
}

export function smsCredentials(env: SmsEnv): SmsCredentials {
  return { accountSid: env.TWILIO_ACCOUNT_SID, authToken: env.TWILIO_AUTH_TOKEN, from: env.SMS_FROM };
}
