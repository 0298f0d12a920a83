import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { ZodType } from 'zod';
import { fieldsOf, invalidRequest } from './errors';

/**
 * zValidator with our error shape: a refused request answers 422 naming each field at fault,
 * before the handler runs, so nothing is written.
 */
export const validate = <T extends ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) =>
  zValidator(target, schema, (result) => {
    if (!result.success) throw invalidRequest(fieldsOf(result.error as never));
  });
