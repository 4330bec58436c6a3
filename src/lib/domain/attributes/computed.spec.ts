import { describe, expect, it } from 'vitest';
import { autoNumberKind } from './auto-number.attribute';
import { computedMessage } from './computed';
import { createdAtKind } from './created-at.attribute';
import { createdByKind } from './created-by.attribute';
import { updatedAtKind } from './updated-at.attribute';
import type { AnyAttributeKind } from './registry';
import { updatedByKind } from './updated-by.attribute';

const computedKinds: AnyAttributeKind[] = [
	autoNumberKind,
	createdAtKind,
	createdByKind,
	updatedAtKind,
	updatedByKind
];
const userId = '0f8fad5b-d9cb-469f-a165-70867728950e';

describe('computed kinds', () => {
	it.each(computedKinds.map((kind) => [kind.name, kind] as const))(
		'%s reads from the entity row and refuses writes',
		(name, kind) => {
			const options = kind.optionsSchema.parse({});
			expect(kind.storage).toBeNull();
			expect(kind.entityColumn).toBe(name === 'auto_number' ? 'seq' : name);
			expect(kind.validate(null, options)).toEqual({ ok: true, value: null });
			expect(kind.validate('anything', options)).toEqual({ ok: false, message: computedMessage });
		}
	);

	it('maps the raw entity columns pg returns', () => {
		expect(autoNumberKind.fromStorage('42')).toBe(42);
		expect(autoNumberKind.fromStorage(42)).toBe(42);
		expect(createdAtKind.fromStorage(new Date('2025-03-14T09:30:00Z'))).toBe(
			'2025-03-14T09:30:00.000Z'
		);
		expect(updatedAtKind.fromStorage(null)).toBeNull();
		expect(createdByKind.fromStorage(userId)).toBe(userId);
		expect(updatedByKind.fromStorage(null)).toBeNull();
	});

	it('reads filter operands like their base kind', () => {
		const options = createdAtKind.optionsSchema.parse({ timeZone: 'Europe/Berlin' });
		expect(createdAtKind.parse('2025-03-14', options)).toEqual({
			ok: true,
			value: '2025-03-13T23:00:00.000Z'
		});
		expect(autoNumberKind.parse('1,204', {})).toEqual({ ok: true, value: 1204 });
		expect(autoNumberKind.parse('1.5', {})).toEqual({
			ok: false,
			message: 'Expected a whole number, got "1.5"'
		});
		expect(autoNumberKind.format(1204, {})).toBe('1204');
	});
});
