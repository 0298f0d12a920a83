/** Bills, payments (signed in and as a guest, autopay, the processor's events) and usage. */
import { numberEs, type SpanishTable } from './table';

const meterKinds: Record<string, string> = { water: 'de agua', electric: 'de electricidad', gas: 'de gas' };
const meterUnits: Record<string, string> = { 'gal, ccf or m3': 'gal, ccf o m3', kWh: 'kWh', 'therm or ccf': 'therm o ccf' };

export const billingEs: SpanishTable = {
  messages: {
    'No such bill.': 'No existe esa factura.',
    'The utility sent no document for this bill; print the bill page instead.': 'La empresa de servicios no envió ningún documento de esta factura; imprima la página de la factura.',
    "This bill's document is not available just now; print the bill page instead.": 'El documento de esta factura no está disponible en este momento; imprima la página de la factura.',
    'is not a cursor from a previous page': 'no es un cursor de una página anterior',
    // Payments
    'Autopay is not on for that account.': 'El pago automático no está activado para esa cuenta.',
    'We could not find an account with that account number and service ZIP code. Check both and try again.': 'No encontramos ninguna cuenta con ese número de cuenta y ese código postal del servicio. Revise los dos e inténtelo de nuevo.',
    'does not match a service ZIP code we know': 'no coincide con ningún código postal de servicio que conozcamos',
    'Too many look-ups from here. Please wait a while, sign in, or call us to pay by phone.': 'Demasiadas búsquedas desde aquí. Espere un rato, inicie sesión o llámenos para pagar por teléfono.',
    'The payment service is not answering just now. Nothing was charged. Please try again in a few minutes.': 'El servicio de pagos no responde en este momento. No se cobró nada. Inténtelo de nuevo en unos minutos.',
    'Too many payments were started. Please wait a while and try again.': 'Se iniciaron demasiados pagos. Espere un rato e inténtelo de nuevo.',
    'The event is not signed by the payment processor, or was signed too long ago.': 'El evento no lo firmó el procesador de pagos, o se firmó hace demasiado tiempo.',
    'The event has no id, type, creation time or object.': 'Al evento le falta el id, el tipo, la hora de creación o el objeto.',
    'Enter an amount in dollars and cents, like 64.18.': 'Escriba un importe en dólares y centavos, como 64.18.',
    'Choose paperless on or off.': 'Elija si quiere la facturación sin papel o no.',
    // Usage
    'No such meter.': 'No existe ese medidor.',
    'must not be before from': 'no puede ser anterior a from',
  },
  patterns: [
    [/^Enter an amount from (.+) to (.+)\.$/, (m) => `Escriba un importe de ${m[1]} a ${m[2]}.`],
    [/^the range may cover at most ([\d,]+) days at this resolution$/, (m) => `con esta resolución, el intervalo puede abarcar como máximo ${numberEs(m[1]!)} días`],
    [/^a (\w+) meter can be shown in (.+)$/, (m) => meterKinds[m[1]!] && meterUnits[m[2]!] && `un medidor ${meterKinds[m[1]!]} se puede mostrar en ${meterUnits[m[2]!]}`],
  ],
};
