/**
 * The OpenAPI description of the ingest routes (served at /api/openapi.json, worker/openapi/):
 * `describeRoute` middleware that changes nothing at run time, with the schemas the routes parse.
 * Request bodies are read by the routes themselves (the signature covers the raw bytes), so the
 * schemas are named here rather than through a validator.
 */
import { describeRoute, resolver } from 'hono-openapi';
import { z } from 'zod';
import { accountRow, batchEnvelope, dayRow, MAX_ROWS, meterRow, readRow, sections, servicePointRow } from './batch';
import { billingRowSchemas } from './billing';
import { MAX_GREEN_BUTTON_BYTES } from './green-button';

/** Zod → JSON Schema for what a client sends (transforms show their input side). */
const input = (schema: z.ZodType) => resolver(schema, { io: 'input', unrepresentable: 'any' });
export const output = (schema: z.ZodType) => resolver(schema, { io: 'output', unrepresentable: 'any' });

export const errorBody = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'A stable code, such as invalid_request, batch_rejected or invalid_client.' }),
      message: z.string(),
      fields: z.array(z.object({ field: z.string().meta({ description: 'Where: a field, or a row such as `reads[3].value (line 5)`.' }), message: z.string() })).optional(),
      requestId: z.string().optional(),
    }),
  })
  .meta({ id: 'Error', description: 'The one error shape of every API route.' });

const rows = { accounts: accountRow, servicePoints: servicePointRow, meters: meterRow, reads: readRow, days: dayRow, ...billingRowSchemas } as const;
const batchDocument = z
  .object({
    batchId: batchEnvelope.shape.batchId,
    ...Object.fromEntries(sections.map((s) => [s, z.array(rows[s]).max(MAX_ROWS).optional()])),
  })
  .meta({ id: 'Batch', description: 'Rows by section; any section may be left out. Rows are checked one by one against the batch and the database.' });

const batchAnswer = z
  .object({ status: z.enum(['applied', 'already_applied']), batchId: z.string(), summary: z.record(z.string(), z.unknown()).meta({ description: 'Counts of rows by section, meter-days written, moves and contact edits.' }) })
  .meta({ id: 'BatchAnswer' });

export const clientAssertion = [{ clientAssertion: [] as string[] }];
export const refusals = {
  401: { description: 'No valid client assertion (invalid_client): missing, expired, replayed, or not made for this body, method and URL.', content: { 'application/json': { schema: output(errorBody) } } },
  413: { description: 'The body is too large.', content: { 'application/json': { schema: output(errorBody) } } },
  415: { description: 'A content type the route does not read.', content: { 'application/json': { schema: output(errorBody) } } },
  422: { description: 'Refused, nothing written: `fields` names each field or row at fault.', content: { 'application/json': { schema: output(errorBody) } } },
};

export const describeBatches = describeRoute({
  operationId: 'postIngestBatch',
  tags: ['Ingestion'],
  summary: 'Send a batch of accounts, service points, meters, reads and billing',
  description: `Idempotent (the same batchId with the same body answers already_applied and writes nothing) and all or nothing: one bad row refuses the whole batch with a 422 naming every row at fault.
JSON carries every section; CSV one section (\`?section=…&batchId=…\`, a header row of column names); Green Button (ESPI Atom XML, \`?batchId=…[&meterId=…]\`) reads, one per IntervalReading, at most ${MAX_GREEN_BUTTON_BYTES / 1024 / 1024} MiB. Other bodies at most 1 MiB.`,
  security: clientAssertion,
  parameters: [
    { name: 'batchId', in: 'query', description: 'CSV and Green Button: the batch id (JSON carries it in the body).', schema: { type: 'string' } },
    { name: 'section', in: 'query', description: 'CSV: the one section the file holds.', schema: { type: 'string', enum: [...sections] } },
    { name: 'meterId', in: 'query', description: "Green Button: the meter of a file's one UsagePoint (else each UsagePoint's serviceDeliveryPoint/name is the meter id).", schema: { type: 'string' } },
  ],
  requestBody: {
    required: true,
    content: {
      'application/json': { schema: input(batchDocument) },
      'text/csv': { schema: { type: 'string', description: 'RFC 4180 CSV: a header row of column names (snake_case or camelCase) and one row per record.' } },
      'application/atom+xml': { schema: { type: 'string', description: 'A Green Button Download My Data feed (NAESB REQ.21 ESPI): UsagePoint, MeterReading, ReadingType, IntervalBlock and LocalTimeParameters entries. Also read as application/xml and text/xml.' } },
    },
  },
  responses: {
    200: { description: 'This batch was applied before; nothing was written.', content: { 'application/json': { schema: output(batchAnswer) } } },
    201: { description: 'Applied in one transaction.', content: { 'application/json': { schema: output(batchAnswer) } } },
    ...refusals,
    409: { description: 'The batch id was used for another body, or the batch conflicts with data held; nothing was written.', content: { 'application/json': { schema: output(errorBody) } } },
  },
});
