/** The alert centre's page messages and field labels in Spanish: the English keys (./alert-forms.ts), each a string. */
import type { AlertMessages } from './alert-forms';

export const alertMessagesEs: AlertMessages = {
  status: {
    answered: 'Gracias. Guardamos su respuesta con la fecha y la hora.',
    'answered-help': 'Gracias. Su pedido de ayuda está en la fila de nuestro equipo de atención al cliente, que se comunicará con usted con los datos de su cuenta.',
    'action-saved': 'Guardado. Cuando haya algunos días de lecturas después de ese día, esta página comparará su consumo de antes y de después.',
    'alert-settings-saved': 'Guardamos su configuración de alertas. Se aplica a las lecturas que lleguen de ahora en adelante.',
  },
  errors: {
    invalid_request: 'Faltan algunos datos o no son válidos. Revíselos y vuelva a intentarlo.',
    not_found: 'No encontramos esa alerta o esa cuenta.',
    too_many_answers: 'Esta alerta ya tiene muchas respuestas. Si su respuesta cambió otra vez, llámenos.',
    unauthenticated: 'Inicie sesión.',
    forbidden: 'No tiene permiso para hacer eso.',
  },
  fields: {
    answer: 'Su respuesta',
    note: 'Algo más que quiera agregar',
    action: 'Lo que hizo',
    takenOn: 'El día en que lo hizo',
    kind: 'Servicio',
    continuousFlowHours: 'Horas de flujo que no se detiene',
    dayThreshold: 'Límite por día',
    periodThreshold: 'Límite por período de facturación',
    billThreshold: 'Monto de la factura',
  },
  check: 'Revise: {label}.',
};
