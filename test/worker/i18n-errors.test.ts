/**
 * Every JSON error in the language of the page that sent the request: each English sentence the
 * worker can write has its Spanish (read from the worker's own sources, so tomorrow's new message
 * cannot ship English to a Spanish reader), zod's own messages come back in Spanish too, and real
 * refusals from a Spanish page keep the English answer's status, code and fields.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldsOf, type ErrorBody } from '../../worker/http/errors';
import { spanishError, spanishMessage, spanishMessages, spanishPatterns } from '../../worker/i18n/api-errors-es';
import { ORIGIN, get, portal, postJson } from './support/accounts';
import { englishMessages } from './support/english-messages';

const sources = import.meta.glob(['../../worker/**/*.ts', '!../../worker/**/*.d.ts', '!../../worker/i18n/**', '!../../worker/**/*-es.ts'], {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

const messages = englishMessages(sources);

/** Words any English sentence of ours has and no Spanish one does. */
const english = /\b(the|please|enter|choose|must|is|are|not|your|of|to|and|with|this|that)\b/i;

describe('the Spanish table', () => {
  it('reads the whole worker, and finds route, field, schema and template messages in it', () => {
    expect(Object.keys(sources).length).toBeGreaterThan(200);
    const texts = new Set(messages.map((m) => m.text));
    expect(texts).toContain('There is no such API route.'); // new ApiError(404, …)
    expect(texts).toContain('is not valid JSON'); // invalidRequest([{ field, message }])
    expect(texts).toContain('Enter your password.'); // z.string().min(1, …)
    expect(texts).toContain('Choose English or Spanish.'); // z.enum(…, { error })
    expect(texts).toContain('Give one proof at a time.'); // ctx.addIssue({ message: a ? … : … })
    expect(messages.some((m) => m.template && m.sample === 'Attach at most 7 files to one message.')).toBe(true);
    expect(messages.length).toBeGreaterThan(300);
  });

  it('has Spanish for every English message the worker writes', () => {
    const missing = messages
      .filter((m) => (m.template ? !spanishPatterns.some(([pattern]) => pattern.test(m.sample)) : spanishMessage(m.text) === undefined))
      .map((m) => `${m.text}  (${m.files.join(', ')})`);
    expect(missing).toEqual([]);
  });

  it('is Spanish throughout', () => {
    const notSpanish = Object.values(spanishMessages).filter((text) => english.test(text));
    expect(notSpanish).toEqual([]);
  });

  it('fills a template message with its values', () => {
    expect(spanishMessage('Attach at most 3 files to one message.')).toBe('Adjunte como máximo 3 archivos a un mensaje.');
    expect(spanishMessage('Enter an amount from $1.00 to $1,250.40.')).toBe('Escriba un importe de $1.00 a $1,250.40.');
    expect(spanishMessage('Enter a daily limit as a number, like 500.')).toBe('Escriba un límite diario como número, por ejemplo 500.');
    expect(spanishMessage('at most 1 file')).toBe('como máximo 1 archivo');
    expect(spanishMessage('must be from 1 to 2')).toBe('debe estar entre 1 y 2');
    expect(spanishMessage('must be within the last 180 days')).toBe('debe ser de los últimos 180 días');
    expect(spanishMessage('The application is need info; it cannot be changed that way now.')).toBe(
      'La solicitud está pendiente de más información; ya no se puede cambiar de esa forma.',
    );
  });

  it('leaves no English behind even for a message it has never seen: the code, or a general sentence, answers', () => {
    const unknown = spanishError({ code: 'not_found', message: 'A sentence written tomorrow.', fields: [{ field: 'x', message: 'Another one.' }] });
    expect(unknown.message).toBe('No se encontró.');
    expect(unknown.fields[0]!.message).toBe('Este dato falta o no es válido.');
    expect(spanishError({ code: 'brand_new', message: 'Brand new.' }).message).toBe('No se pudo completar la solicitud.');
    // A field message that is a code (a refused password names its rule) says the rule.
    expect(spanishError({ code: 'password_too_common', message: 'Choose another password.', fields: [{ field: 'password', message: 'password_too_common' }] }).fields[0]!.message).toMatch(
      /^Esa contraseña es demasiado común/,
    );
  });
});

describe("zod's own messages", () => {
  const schema = z
    .object({
      name: z.string(),
      count: z.number().int().max(5),
      note: z.string().min(1).max(3),
      kind: z.enum(['water', 'gas']),
      email: z.email(),
      items: z.array(z.string()).min(2),
      on: z.literal('yes'),
    })
    .strict();

  it('come back in Spanish, from the issue itself, field by field', () => {
    const result = schema.safeParse({ count: 9.5, note: '', kind: 'steam', email: 'nope', items: [], on: 'no', extra: 1 });
    expect(result.success).toBe(false);
    const fields = fieldsOf(result.error!);
    const spanish = spanishError({ code: 'invalid_request', message: 'The request has fields that are missing or not valid.', fields }).fields;
    const byField = Object.fromEntries(spanish.map((f) => [f.field, f.message]));
    expect(byField).toEqual({
      name: 'Falta este dato.',
      count: expect.stringMatching(/^Debe ser (un número entero|como máximo 5)\.$/),
      note: 'Este dato no puede quedar vacío.',
      kind: 'Elija una de estas opciones: «water», «gas».',
      email: 'Escriba una dirección de correo electrónico válida, como nombre@ejemplo.com.',
      items: 'Debe tener al menos 2 elementos.',
      on: 'Debe ser «yes».',
      '(body)': 'No se esperaba el campo «extra».',
    });
    expect(spanish.map((f) => f.field)).toEqual(fields.map((f) => f.field));
  });

  it('say a wrong type and a too long text plainly', () => {
    const result = z.object({ name: z.string(), note: z.string().max(3) }).safeParse({ name: 4, note: 'long' });
    const spanish = spanishError({ code: 'invalid_request', message: '', fields: fieldsOf(result.error!) }).fields!.map((f) => f.message);
    expect(spanish).toEqual(['Debe ser un texto.', 'Puede tener como máximo 3 caracteres.']);
  });
});

type Fields = NonNullable<ErrorBody['error']['fields']>;
const fromSpanishPage = (page = '/es/') => ({ Referer: `${ORIGIN}${page}` });
const fromEnglishPage = (page = '/') => ({ Referer: `${ORIGIN}${page}` });
let ipCount = 0;
const newIp = () => `198.51.100.${(ipCount++ % 250) + 1}`;

/** The same request from a Spanish and from an English page: both answers, read. */
async function inBothLanguages(send: (headers: Record<string, string>) => Promise<Response>, page = '/') {
  const es = await send(fromSpanishPage(`/es${page}`));
  const en = await send(fromEnglishPage(page));
  return {
    es: { status: es.status, body: (await es.json<ErrorBody>()).error },
    en: { status: en.status, body: (await en.json<ErrorBody>()).error },
  };
}

function expectSameRefusal(answers: Awaited<ReturnType<typeof inBothLanguages>>) {
  const { es, en } = answers;
  expect(es.status).toBe(en.status);
  expect(es.body.code).toBe(en.body.code);
  const fieldsOf = (f: Fields | undefined) => (f ?? []).map((p) => p.field);
  expect(fieldsOf(es.body.fields)).toEqual(fieldsOf(en.body.fields));
  // English stays English…
  expect(en.body.message).toMatch(english);
  // …and Spanish has no English sentence in it, neither the message nor any field's.
  for (const text of [es.body.message, ...(es.body.fields ?? []).map((f) => f.message)]) {
    expect(text).not.toMatch(english);
    expect(text).toMatch(/[a-záéíóúñ]/);
  }
  expect(es.body.message).not.toBe(en.body.message);
}

describe('refusals from a Spanish page', () => {
  it('answer a body that is not JSON in Spanish', async () => {
    const answers = await inBothLanguages(
      (headers) => portal('/api/accounts/login', { method: 'POST', body: '{not json', headers: { 'content-type': 'application/json', origin: ORIGIN, ...headers } }),
      '/login/',
    );
    expectSameRefusal(answers);
    expect(answers.en.status).toBe(422);
    expect(answers.es.body.fields).toEqual([{ field: '(body)', message: 'El contenido no es JSON válido.' }]);
  });

  it('answer a body of the wrong kind in Spanish', async () => {
    const answers = await inBothLanguages(
      (headers) => portal('/api/requests/status', { method: 'POST', body: 'hello', headers: { 'content-type': 'text/plain', origin: ORIGIN, ...headers } }),
      '/privacy/request/status/',
    );
    expectSameRefusal(answers);
    expect(answers.es.status).toBe(400);
    expect(answers.es.body.message).toBe('El contenido debe ser JSON o un formulario.');
  });

  it("answer a privacy request's refused fields in Spanish, field by field", async () => {
    const answers = await inBothLanguages(
      (headers) => postJson('/api/requests', { type: 'everything', email: 'not an address', fullName: 'A' }, { ip: newIp(), headers }),
      '/privacy/request/',
    );
    expectSameRefusal(answers);
    expect(answers.es.status).toBe(422);
    const byField = Object.fromEntries((answers.es.body.fields ?? []).map((f) => [f.field, f.message]));
    expect(byField.type).toBe('Elija lo que solicita.');
    expect(byField.fullName).toBe('Escriba el nombre completo del cliente.');
    expect(byField.email).toBe('Escriba una dirección de correo electrónico donde podamos comunicarnos con usted.');
  });

  it("answer a guest payment look-up's refused fields in Spanish", async () => {
    const answers = await inBothLanguages((headers) => postJson('/api/payments/guest/lookup', { accountNumber: 'abc', serviceZip: '9' }, { ip: newIp(), headers }), '/pay/');
    expectSameRefusal(answers);
    const byField = Object.fromEntries((answers.es.body.fields ?? []).map((f) => [f.field, f.message]));
    expect(byField).toEqual({
      accountNumber: 'Escriba el número de cuenta tal como aparece en su factura (solo dígitos).',
      serviceZip: 'Escriba el código postal de 5 dígitos de la dirección del servicio.',
    });
  });

  it('answer a cookie choice of the wrong shape in Spanish', async () => {
    const answers = await inBothLanguages((headers) => postJson('/api/consent', { method: 'popup', preferences: 'yes', analytics: false }, { ip: newIp(), headers }));
    expectSameRefusal(answers);
    expect(answers.es.status).toBe(422);
  });

  it('answer an API route that does not exist in Spanish', async () => {
    const answers = await inBothLanguages((headers) => get('/api/no-such-thing', { headers }));
    expectSameRefusal(answers);
    expect(answers.es.status).toBe(404);
    expect(answers.es.body.message).toBe('Esa dirección de la API no existe.');
  });

  it('ask a visitor who is not signed in to sign in, in Spanish', async () => {
    const answers = await inBothLanguages((headers) => postJson('/api/accounts/sessions/end', { scope: 'others' }, { headers }), '/account/');
    expectSameRefusal(answers);
    expect(answers.es.status).toBe(401);
    expect(answers.es.body.message).toBe('Inicie sesión.');
  });

  it('say "too many" in Spanish once a network has sent too many cookie choices', async () => {
    const ip = newIp();
    for (let i = 0; i < 30; i++) expect((await postJson('/api/consent', { method: 'banner', preferences: false, analytics: false }, { ip })).status).toBe(201);
    const answers = await inBothLanguages((headers) => postJson('/api/consent', { method: 'banner', preferences: false, analytics: false }, { ip, headers }));
    expectSameRefusal(answers);
    expect(answers.es.status).toBe(429);
    expect(answers.es.body.message).toMatch(/^Llegaron demasiadas elecciones de cookies desde su red\./);
  });
});
