// An OpenAPI 3.1 document for a space's PostgREST collections, generated from its types.
import type { Attribute, EntityType, SpaceAccess } from '$lib/domain/schema';

type JsonSchema = Record<string, unknown>;

function choiceNames(attribute: Attribute): string[] {
	const choices = (attribute.options.choices as { name: string }[] | undefined) ?? [];
	return choices.map((choice) => choice.name);
}

export function schemaOf(attribute: Attribute): JsonSchema {
	const nullable = (schema: JsonSchema): JsonSchema => ({ ...schema, type: [schema.type, 'null'] });
	const described = (schema: JsonSchema): JsonSchema => ({
		title: attribute.name,
		'x-kind': attribute.kind,
		...schema
	});
	switch (attribute.kind) {
		case 'number':
		case 'currency':
		case 'percent':
			return described(nullable({ type: 'number' }));
		case 'rating':
			return described(
				nullable({ type: 'integer', minimum: 0, maximum: Number(attribute.options.max ?? 5) })
			);
		case 'checkbox':
			return described({ type: 'boolean' });
		case 'date':
			return described(nullable({ type: 'string', format: 'date' }));
		case 'datetime':
			return described(nullable({ type: 'string', format: 'date-time' }));
		case 'email':
			return described(nullable({ type: 'string', format: 'email' }));
		case 'url':
			return described(nullable({ type: 'string', format: 'uri' }));
		case 'user':
			return described(nullable({ type: 'string', format: 'uuid' }));
		case 'single_select':
			return described({ enum: [...choiceNames(attribute), null] });
		case 'multi_select':
			return described({
				type: 'array',
				items: { enum: choiceNames(attribute) },
				uniqueItems: true
			});
		case 'relation':
			return described({ type: 'array', items: { type: 'string', format: 'uuid' } });
		case 'attachment':
			return described({
				type: 'array',
				items: {
					type: 'object',
					required: ['key', 'name', 'size', 'contentType'],
					properties: {
						key: { type: 'string' },
						name: { type: 'string' },
						size: { type: 'integer' },
						contentType: { type: 'string' }
					}
				}
			});
		case 'auto_number':
			return described({ type: 'integer', readOnly: true });
		case 'created_at':
		case 'updated_at':
			return described({ type: 'string', format: 'date-time', readOnly: true });
		case 'created_by':
		case 'updated_by':
			return described({ type: ['string', 'null'], format: 'uuid', readOnly: true });
		default:
			return described(nullable({ type: 'string' }));
	}
}

const filterParameter = {
	name: '<field>',
	in: 'query',
	description:
		'Horizontal filter, PostgREST grammar: <field>=<op>.<value> with eq, neq, gt, gte, lt, lte, like, ilike, in, is, cs and the not. prefix; or=(...) and and=(...) combine.',
	schema: { type: 'string' }
};

const errorSchema = {
	type: 'object',
	required: ['code', 'message'],
	properties: {
		code: { type: 'string' },
		message: { type: 'string' },
		details: { type: ['string', 'null'] },
		hint: { type: ['string', 'null'] }
	}
};

export function buildOpenApi(options: {
	space: SpaceAccess;
	types: EntityType[];
	baseUrl: string;
}): JsonSchema {
	const { space, types } = options;
	const paths: Record<string, unknown> = {};
	const schemas: Record<string, unknown> = { Error: errorSchema };
	const errors = {
		'400': {
			description: 'Bad request',
			content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } }
		},
		'401': { description: 'Not signed in' },
		'403': { description: 'Role may not do this' }
	};
	for (const type of types) {
		const name = `${type.key}`;
		const properties: Record<string, JsonSchema> = {
			id: { type: 'string', format: 'uuid', readOnly: true }
		};
		for (const attribute of type.attributes) properties[attribute.key] = schemaOf(attribute);
		schemas[name] = {
			type: 'object',
			title: type.name,
			properties,
			required: [
				'id',
				...type.attributes
					.filter((attribute) => attribute.isRequired)
					.map((attribute) => attribute.key)
			]
		};
		const ref = { $ref: `#/components/schemas/${name}` };
		const rows = { 'application/json': { schema: { type: 'array', items: ref } } };
		const query = [
			{
				name: 'select',
				in: 'query',
				schema: { type: 'string' },
				description: 'Comma-separated fields'
			},
			{
				name: 'order',
				in: 'query',
				schema: { type: 'string' },
				description: 'field.asc|desc[.nullsfirst|nullslast],...'
			},
			{ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 0, maximum: 1000 } },
			{ name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0 } },
			{
				name: 'search',
				in: 'query',
				schema: { type: 'string' },
				description: 'Substring search over text fields'
			},
			{
				name: 'Prefer',
				in: 'header',
				schema: { type: 'string' },
				description: 'count=exact, return=representation'
			},
			filterParameter
		];
		paths[`/rest/${type.key}`] = {
			get: {
				summary: `List ${type.name}`,
				parameters: query,
				responses: {
					'200': { description: 'Rows', content: rows },
					'206': { description: 'Partial content', content: rows },
					...errors
				}
			},
			post: {
				summary: `Create ${type.name}`,
				requestBody: {
					content: {
						'application/json': { schema: { oneOf: [ref, { type: 'array', items: ref }] } }
					}
				},
				responses: { '201': { description: 'Created', content: rows }, ...errors }
			},
			patch: {
				summary: `Update ${type.name} matching the filters`,
				parameters: [filterParameter],
				requestBody: { content: { 'application/json': { schema: ref } } },
				responses: {
					'200': { description: 'Updated rows', content: rows },
					'204': { description: 'Updated' },
					...errors
				}
			},
			delete: {
				summary: `Delete ${type.name} matching the filters`,
				parameters: [filterParameter],
				responses: {
					'200': { description: 'Deleted rows', content: rows },
					'204': { description: 'Deleted' },
					...errors
				}
			}
		};
	}
	return {
		openapi: '3.1.0',
		info: { title: `${space.name} — Roster API`, version: '1.0.0' },
		servers: [{ url: `${options.baseUrl}/api/spaces/${space.slug}` }],
		security: [{ bearer: [] }, { session: [] }],
		paths,
		components: {
			schemas,
			securitySchemes: {
				bearer: {
					type: 'http',
					scheme: 'bearer',
					description:
						'Personal API token (rst_...). Its scopes, chosen when it is made, decide what it may ' +
						'do: read, write (records), schema (types, fields, views), members. A call outside ' +
						'them answers 403 FORBIDDEN naming the missing scope.'
				},
				session: { type: 'apiKey', in: 'cookie', name: 'authjs.session-token' }
			}
		}
	};
}
