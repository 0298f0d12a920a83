/**
 * The payment pages' messages in Spanish (worker/shared/payment-forms.ts holds the English), with
 * exactly the English keys, so a missing or extra one is a type error.
 */
import type { PaymentErrorCode, PaymentStatusCode } from './payment-forms';

export const paymentStatusMessagesEs = {
  'payment-cancelled': 'Salió de la página de pago antes de pagar. No se cobró nada.',
  'autopay-started': 'Se está configurando el pago automático. Aparecerá como activado cuando el procesador de pagos confirme su método de pago.',
  'autopay-cancelled': 'Salió de la página del pago automático antes de guardar un método de pago. El pago automático no cambió.',
  'autopay-ended': 'El pago automático está desactivado. Se quitó su método de pago guardado del procesador de pagos.',
  'paperless-on': 'La facturación sin papel está activada. Le enviaremos un correo electrónico cuando cada factura nueva esté lista y dejaremos de enviarle facturas en papel.',
  'paperless-off': 'La facturación sin papel está desactivada. Volveremos a enviar las facturas en papel a su dirección postal.',
} satisfies Record<PaymentStatusCode, string> as Record<string, string>;

export const paymentErrorMessagesEs = {
  invalid_request: 'Faltan algunos datos o no son válidos. Revíselos e inténtelo de nuevo.',
  amount_below_minimum: 'Ese importe es menor que el pago mínimo que aceptamos.',
  amount_above_maximum: 'Ese importe es mayor de lo que podemos aceptar en un solo pago para esta cuenta.',
  account_not_matched: 'No encontramos ninguna cuenta con ese número de cuenta y ese código postal del servicio. Revise los dos e inténtelo de nuevo.',
  too_many_attempts: 'Demasiados intentos desde aquí. Espere un rato, inicie sesión o llámenos para pagar por teléfono.',
  processor_unavailable: 'El servicio de pagos no responde en este momento. No se cobró nada. Inténtelo de nuevo en unos minutos.',
  not_found: 'Esa cuenta no es una que usted pueda pagar o cambiar aquí.',
  autopay_not_active: 'El pago automático no está activado para esa cuenta.',
} satisfies Record<PaymentErrorCode, string> as Record<string, string>;
