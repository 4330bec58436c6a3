import { describe, expect, it } from 'vitest';
import { checkHeader, columnName, detectEncoding, guessKind } from './index';

const bytes = (...values: number[]) => new Uint8Array(values);

describe('detectEncoding', () => {
	it('believes a byte order mark', () => {
		expect(detectEncoding(bytes(0xef, 0xbb, 0xbf, 0x41))).toEqual({
			encoding: 'utf-8',
			bomLength: 3
		});
		expect(detectEncoding(bytes(0xff, 0xfe, 0x41, 0))).toEqual({
			encoding: 'utf-16le',
			bomLength: 2
		});
		expect(detectEncoding(bytes(0xfe, 0xff, 0, 0x41))).toEqual({
			encoding: 'utf-16be',
			bomLength: 2
		});
	});

	it('reads valid UTF-8 as UTF-8, even when the head cuts a character in two', () => {
		const text = new TextEncoder().encode('Zoë,Łódź');
		expect(detectEncoding(text).encoding).toBe('utf-8');
		expect(detectEncoding(text.subarray(0, text.length - 1)).encoding).toBe('utf-8');
	});

	it('falls back to Windows-1252 for bytes that are not UTF-8', () => {
		expect(detectEncoding(bytes(0x43, 0x61, 0x66, 0xe9, 0x2c, 0x41)).encoding).toBe('windows-1252');
	});
});

describe('checkHeader', () => {
	it('accepts unique names, blank ones included', () => {
		expect(checkHeader(['Name', 'Email', ''], 10)).toBeNull();
	});

	it('names the two columns that share a name, ignoring case and spaces', () => {
		expect(checkHeader(['Name', 'Email', ' name '], 10)).toEqual({
			message: 'Columns 1 and 3 are both called "name"; rename one and upload the file again',
			column: 3
		});
	});

	it('refuses more columns than allowed, and an empty header', () => {
		expect(checkHeader(['a', 'b', 'c'], 2)?.message).toBe(
			'The file has 3 columns; at most 2 can be imported'
		);
		expect(checkHeader([], 2)?.message).toBe('The file has no header row');
	});

	it('labels blank header cells by position', () => {
		expect(columnName('  ', 2)).toBe('Column 3');
		expect(columnName(' Email ', 0)).toBe('Email');
	});
});

describe('guessKind', () => {
	it('finds the narrowest kind that reads every non-empty value', () => {
		expect(guessKind(['1', '2.5', '', '-3'])).toEqual({ kind: 'number' });
		expect(guessKind(['2026-01-05', '2026-02-10'])).toEqual({ kind: 'date' });
		expect(guessKind(['2026-01-05 09:30', '2026-02-10T18:00:00Z'])).toEqual({ kind: 'datetime' });
		expect(guessKind(['yes', 'no', 'TRUE'])).toEqual({ kind: 'checkbox' });
		expect(guessKind(['ada@example.com', 'grace@example.com'])).toEqual({ kind: 'email' });
		expect(guessKind(['https://example.com', 'https://roster.example/a'])).toEqual({ kind: 'url' });
		expect(guessKind(['+44 20 7946 0958', '+1 (555) 010-0199'])).toEqual({ kind: 'phone' });
	});

	it('takes a few repeated short words for a single select, in order of appearance', () => {
		expect(guessKind(['VIP', 'Standard', 'Standard', 'VIP', 'Press', 'Standard'])).toEqual({
			kind: 'single_select',
			choices: ['VIP', 'Standard', 'Press']
		});
	});

	it('keeps free text as text, and long or multi-line text as long text', () => {
		expect(guessKind(['Ada Lovelace', 'Grace Hopper', 'Alan Turing'])).toEqual({ kind: 'text' });
		expect(guessKind(['line one\nline two'])).toEqual({ kind: 'long_text' });
		expect(guessKind(['', ' '])).toEqual({ kind: 'text' });
	});

	it('does not take numbers other than 0 and 1 for checkboxes', () => {
		expect(guessKind(['0', '1', '2'])).toEqual({ kind: 'number' });
	});
});
