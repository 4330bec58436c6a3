// Spaces: the caller's list with their role in each, creating one with the caller as owner, and
// the space's locale setting.
import { z } from 'zod';
import { localeSchema, weekStartSchema, type SpaceLocale } from '$lib/domain/locale';
import type { SpaceSummary } from '$lib/domain/schema';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import type { Actor } from '../auth/actor';
import type { AppContext } from '../context';
import { withActor } from '../db';
import { bumpSchemaVersion } from './schema';
import { inSpace, requireScope } from './scope';
import { parseInput } from './validate';

const slugSchema = z
	.string()
	.regex(
		/^[a-z0-9][a-z0-9-]{1,62}$/,
		'must be 2 to 63 characters of a-z, 0-9 and -, starting with a letter or digit'
	);

const createInput = z.object({
	name: z
		.string({ error: 'is required' })
		.trim()
		.min(1, 'is required')
		.max(200, 'must be at most 200 characters'),
	slug: slugSchema.optional()
});

/** "Summer Fest 2025" -> "summer-fest-2025". */
export function slugFromName(name: string): string {
	return name
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+/, '')
		.slice(0, 63)
		.replace(/-+$/, '');
}

export async function listSpaces(options: {
	context: AppContext;
	actor: Actor;
}): Promise<SpaceSummary[]> {
	return withActor(options.context.db.runtime, options.actor, async (tx) => {
		const { rows } = await tx.query<SpaceSummary>(
			`select s.id, s.slug, s.name, m.role
			   from spaces s join app_memberships() m on m.space_id = s.id
			  order by lower(s.name), s.slug`
		);
		return rows;
	});
}

export async function createSpace(options: {
	context: AppContext;
	actor: Actor;
	input: unknown;
}): Promise<SpaceSummary> {
	const { context, actor } = options;
	// A token is bound to one space; making new ones is for people.
	if (actor.token) {
		throw new AppError(AppErrorCode.Forbidden, 'API tokens cannot create spaces');
	}
	const input = parseInput(createInput, options.input);
	const slug = parseInput(z.object({ slug: slugSchema }), {
		slug: input.slug ?? slugFromName(input.name)
	}).slug;
	await context.kv.writeLimiter.consume(actor.userId);
	try {
		const id = await withActor(context.db.runtime, actor, async (tx) => {
			const { rows } = await tx.query<{ id: string }>('select app_create_space($1, $2) as id', [
				slug,
				input.name
			]);
			return rows[0]!.id;
		});
		return { id, slug, name: input.name, role: 'owner' };
	} catch (error) {
		if ((error as { code?: unknown }).code === '23505') {
			throw new AppError(AppErrorCode.Conflict, `The slug "${slug}" is already taken`, {
				field: 'slug'
			});
		}
		throw error;
	}
}

const localeInput = z.object({ locale: localeSchema, weekStart: weekStartSchema.default(null) });

/**
 * Sets how a space reads and shows dates and numbers (owners). A locale changes how every
 * date is read and shown, so it is the schema-changing kind of setting: a token needs the
 * schema scope, and the schema version moves so that open pages and caches take it up.
 */
export async function updateSpaceLocale(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	input: unknown;
}): Promise<SpaceLocale> {
	const { context, actor } = options;
	requireScope(actor, 'schema');
	const input = parseInput(localeInput, options.input);
	return inSpace(context, actor, options.space, async ({ tx, space }) => {
		if (space.role !== 'owner') {
			throw new AppError(
				AppErrorCode.Forbidden,
				`Your role (${space.role}) may not change the space's locale`,
				{ field: 'locale' }
			);
		}
		await tx.query('update spaces set locale = $2, week_start = $3 where id = $1', [
			space.id,
			input.locale,
			input.weekStart
		]);
		await bumpSchemaVersion(tx, space.id);
		return { locale: input.locale, weekStart: input.weekStart };
	});
}
