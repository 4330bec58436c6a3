import { describe, expect, it } from 'vitest';
import { toGridField } from '$lib/client/grid/fields';
import type { AttributeKindName } from '$lib/domain/attributes/kind';
import { kindExportOf, type ExportLookups } from './export-cells';

const column = (kind: AttributeKindName, options: Record<string, unknown> = {}) =>
	toGridField({
		id: '00000000-0000-4000-8000-000000000001',
		key: kind,
		name: kind,
		kind,
		options,
		position: 0,
		isRequired: false,
		isUnique: false
	});

const ada = '11111111-1111-4111-8111-111111111111';
const linked = '22222222-2222-4222-8222-222222222222';
const gone = '33333333-3333-4333-8333-333333333333';
const lookups: ExportLookups = {
	memberName: (id) => (id === ada ? 'Ada Lovelace' : undefined),
	recordTitle: (id) => (id === linked ? 'Main stage' : undefined)
};

const text = (kind: AttributeKindName, value: unknown, options?: Record<string, unknown>) => {
	const field = column(kind, options);
	return kindExportOf(field).text(value as never, field, lookups);
};
const sheet = (kind: AttributeKindName, value: unknown, options?: Record<string, unknown>) => {
	const field = column(kind, options);
	return kindExportOf(field).sheet(value as never, field, lookups);
};

describe('export text', () => {
	it('reads like the grid: the kind formats numbers, dates and checkboxes', () => {
		expect(text('number', 1234.5)).toBe('1,234.5');
		expect(text('currency', -5, { currency: 'USD' })).toBe('-$5.00');
		expect(text('percent', 12.5)).toBe('12.5%');
		expect(text('date', '2026-03-14')).toBe('2026-03-14');
		expect(text('datetime', '2026-03-14T08:30:00.000Z', { timeZone: 'Europe/Berlin' })).toBe(
			'2026-03-14 09:30'
		);
		expect(text('checkbox', true)).toBe('TRUE');
		expect(text('checkbox', false)).toBe('FALSE');
		expect(text('multi_select', ['a', 'b'])).toBe('a, b');
	});

	it('names members and linked records, and falls back to the id when it cannot', () => {
		expect(text('user', ada)).toBe('Ada Lovelace');
		expect(text('created_by', gone)).toBe(gone);
		expect(text('relation', [linked, gone])).toBe(`Main stage, ${gone}`);
	});

	it('lists attachments by file name', () => {
		expect(
			text('attachment', [
				{ key: 'k1', name: 'badge.pdf', size: 1, contentType: 'application/pdf' },
				{ key: 'k2', name: 'photo.jpg', size: 2, contentType: 'image/jpeg' }
			])
		).toBe('badge.pdf, photo.jpg');
	});

	it('reads empty as empty text', () => {
		for (const kind of ['text', 'number', 'date', 'user', 'relation', 'attachment'] as const)
			expect(text(kind, null)).toBe('');
	});

	it('marks only kinds whose text is built from a number, date or boolean as formula-safe', () => {
		expect(kindExportOf({ kind: 'currency' }).isFormulaSafe).toBe(true);
		expect(kindExportOf({ kind: 'number' }).isFormulaSafe).toBe(true);
		expect(kindExportOf({ kind: 'text' }).isFormulaSafe).toBe(false);
		expect(kindExportOf({ kind: 'phone' }).isFormulaSafe).toBe(false);
		expect(kindExportOf({ kind: 'user' }).isFormulaSafe).toBe(false);
	});
});

describe('export sheet values', () => {
	it('keeps numbers, dates and booleans typed', () => {
		expect(sheet('number', -12.5)).toBe(-12.5);
		expect(sheet('percent', 12.5)).toBe(0.125);
		expect(sheet('date', '2026-03-14')).toEqual(new Date(Date.UTC(2026, 2, 14)));
		expect(sheet('datetime', '2026-03-14T08:30:00.000Z', { timeZone: 'Europe/Berlin' })).toEqual(
			new Date(Date.UTC(2026, 2, 14, 9, 30))
		);
		expect(sheet('checkbox', false)).toBe(false);
		expect(sheet('user', ada)).toBe('Ada Lovelace');
		expect(sheet('text', null)).toBeNull();
		expect(sheet('number', null)).toBeNull();
	});

	it('gives currency and percent columns a number format', () => {
		expect(
			kindExportOf({ kind: 'currency' }).numberFormat?.({ currency: 'EUR', precision: 2 })
		).toBe('"€"#,##0.00');
		expect(kindExportOf({ kind: 'percent' }).numberFormat?.({ precision: 1 })).toBe('0.0%');
	});
});
