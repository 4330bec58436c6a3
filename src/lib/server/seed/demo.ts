// The demo space "Demo Festival 2026", seeded on first start: customers, attendees, vendors
// and tasks, an owner and a check-in staff member. Everything is written through the same
// services a user's edits go through, as the demo owner.
import { randomUUID } from 'node:crypto';
import { Faker, en } from '@faker-js/faker';
import type { Actor } from '../auth/actor';
import { hashPassword } from '../auth/passwords';
import type { AppContext } from '../context';
import { withActor, withAnonymous } from '../db';
import { addAttribute } from '../services/attributes';
import { createEntityType } from '../services/entity-types';
import { createRecords } from '../services/records';

export const DEMO_SPACE_SLUG = 'demo-festival-2026';

export const demoLogins = [
	{
		role: 'owner',
		name: 'Olivia Owner',
		email: 'owner@demo.roster.test',
		password: 'demo-owner-2026'
	},
	{
		role: 'editor',
		name: 'Eddie Editor',
		email: 'editor@demo.roster.test',
		password: 'demo-editor-2026'
	},
	{
		role: 'viewer',
		name: 'Vic Viewer',
		email: 'viewer@demo.roster.test',
		password: 'demo-viewer-2026'
	},
	{ role: 'checkin', name: 'Dora Door', email: 'door@demo.roster.test', password: 'demo-door-2026' }
] as const;

const BATCH = 1000;

const colors = ['gray', 'blue', 'green', 'yellow', 'orange', 'red', 'purple', 'pink', 'teal'];
const choices = (names: string[]) =>
	names.map((name, index) => ({
		id: `c${index + 1}`,
		name,
		color: colors[index % colors.length]!
	}));

type FieldInput = Record<string, unknown> & { name: string; key: string; kind: string };

export interface SeedSize {
	customers: number;
	attendees: number;
	vendors: number;
	tasks: number;
}

export const defaultSeedSize: SeedSize = {
	customers: 5000,
	attendees: 20000,
	vendors: 120,
	tasks: 80
};

export async function isDemoSeeded(context: AppContext): Promise<boolean> {
	// Boot-time check by the owner connection: the runtime role cannot see a space it is not in.
	const { rowCount } = await context.db.owner.query('select 1 from spaces where slug = $1', [
		DEMO_SPACE_SLUG
	]);
	return (rowCount ?? 0) > 0;
}

async function registerUsers(context: AppContext): Promise<Record<string, string>> {
	const ids: Record<string, string> = {};
	for (const login of demoLogins) {
		const hash = await hashPassword(login.password);
		// Only the credentials role may look an account up by email (app_credentials).
		const existing = await context.db.credentials.query<{ id: string }>(
			'select id from app_credentials($1)',
			[login.email]
		);
		ids[login.role] =
			existing.rows[0]?.id ??
			(await withAnonymous(context.db.runtime, async (tx) => {
				const { rows } = await tx.query<{ id: string }>(
					'select app_register_user($1, $2, $3) as id',
					[login.email, login.name, hash]
				);
				return rows[0]!.id;
			}));
	}
	// The demo's addresses cannot receive mail; asking to confirm them would only be noise.
	await context.db.owner.query(
		'update users set email_verified_at = coalesce(email_verified_at, now()) where id = any ($1)',
		[Object.values(ids)]
	);
	return ids;
}

export async function seedDemo(
	context: AppContext,
	options: { size?: SeedSize; log?: (line: string) => void } = {}
): Promise<void> {
	const size = options.size ?? defaultSeedSize;
	const log = options.log ?? (() => undefined);
	const started = Date.now();
	const faker = new Faker({ locale: [en] });
	faker.seed(2026);

	const users = await registerUsers(context);
	const actor: Actor = { userId: users.owner!, via: 'system' };
	const spaceId = await withActor(context.db.runtime, actor, async (tx) => {
		const { rows } = await tx.query<{ id: string }>('select app_create_space($1, $2) as id', [
			DEMO_SPACE_SLUG,
			'Demo Festival 2026'
		]);
		// A European festival (amounts in EUR, vendors from European countries): its people write
		// 10/07/2026 for 10 July and start their weeks on Monday. English stays the language.
		await tx.query(`update spaces set locale = 'en-GB' where id = $1`, [rows[0]!.id]);
		return rows[0]!.id;
	});
	// The others join the way anyone does: the owner invites, each accepts the link as
	// themselves. No one may insert a membership for someone else (0008_token_scopes).
	for (const login of demoLogins) {
		if (login.role === 'owner') continue;
		const link = `demo-seed-${randomUUID()}`;
		await withActor(context.db.runtime, actor, (tx) =>
			tx.query('select app_invite($1, $2, $3, $4)', [spaceId, login.email, login.role, link])
		);
		await withActor(context.db.runtime, { userId: users[login.role]!, via: 'system' }, (tx) =>
			tx.query('select app_accept_invitation($1)', [link])
		);
	}
	const space = DEMO_SPACE_SLUG;

	const defineType = async (name: string, key: string, fields: FieldInput[]) => {
		await createEntityType({ context, actor, space, input: { name, key } });
		for (const input of fields) await addAttribute({ context, actor, space, type: key, input });
	};
	const insert = async (type: string, rows: Record<string, unknown>[]) => {
		const ids: string[] = [];
		for (let start = 0; start < rows.length; start += BATCH) {
			const result = await createRecords({
				context,
				actor,
				space,
				type,
				values: rows.slice(start, start + BATCH)
			});
			ids.push(...result.created.map((record) => record.id));
		}
		return ids;
	};

	const countries = [
		'Germany',
		'Netherlands',
		'France',
		'United Kingdom',
		'Spain',
		'Italy',
		'Austria',
		'Denmark'
	];
	const tags = ['Newsletter', 'Sponsor', 'Returning', 'Press', 'Partner', 'Student'];
	await defineType('Customers', 'customers', [
		{ name: 'Name', key: 'name', kind: 'text', isRequired: true },
		{ name: 'Email', key: 'email', kind: 'email', isUnique: true },
		{ name: 'Phone', key: 'phone', kind: 'phone' },
		{ name: 'Company', key: 'company', kind: 'text' },
		{ name: 'City', key: 'city', kind: 'text' },
		{
			name: 'Country',
			key: 'country',
			kind: 'single_select',
			options: { choices: choices(countries) }
		},
		{ name: 'Tags', key: 'tags', kind: 'multi_select', options: { choices: choices(tags) } },
		{ name: 'VIP', key: 'vip', kind: 'checkbox' },
		{
			name: 'Lifetime value',
			key: 'lifetime_value',
			kind: 'currency',
			options: { currency: 'EUR' }
		},
		{ name: 'Website', key: 'website', kind: 'url' },
		{ name: 'Notes', key: 'notes', kind: 'long_text' },
		{ name: 'Customer no.', key: 'number', kind: 'auto_number' },
		{ name: 'Created', key: 'created', kind: 'created_at' }
	]);
	const customerIds = await insert(
		'customers',
		Array.from({ length: size.customers }, (_, index) => {
			const first = faker.person.firstName();
			const last = faker.person.lastName();
			return {
				name: `${first} ${last}`,
				email: `${first}.${last}.${index}@${faker.internet.domainName()}`
					.toLowerCase()
					.replace(/[^a-z0-9.@-]/g, ''),
				phone: faker.phone.number({ style: 'international' }),
				company: faker.company.name(),
				city: faker.location.city(),
				country: faker.helpers.arrayElement(countries),
				tags: faker.helpers.arrayElements(tags, { min: 0, max: 3 }),
				vip: faker.datatype.boolean({ probability: 0.08 }),
				lifetime_value: faker.number.float({ min: 0, max: 25_000, fractionDigits: 2 }),
				website: faker.datatype.boolean({ probability: 0.3 }) ? faker.internet.url() : null,
				notes: faker.datatype.boolean({ probability: 0.2 }) ? faker.lorem.sentence() : null
			};
		})
	);
	log(`  customers: ${customerIds.length}`);

	const ticketTypes = ['General', 'Weekend', 'VIP', 'Backstage', 'Press', 'Crew'];
	const gates = ['North Gate', 'South Gate', 'VIP Entrance'];
	await defineType('Attendees', 'attendees', [
		{ name: 'Name', key: 'name', kind: 'text', isRequired: true, checkinAccess: 'read' },
		{ name: 'Email', key: 'email', kind: 'email', checkinAccess: 'read' },
		{
			name: 'Ticket code',
			key: 'ticket_code',
			kind: 'text',
			isUnique: true,
			checkinAccess: 'read'
		},
		{
			name: 'Ticket type',
			key: 'ticket_type',
			kind: 'single_select',
			options: { choices: choices(ticketTypes) },
			checkinAccess: 'read'
		},
		{
			name: 'Gate',
			key: 'gate',
			kind: 'single_select',
			options: { choices: choices(gates) },
			checkinAccess: 'read'
		},
		{ name: 'Checked in', key: 'checked_in', kind: 'checkbox', checkinAccess: 'write' },
		{ name: 'Checked in at', key: 'checked_in_at', kind: 'datetime', checkinAccess: 'write' },
		{ name: 'Checked in by', key: 'checked_in_by', kind: 'user', checkinAccess: 'write' },
		{
			name: 'Customer',
			key: 'customer',
			kind: 'relation',
			options: { targetEntityTypeId: await typeId(context, actor, 'customers') },
			inverseName: 'Tickets'
		},
		{ name: 'Dietary needs', key: 'dietary', kind: 'text' }
	]);
	const door = users.checkin!;
	const attendeeIds = await insert(
		'attendees',
		Array.from({ length: size.attendees }, (_, index) => {
			const isCheckedIn = faker.datatype.boolean({ probability: 0.12 });
			return {
				name: faker.person.fullName(),
				email: faker.internet.email().toLowerCase(),
				ticket_code: `DF26-${String(100000 + index)}-${faker.string.alphanumeric({ length: 4, casing: 'upper' })}`,
				ticket_type: faker.helpers.weightedArrayElement([
					{ weight: 60, value: 'General' },
					{ weight: 20, value: 'Weekend' },
					{ weight: 8, value: 'VIP' },
					{ weight: 4, value: 'Backstage' },
					{ weight: 3, value: 'Press' },
					{ weight: 5, value: 'Crew' }
				]),
				gate: faker.helpers.arrayElement(gates),
				checked_in: isCheckedIn,
				checked_in_at: isCheckedIn
					? faker.date
							.between({ from: '2026-07-17T10:00:00Z', to: '2026-07-17T20:00:00Z' })
							.toISOString()
					: null,
				checked_in_by: isCheckedIn ? door : null,
				customer:
					customerIds.length && faker.datatype.boolean({ probability: 0.5 })
						? [faker.helpers.arrayElement(customerIds)]
						: [],
				dietary:
					faker.helpers.maybe(
						() =>
							faker.helpers.arrayElement(['Vegetarian', 'Vegan', 'Gluten-free', 'Halal', 'Kosher']),
						{ probability: 0.15 }
					) ?? null
			};
		})
	);
	log(`  attendees: ${attendeeIds.length}`);

	const categories = [
		'Catering',
		'Security',
		'Sound & Light',
		'Staging',
		'Merch',
		'Cleaning',
		'Transport'
	];
	await defineType('Vendors', 'vendors', [
		{ name: 'Name', key: 'name', kind: 'text', isRequired: true },
		{
			name: 'Category',
			key: 'category',
			kind: 'single_select',
			options: { choices: choices(categories) }
		},
		{ name: 'Contact', key: 'contact', kind: 'text' },
		{ name: 'Email', key: 'email', kind: 'email' },
		{ name: 'Phone', key: 'phone', kind: 'phone' },
		{
			name: 'Contract value',
			key: 'contract_value',
			kind: 'currency',
			options: { currency: 'EUR' }
		},
		{ name: 'Rating', key: 'rating', kind: 'rating', options: { max: 5 } },
		{ name: 'Website', key: 'website', kind: 'url' }
	]);
	await insert(
		'vendors',
		Array.from({ length: size.vendors }, () => ({
			name: faker.company.name(),
			category: faker.helpers.arrayElement(categories),
			contact: faker.person.fullName(),
			email: faker.internet.email().toLowerCase(),
			phone: faker.phone.number({ style: 'international' }),
			contract_value: faker.number.int({ min: 500, max: 80_000 }),
			rating: faker.number.int({ min: 1, max: 5 }),
			website: faker.internet.url()
		}))
	);

	const statuses = ['Backlog', 'To do', 'In progress', 'Blocked', 'Done'];
	const priorities = ['Low', 'Medium', 'High', 'Urgent'];
	await defineType('Tasks', 'tasks', [
		{ name: 'Title', key: 'title', kind: 'text', isRequired: true },
		{
			name: 'Status',
			key: 'status',
			kind: 'single_select',
			options: { choices: choices(statuses) }
		},
		{ name: 'Assignee', key: 'assignee', kind: 'user' },
		{ name: 'Due', key: 'due', kind: 'date' },
		{
			name: 'Priority',
			key: 'priority',
			kind: 'single_select',
			options: { choices: choices(priorities) }
		},
		{ name: 'Description', key: 'description', kind: 'long_text' }
	]);
	const staff = [users.owner!, users.editor!, users.checkin!];
	await insert(
		'tasks',
		Array.from({ length: size.tasks }, () => ({
			title: faker.helpers.arrayElement([
				`Confirm ${faker.company.buzzNoun()} delivery`,
				`Brief ${faker.person.firstName()} on gate procedures`,
				`Print ${faker.number.int({ min: 50, max: 500 })} wristbands`,
				`Check ${faker.helpers.arrayElement(gates)} barriers`,
				`Call ${faker.company.name()} about invoice`
			]),
			status: faker.helpers.arrayElement(statuses),
			assignee:
				faker.helpers.maybe(() => faker.helpers.arrayElement(staff), { probability: 0.8 }) ?? null,
			due: faker.date.between({ from: '2026-07-01', to: '2026-07-20' }).toISOString().slice(0, 10),
			priority: faker.helpers.arrayElement(priorities),
			description: faker.helpers.maybe(() => faker.lorem.paragraph(), { probability: 0.4 }) ?? null
		}))
	);
	log(
		`Seeded "Demo Festival 2026" (${spaceId}) in ${((Date.now() - started) / 1000).toFixed(1)} s`
	);
}

async function typeId(context: AppContext, actor: Actor, key: string): Promise<string> {
	return withActor(context.db.runtime, actor, async (tx) => {
		const { rows } = await tx.query<{ id: string }>(
			'select t.id from entity_types t join spaces s on s.id = t.space_id where s.slug = $1 and t.key = $2',
			[DEMO_SPACE_SLUG, key]
		);
		return rows[0]!.id;
	});
}
