/** Alerts and who receives them: answering and acting on an alert, alert settings, recipients, preferences, SMS. */
import { numberEs, type SpanishTable } from './table';

/** The amounts an alert setting names in its messages (worker/shared/alert-forms.ts positiveAmount). */
const limitNames: Record<string, { a: string; no: string }> = {
  'a daily limit': { a: 'un límite diario', no: 'límite diario' },
  'a billing-period limit': { a: 'un límite por periodo de facturación', no: 'límite por periodo de facturación' },
};

export const alertsEs: SpanishTable = {
  messages: {
    // The alert centre
    'No such alert.': 'No existe esa alerta.',
    'No account whose alerts you may manage.': 'No hay ninguna cuenta cuyas alertas usted pueda administrar.',
    'This account has no meter of that kind at an address it holds now.': 'Esta cuenta no tiene un medidor de ese tipo en ninguna de sus direcciones actuales.',
    'Continuous-flow alerts are for water only.': 'Las alertas de flujo continuo son solo para el agua.',
    'Choose one of the actions listed for this alert.': 'Elija una de las acciones que se indican para esta alerta.',
    'The day cannot be in the future.': 'El día no puede ser en el futuro.',
    'Choose one of the answers.': 'Elija una de las respuestas.',
    'Choose one of the actions listed.': 'Elija una de las acciones de la lista.',
    'Enter the day as YYYY-MM-DD.': 'Escriba el día como AAAA-MM-DD.',
    'Choose water, electricity or gas.': 'Elija agua, electricidad o gas.',
    'Choose a number of hours.': 'Elija un número de horas.',
    'Choose a whole number of hours.': 'Elija un número entero de horas.',
    'Choose at least 1 hour.': 'Elija al menos 1 hora.',
    'Choose at most 72 hours.': 'Elija como máximo 72 horas.',
    'Enter an amount in dollars, like 120 or 120.50.': 'Escriba un importe en dólares, como 120 o 120.50.',
    'Enter more than $0, or leave it empty for no bill alert.': 'Escriba más de $0, o déjelo vacío para no recibir alertas de la factura.',
    'Enter at most $100,000.': 'Escriba como máximo $100,000.',
    // Staff: alert counts and the support queue
    'Choose a month like 2026-10.': 'Elija un mes como 2026-10.',
    'Choose one of the last 24 months that have ended.': 'Elija uno de los últimos 24 meses ya terminados.',
    'There is no such support item.': 'No existe ese caso de atención.',
    'This item is already closed.': 'Este caso ya está cerrado.',
    'No account has this number.': 'Ninguna cuenta tiene este número.',
    // Recipients and preferences
    'Not a recipient of this account.': 'No es un destinatario de esta cuenta.',
    'Not a topic of a recipient on this form.': 'No es un tema de un destinatario de este formulario.',
    'The recipient turned this off themselves; only they can turn it back on.': 'El propio destinatario lo desactivó; solo él puede volver a activarlo.',
    "Only someone who may see this account's bills can choose paper or e-mail bills.": 'Solo quien puede ver las facturas de esta cuenta puede elegir facturas en papel o por correo electrónico.',
    'That address or number already gets alerts for this account, or is waiting to be confirmed.': 'Esa dirección o ese número ya recibe alertas de esta cuenta, o está pendiente de confirmación.',
    'Already added.': 'Ya está agregado.',
    'Too many confirmations were sent. Please wait a day and try again.': 'Se enviaron demasiadas confirmaciones. Espere un día e inténtelo de nuevo.',
    'No such recipient on this account.': 'Esta cuenta no tiene ese destinatario.',
    'That recipient is not waiting for a confirmation.': 'Ese destinatario no está pendiente de confirmación.',
    'This link is not valid. Please use the newest message we sent.': 'Este enlace no es válido. Use el mensaje más reciente que le enviamos.',
    'This link has expired. Ask the account holder to send it again.': 'Este enlace venció. Pídale al titular de la cuenta que se lo vuelva a enviar.',
    'This unsubscribe link has expired. Sign in to change what you get, or call us.': 'Este enlace para darse de baja venció. Inicie sesión para cambiar lo que recibe, o llámenos.',
    'This unsubscribe link is not valid.': 'Este enlace para darse de baja no es válido.',
    'Enter a time like 21:00 (24-hour clock).': 'Escriba una hora como 21:00 (formato de 24 horas).',
    'Use at most 60 characters.': 'Use como máximo 60 caracteres.',
    'Not an alert type.': 'No es un tipo de alerta.',
    'Choose e-mail or text message.': 'Elija correo electrónico o mensaje de texto.',
    'Enter the e-mail address or mobile number.': 'Escriba la dirección de correo electrónico o el número de celular.',
    'Choose paper bills or paperless billing.': 'Elija facturas en papel o facturación sin papel.',
    'Enter when quiet hours start, like 21:00.': 'Escriba a qué hora empiezan las horas de silencio, como 21:00.',
    'Enter when quiet hours end, like 08:00.': 'Escriba a qué hora terminan las horas de silencio, como 08:00.',
    'Quiet hours must end at another time than they start.': 'Las horas de silencio deben terminar a una hora distinta de la de inicio.',
    'Enter the code from the message.': 'Escriba el código del mensaje.',
    // Text messages: the provider's webhook and the development outbox
    'Enter the reply.': 'Escriba la respuesta.',
    'Send the provider’s form-encoded webhook.': 'Envíe el webhook del proveedor codificado como formulario.',
    'This webhook takes only requests signed by the SMS provider.': 'Este webhook solo acepta solicitudes firmadas por el proveedor de SMS.',
    'A text needs From and Body.': 'Un mensaje de texto necesita From y Body.',
  },
  patterns: [
    [/^Choose from (\d+) to (\d+) hours \((\d+) is the utility's setting; fewer hours alerts you sooner\)\.$/, (m) => `Elija entre ${m[1]} y ${m[2]} horas (${m[3]} es lo que fija la empresa de servicios; con menos horas, la alerta llega antes).`],
    [/^This alert can be answered: (.+)\.$/, (m) => `Esta alerta admite estas respuestas: ${m[1]}.`],
    [/^This alert already has (\d+) answers\. Please call us if your answer has changed again\.$/, (m) => `Esta alerta ya tiene ${m[1]} respuestas. Llámenos si su respuesta cambió otra vez.`],
    [/^The day can be at most (\d+) days before the alert began \((.+)\)\.$/, (m) => `El día puede ser como máximo ${m[1]} días antes de que empezara la alerta (${m[2]}).`],
    [/^Keep the note under ([\d,]+) characters\.$/, (m) => `La nota debe tener menos de ${numberEs(m[1]!)} caracteres.`],
    [/^Enter (.+) as a number, like 500\.$/, (m) => limitNames[m[1]!] && `Escriba ${limitNames[m[1]!]!.a} como número, por ejemplo 500.`],
    [/^Enter more than 0, or leave it empty for no (.+)\.$/, (m) => limitNames[`a ${m[1]}`] && `Escriba más de 0, o déjelo vacío para no tener ${limitNames[`a ${m[1]}`]!.no}.`],
    [/^Enter at most ([\d,]+)\.$/, (m) => `Escriba como máximo ${numberEs(m[1]!)}.`],
    [/^The SMS provider answered (\d+)\.$/, (m) => `El proveedor de SMS respondió ${m[1]}.`],
  ],
};
