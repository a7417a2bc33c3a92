// The OpenAPI 3.1 document of /api/v1, built from the routes as declared (review/http/route.ts):
// the schemas shown are the zod schemas that validate the requests, so the two cannot drift.
import { z, type ZodType } from 'zod';
import type { RouteDoc } from './route.ts';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: ZodType): JsonSchema {
  // `input`: what a client sends (before defaults and transforms apply).
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

function parameters(doc: RouteDoc): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const [where, schema] of [['path', doc.params], ['query', doc.query]] as const) {
    if (!schema) continue;
    const object = jsonSchema(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, property] of Object.entries(object.properties ?? {})) {
      out.push({ name, in: where, required: where === 'path' || (object.required ?? []).includes(name), schema: property });
    }
  }
  return out;
}

const ERROR_RESPONSE = {
  description: 'Error: {"error": {"code": "<stable code>", "message": "<text>"}}',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};

export function openApiDocument(routes: readonly RouteDoc[], version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const operation: JsonSchema = {
      tags: [route.tag],
      summary: route.summary,
      'x-vigie-access': route.access,
      parameters: parameters(route),
      responses: {
        '200': { description: 'OK', content: { [route.produces ?? 'application/json']: {} } },
        '400': ERROR_RESPONSE,
        ...(route.access === 'public' ? {} : { '401': ERROR_RESPONSE, '403': ERROR_RESPONSE }),
      },
      security: route.access === 'public' ? [] : [{ session: [] }, { bearer: [] }],
    };
    if (route.body) {
      operation.requestBody = { required: true, content: { [route.consumes ?? 'application/json']: { schema: jsonSchema(route.body) } } };
    }
    (paths[path] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Vigie review desk API',
      version,
      description:
        'Every route needs a session cookie (browser; state changes also need the x-csrf-token header) or a ' +
        '`Authorization: Bearer vgt_...` API token. `x-vigie-access` names the capability a route needs.',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'vigie_session' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } } },
        },
      },
    },
  };
}
