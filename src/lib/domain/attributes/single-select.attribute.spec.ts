import { describe, expect, it } from 'vitest';
import { singleSelectKind } from './single-select.attribute';

const options = singleSelectKind.optionsSchema.parse({
	choices: ['Confirmed', 'Waitlist', 'Cancelled', 'No show', 'Speaker', 'Staff', 'Press'].map(
		(name, index) => ({ id: `c${index}`, name })
	)
});

describe('single select', () => {
	it('defaults to no choices, and gives new choices an id and a color', () => {
		expect(singleSelectKind.optionsSchema.parse({})).toEqual({ choices: [] });
		const [choice] = singleSelectKind.optionsSchema.parse({ choices: [{ name: ' VIP ' }] }).choices;
		expect(choice).toMatchObject({ name: 'VIP', color: 'gray' });
		expect(choice?.id).toMatch(/^[0-9a-f-]{36}$/);
	});

	it('refuses choices whose names differ only in case', () => {
		const result = singleSelectKind.optionsSchema.safeParse({
			choices: [{ name: 'VIP' }, { name: 'vip' }]
		});
		expect(result.success).toBe(false);
	});

	it('stores the choice name, in its own spelling', () => {
		expect(singleSelectKind.parse(' waitlist ', options)).toEqual({ ok: true, value: 'Waitlist' });
		expect(singleSelectKind.validate('Confirmed', options)).toEqual({
			ok: true,
			value: 'Confirmed'
		});
	});

	it('names a few of the allowed choices when a value is not one', () => {
		expect(singleSelectKind.parse('Maybe', options)).toEqual({
			ok: false,
			message:
				'"Maybe" is not one of the choices: Confirmed, Waitlist, Cancelled, No show, Speaker and 2 more'
		});
		expect(singleSelectKind.parse('Maybe', { choices: [] })).toEqual({
			ok: false,
			message: '"Maybe" is not a choice: there are no choices yet'
		});
	});

	it('is strict about JSON types', () => {
		expect(singleSelectKind.validate(['Confirmed'], options)).toEqual({
			ok: false,
			message: 'Expected the name of a choice'
		});
	});
});
