import { describe, expect, it } from 'vitest';
import { packChanges, unpackChanges, type SheetChange } from './protocol';

const change = (id: string, update?: number[]): SheetChange => ({
	sheet: 't',
	id,
	action: 'update',
	values: { name: id },
	...(update ? { update: new Uint8Array(update) } : {}),
	by: 'u',
	at: '2026-11-24T00:00:00.000Z'
});

describe('packChanges', () => {
	it('packs every update of a batch into one buffer and unpacks them unchanged', () => {
		const batch = Array.from({ length: 25 }, (_, index) =>
			change(`r${index}`, index % 3 ? [index, index + 1, 255] : undefined)
		);
		const packed = packChanges(batch);
		expect(packed.bytes?.byteLength).toBe(batch.filter((entry) => entry.update).length * 3);
		expect(packed.changes.every((entry) => !('update' in entry))).toBe(true);
		const unpacked = unpackChanges(packed);
		expect(unpacked.map((entry) => [entry.id, entry.update && [...entry.update]])).toEqual(
			batch.map((entry) => [entry.id, entry.update && [...entry.update]])
		);
	});

	it('sends no buffer when nothing has Yjs bytes', () => {
		const packed = packChanges([change('a'), change('b')]);
		expect(packed.bytes).toBeUndefined();
		expect(unpackChanges(packed)).toEqual([change('a'), change('b')]);
	});
});
