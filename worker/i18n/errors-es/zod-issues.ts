/**
 * zod's own messages (a schema that gave none) in Spanish, from the issue itself: `fieldsOf`
 * remembers each field problem's issue here, and a Spanish answer rewrites the message from the
 * issue's code and limits. Written for readers, like the schemas' own messages, rather than
 * zod's technical wording ("Too small: expected string to have >=1 characters").
 */
import type { core } from 'zod';

type Issue = core.$ZodIssue;
const issues = new WeakMap<object, Issue>();

/** Called by fieldsOf: this field problem came from this zod issue. */
export function rememberIssue<T extends object>(problem: T, issue: Issue): T {
  issues.set(problem, issue);
  return problem;
}

const kinds: Record<string, string> = {
  string: 'un texto',
  number: 'un número',
  int: 'un número entero',
  bigint: 'un número entero',
  boolean: 'verdadero o falso',
  array: 'una lista',
  object: 'un objeto con campos',
  date: 'una fecha',
  file: 'un archivo',
};
const units: Record<string, [string, string]> = {
  string: ['carácter', 'caracteres'],
  array: ['elemento', 'elementos'],
  set: ['elemento', 'elementos'],
  file: ['byte', 'bytes'],
};
const formats: Record<string, string> = {
  email: 'Escriba una dirección de correo electrónico válida, como nombre@ejemplo.com.',
  url: 'Escriba una dirección web completa, como https://ejemplo.com/.',
  datetime: 'Escriba una fecha y hora ISO 8601, como 2026-11-27T13:45:00Z.',
  date: 'Escriba una fecha como 2026-11-27 (año-mes-día).',
  time: 'Escriba una hora como 13:45.',
  e164: 'Escriba un número de teléfono en formato internacional, como +12095550123.',
};
const value = (v: unknown) => (typeof v === 'string' ? `«${v}»` : String(v));
const count = (n: number | bigint, unit: [string, string] | undefined) =>
  `${Number(n).toLocaleString('es-US')}${unit ? ` ${Number(n) === 1 ? unit[0] : unit[1]}` : ''}`;

function spanishFor(issue: Issue, english: string): string {
  switch (issue.code) {
    case 'invalid_type':
      // zod's English names what arrived; nothing at all is a missing field.
      if (/received undefined$/.test(english)) return 'Falta este dato.';
      return `Debe ser ${kinds[issue.expected] ?? 'de otro tipo'}.`;
    case 'invalid_value':
      return issue.values.length === 1 ? `Debe ser ${value(issue.values[0])}.` : `Elija una de estas opciones: ${issue.values.map(value).join(', ')}.`;
    case 'too_small': {
      const unit = units[issue.origin];
      if (unit && issue.exact) return `Debe tener exactamente ${count(issue.minimum, unit)}.`;
      if (issue.origin === 'string' && Number(issue.minimum) === 1 && issue.inclusive !== false) return 'Este dato no puede quedar vacío.';
      if (unit) return issue.inclusive === false ? `Debe tener más de ${count(issue.minimum, unit)}.` : `Debe tener al menos ${count(issue.minimum, unit)}.`;
      return issue.inclusive === false ? `Debe ser mayor que ${count(issue.minimum, undefined)}.` : `Debe ser como mínimo ${count(issue.minimum, undefined)}.`;
    }
    case 'too_big': {
      const unit = units[issue.origin];
      if (unit && issue.exact) return `Debe tener exactamente ${count(issue.maximum, unit)}.`;
      if (unit) return issue.inclusive === false ? `Debe tener menos de ${count(issue.maximum, unit)}.` : `Puede tener como máximo ${count(issue.maximum, unit)}.`;
      return issue.inclusive === false ? `Debe ser menor que ${count(issue.maximum, undefined)}.` : `Debe ser como máximo ${count(issue.maximum, undefined)}.`;
    }
    case 'invalid_format':
      if (issue.format === 'starts_with') return `Debe empezar por «${(issue as { prefix?: string }).prefix ?? ''}».`;
      if (issue.format === 'ends_with') return `Debe terminar en «${(issue as { suffix?: string }).suffix ?? ''}».`;
      if (issue.format === 'includes') return `Debe incluir «${(issue as { includes?: string }).includes ?? ''}».`;
      if (/^(uuid|guid|cuid2?|nanoid|ulid|xid|ksuid)/.test(issue.format)) return 'No es un identificador válido.';
      return formats[issue.format] ?? 'No tiene el formato esperado.';
    case 'not_multiple_of':
      return `Debe ser múltiplo de ${count(issue.divisor, undefined)}.`;
    case 'unrecognized_keys':
      return issue.keys.length === 1 ? `No se esperaba el campo ${value(issue.keys[0])}.` : `No se esperaban los campos ${issue.keys.map(value).join(', ')}.`;
    case 'invalid_key':
    case 'invalid_element':
      return 'Contiene un valor que no es válido.';
    default:
      return 'Este dato no es válido.';
  }
}

/** The Spanish of a field problem that carries zod's own English message, or undefined. */
export function spanishFromIssue(problem: { message: string }): string | undefined {
  const issue = issues.get(problem);
  return issue ? spanishFor(issue, problem.message) : undefined;
}
