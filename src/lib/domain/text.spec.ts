import { describe, expect, it } from 'vitest';
import { AppErrorCode } from './errors';
import { findUnstorableText, refuseUnstorableText } from './text';

describe('findUnstorableText', () => {
	it('finds a NUL or a lone surrogate and names its path', () => {
		expect(findUnstorableText({ values: { title: 'a\u0000' } })?.path).toBe('values.title');
		expect(findUnstorableText([{ name: 'ok' }, { name: 'x\uD800y' }])?.path).toBe('1.name');
		expect(findUnstorableText({ tags: ['a', '\uDC00'] })?.path).toBe('tags.1');
		expect(findUnstorableText({ ['k\u0000']: 1 })?.message).toMatch(/^key /);
	});

	it('accepts ordinary text, surrogate pairs, numbers and nulls', () => {
		expect(findUnstorableText({ name: 'Zoë 👋', n: 1, none: null, list: [true] })).toBeNull();
	});

	it('stops at a nesting depth instead of recursing without bound', () => {
		let deep: unknown = 'leaf';
		for (let level = 0; level < 10_000; level++) deep = [deep];
		expect(findUnstorableText(deep)?.message).toMatch(/nested/);
	});
});

describe('refuseUnstorableText', () => {
	it('throws InvalidInput with the field, prefixed when asked', () => {
		expect(() => refuseUnstorableText({ title: '\u0000' }, 'values')).toThrow(
			expect.objectContaining({ code: AppErrorCode.InvalidInput, field: 'values.title' })
		);
		expect(() => refuseUnstorableText('\u0000')).toThrow(
			expect.objectContaining({ field: 'body' })
		);
	});
});
