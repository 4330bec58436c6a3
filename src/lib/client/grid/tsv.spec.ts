import { describe, expect, it } from 'vitest';
import { parseTsv, toTsv } from './tsv';

describe('parseTsv', () => {
	it('reads rows and cells, ignoring the trailing line break spreadsheets add', () => {
		expect(parseTsv('a\tb\nc\td\n')).toEqual([
			['a', 'b'],
			['c', 'd']
		]);
		expect(parseTsv('a\t\tc\r\n\tb\t')).toEqual([
			['a', '', 'c'],
			['', 'b', '']
		]);
	});

	it('reads quoted cells with tabs, line breaks and doubled quotes', () => {
		expect(parseTsv('"line 1\nline 2"\t"say ""hi"""\nx')).toEqual([
			['line 1\nline 2', 'say "hi"'],
			['x']
		]);
	});

	it('keeps a quote that does not close a cell as text', () => {
		expect(parseTsv('5" screen\t"a"b')).toEqual([['5" screen', '"a"b']]);
	});

	it('reads one empty cell from empty text as nothing', () => {
		expect(parseTsv('')).toEqual([]);
	});
});

describe('toTsv', () => {
	it('round-trips through parseTsv', () => {
		const rows = [
			['plain', 'tab\there', 'quote "q"'],
			['multi\nline', '', '€ 5']
		];
		expect(parseTsv(toTsv(rows))).toEqual(rows);
	});
});
