import { describe, expect, it } from 'vitest';
import { relationKind } from './relation.attribute';

const target = '3b241101-e2bb-4255-8caf-4136c566a962';
const options = relationKind.optionsSchema.parse({ targetEntityTypeId: target });
const first = '0f8fad5b-d9cb-469f-a165-70867728950e';
const second = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

describe('relation', () => {
	it('needs a target type and allows many links by default', () => {
		expect(options).toEqual({ targetEntityTypeId: target, allowMultiple: true });
		expect(relationKind.optionsSchema.safeParse({}).success).toBe(false);
	});

	it('splits pasted ids on commas, semicolons and whitespace, each once', () => {
		expect(relationKind.parse(`${first}, ${second};\n${first.toUpperCase()}`, options)).toEqual({
			ok: true,
			value: [first, second]
		});
		expect(relationKind.format([first, second], options)).toBe(`${first}, ${second}`);
	});

	it('refuses what is not a record id', () => {
		expect(relationKind.parse(`${first}, Ada`, options)).toEqual({
			ok: false,
			message: 'Expected record ids, got "Ada"'
		});
		expect(relationKind.validate(first, options)).toEqual({
			ok: false,
			message: 'Expected a list of record ids'
		});
	});

	it('holds one link when multiple are not allowed', () => {
		const single = { ...options, allowMultiple: false };
		expect(relationKind.validate([first], single)).toEqual({ ok: true, value: [first] });
		expect(relationKind.validate([first, second], single)).toEqual({
			ok: false,
			message: 'Only one linked record is allowed'
		});
	});

	it('stores JSON text for the jsonb column', () => {
		expect(relationKind.toStorage([first])).toBe(JSON.stringify([first]));
	});
});
