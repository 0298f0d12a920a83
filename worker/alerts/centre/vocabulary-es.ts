/** The alert centre's words in Spanish: the same keys as the English ones (./vocabulary.ts), or the type check fails. */
import type { AlertVocabulary } from './vocabulary';

export const vocabularyEs: AlertVocabulary = {
  answerLabels: {
    fixed: { label: 'Encontré la causa y la arreglé', hint: 'Dejamos de recordarle esta alerta. Si las lecturas lo siguen mostrando, la página de la alerta se lo dirá.' },
    not_a_leak: { label: 'No es una fuga', hint: 'Por ejemplo, llenar una piscina, regar un césped nuevo o un aparato médico. Cerramos esta alerta.' },
    expected_use: { label: 'Es un consumo esperado', hint: 'Por ejemplo, visitas, un aparato nuevo o días de mucho calor. Cerramos esta alerta.' },
    need_help: { label: 'Necesito ayuda', hint: 'Su pedido llega a nuestro equipo de atención al cliente, que se comunicará con usted con los datos de su cuenta.' },
  },
  answeredLabels: {
    fixed: 'Arreglado',
    not_a_leak: 'No era una fuga',
    expected_use: 'Consumo esperado',
    need_help: 'Pidió ayuda',
  },
  savingActions: {
    toilet_repair: 'Cambié la válvula de descarga o de llenado de un inodoro que goteaba',
    tap_repair: 'Arreglé una llave o una regadera que goteaba',
    irrigation_repair: 'Reparé un aspersor, una línea o una válvula de riego',
    irrigation_schedule: 'Acorté o corregí el horario de riego',
    plumber_repair: 'Un plomero encontró y reparó una fuga',
    water_heater_repair: 'Reparé una fuga del calentador de agua o de su válvula de alivio',
    shorter_showers: 'Nos bañamos en menos tiempo',
    full_loads: 'Usamos la lavadora y el lavaplatos solo con cargas completas',
    efficient_fixture: 'Instalé un inodoro, una regadera o una lavadora de bajo consumo de agua',
    pool_cover: 'Cubrí la piscina o el spa',
    thermostat: 'Cambié la configuración del termostato',
    efficient_lighting: 'Cambié a focos LED',
    standby_power: 'Desconecté o apagué aparatos en modo de espera',
    shift_use: 'Pasé la lavadora y el lavaplatos a horas de menor demanda',
    efficient_appliance: 'Cambié un aparato viejo por uno eficiente',
  },
  closeReasonLabels: {
    resolved: 'Terminó: las lecturas más recientes ya no lo muestran',
    corrected: 'Retirada: las lecturas corregidas muestran que no pasó',
    moved_out: 'Terminó cuando la cuenta dejó esta dirección',
    dismissed: 'Cerrada después de su respuesta',
  },
};
