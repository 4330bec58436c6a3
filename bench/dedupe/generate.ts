// Customers with planted duplicates and the ground truth: which records are one person. About
// 5% of the records are copies of another, each changed the way real lists differ (a typo,
// swapped names, a nickname, email case and dots, another phone format, a missing field, the
// same person at another company). Seeded, so every run makes the same list.
import { faker, fakerDE, fakerES, fakerFR, fakerIT } from '@faker-js/faker';

// Names from five locales: a list of one locale's few hundred surnames holds far more namesakes
// than a real customer list, and accents test the normalisation.
const locales = [faker, fakerDE, fakerFR, fakerES, fakerIT];

export interface Customer {
	/** The person this record is; records with one person id are duplicates of each other. */
	person: number;
	name: string;
	email: string | null;
	phone: string | null;
	company: string | null;
}

export const variationKinds = [
	'typo',
	'swapped names',
	'nickname',
	'email case and dots',
	'phone format',
	'missing fields',
	'another company'
] as const;
export type VariationKind = (typeof variationKinds)[number];

const nicknames: Record<string, string> = {
	Robert: 'Bob',
	William: 'Bill',
	Elizabeth: 'Liz',
	Michael: 'Mike',
	James: 'Jim',
	Richard: 'Rick',
	Thomas: 'Tom',
	Joseph: 'Joe',
	Margaret: 'Peggy',
	Katherine: 'Kathy',
	Christopher: 'Chris',
	Daniel: 'Dan',
	Edward: 'Ted',
	Samuel: 'Sam',
	Jennifer: 'Jen',
	Anthony: 'Tony',
	Patricia: 'Pat',
	Nicholas: 'Nick',
	Matthew: 'Matt',
	Timothy: 'Tim'
};
const nicknamed = Object.keys(nicknames);

function typo(word: string): string {
	if (word.length < 4) return word + word.at(-1);
	const at = faker.number.int({ min: 1, max: word.length - 2 });
	switch (faker.number.int(2)) {
		case 0:
			return word.slice(0, at) + word.slice(at + 1);
		case 1:
			return word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2);
		default:
			return word.slice(0, at) + faker.string.alpha({ casing: 'lower' }) + word.slice(at + 1);
	}
}

function phoneFormat(phone: string): string {
	const digits = phone.replace(/\D/g, '');
	const [area, exchange, line] = [digits.slice(0, 3), digits.slice(3, 6), digits.slice(6)];
	return faker.helpers.arrayElement([
		`+1 ${area} ${exchange} ${line}`,
		`${area}.${exchange}.${line}`,
		`1-${area}-${exchange}-${line}`,
		`${area}${exchange}${line}`
	]);
}

function emailCaseAndDots(email: string): string {
	const [local, domain] = email.split('@') as [string, string];
	const dotted = local.includes('.') ? local.replaceAll('.', '') : local.replace(/^(\w{2})/, '$1.');
	return `${faker.datatype.boolean() ? dotted : local.toUpperCase()}@${domain.toUpperCase()}`;
}

const takenEmails = new Set<string>();

/** A new address for the name: two people never share one. */
function emailOf(first: string, last: string): string {
	let email = faker.internet.email({ firstName: first, lastName: last }).toLowerCase();
	while (takenEmails.has(email)) email = email.replace('@', String(faker.number.int(9)) + '@');
	takenEmails.add(email);
	return email;
}

function original(person: number): Customer & { first: string; last: string } {
	const locale = locales[person % locales.length]!;
	// Every tenth person goes by a given name that has a common nickname.
	const first =
		person % 10 === 0 ? faker.helpers.arrayElement(nicknamed) : locale.person.firstName();
	const last = locale.person.lastName();
	return {
		person,
		first,
		last,
		name: `${first} ${last}`,
		email: faker.datatype.boolean(0.9) ? emailOf(first, last) : null,
		phone: faker.datatype.boolean(0.8) ? faker.phone.number({ style: 'national' }) : null,
		company: faker.datatype.boolean(0.85) ? faker.company.name() : null
	};
}

function duplicate(source: ReturnType<typeof original>, kind: VariationKind): Customer {
	const copy: Customer = {
		person: source.person,
		name: source.name,
		email: source.email,
		phone: source.phone,
		company: source.company
	};
	switch (kind) {
		case 'typo':
			copy.name = faker.datatype.boolean()
				? `${typo(source.first)} ${source.last}`
				: `${source.first} ${typo(source.last)}`;
			break;
		case 'swapped names':
			copy.name = faker.datatype.boolean()
				? `${source.last} ${source.first}`
				: `${source.last}, ${source.first}`;
			break;
		case 'nickname':
			copy.name = `${nicknames[source.first] ?? source.first[0] + '.'} ${source.last}`;
			break;
		case 'email case and dots':
			if (copy.email) copy.email = emailCaseAndDots(copy.email);
			else copy.name = source.name.toUpperCase();
			break;
		case 'phone format':
			if (copy.phone) copy.phone = phoneFormat(copy.phone);
			else copy.name = ` ${source.name.toLowerCase()} `;
			break;
		case 'missing fields':
			if (faker.datatype.boolean()) copy.email = null;
			else copy.phone = null;
			copy.company = faker.datatype.boolean() ? null : copy.company;
			break;
		case 'another company':
			copy.company = faker.company.name();
			if (copy.email) {
				const domain = copy.company.split(/\W+/)[0]!.toLowerCase() || 'example';
				copy.email = emailOf(source.first, source.last)
					.replace(/@.*/, `@${domain}.com`)
					.toLowerCase()
					.replace(/[^\w.@-]/g, '');
			}
			break;
	}
	return copy;
}

export interface Dataset {
	customers: Customer[];
	/** The kind of change of each planted duplicate, by index into customers. */
	kinds: Map<number, VariationKind>;
	/** Pairs of record indexes that are one person (i < j). */
	truePairs: number;
}

/** `total` customers, `share` of them planted duplicates of another, shuffled. */
export function generateCustomers(total: number, share = 0.05, seed = 20261206): Dataset {
	locales.forEach((locale, index) => locale.seed(seed + index));
	takenEmails.clear();
	const duplicates = Math.round(total * share);
	const people = Array.from({ length: total - duplicates }, (_, person) => original(person));
	const customers: Customer[] = people.map(
		({ first: _first, last: _last, ...customer }) => customer
	);
	// A name alone is not evidence enough (namesakes are common), so a copy that changes or drops
	// an email or phone keeps the other: 'missing fields' drops one of the two, and the same
	// person at another company keeps their mobile number.
	const withBoth = people.filter((person) => person.email && person.phone);
	const sources: Partial<Record<VariationKind, typeof people>> = {
		nickname: people.filter((person) => person.person % 10 === 0),
		'missing fields': withBoth,
		'another company': people.filter((person) => person.phone)
	};
	const planted: { customer: Customer; kind: VariationKind }[] = [];
	for (let index = 0; index < duplicates; index++) {
		const kind = variationKinds[index % variationKinds.length]!;
		const source = faker.helpers.arrayElement(sources[kind] ?? people);
		planted.push({ customer: duplicate(source, kind), kind });
	}
	const all = [...customers, ...planted.map((entry) => entry.customer)];
	const kinds = new Map<number, VariationKind>();
	planted.forEach((entry, index) => kinds.set(customers.length + index, entry.kind));
	const order = faker.helpers.shuffle(all.map((_, index) => index));
	const shuffled = order.map((index) => all[index]!);
	const shuffledKinds = new Map<number, VariationKind>();
	order.forEach((from, to) => {
		const kind = kinds.get(from);
		if (kind) shuffledKinds.set(to, kind);
	});
	const perPerson = new Map<number, number>();
	for (const customer of shuffled)
		perPerson.set(customer.person, (perPerson.get(customer.person) ?? 0) + 1);
	let truePairs = 0;
	for (const count of perPerson.values()) truePairs += (count * (count - 1)) / 2;
	return { customers: shuffled, kinds: shuffledKinds, truePairs };
}
