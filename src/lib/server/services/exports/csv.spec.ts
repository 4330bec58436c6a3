import { describe, expect, it } from 'vitest';
import { CSV_BOM, csvField, csvLine, neutraliseFormula } from './csv';

describe('csvField', () => {
	it('leaves plain text alone', () => {
		expect(csvField('Ada Lovelace')).toBe('Ada Lovelace');
		expect(csvField('')).toBe('');
	});

	it('quotes a comma, a quote, a line feed or a carriage return, doubling inner quotes', () => {
		expect(csvField('London, UK')).toBe('"London, UK"');
		expect(csvField('say "hi"')).toBe('"say ""hi"""');
		expect(csvField('two\nlines')).toBe('"two\nlines"');
		expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
	});
});

describe('neutraliseFormula', () => {
	it.each(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://evil")'])(
		'prefixes %j with a single quote',
		(text) => {
			expect(neutraliseFormula(text)).toBe(`'${text}`);
		}
	);

	it('leaves text that starts elsewhere alone, including a formula sign later on', () => {
		expect(neutraliseFormula('a=1')).toBe('a=1');
		expect(neutraliseFormula(' =1')).toBe(' =1');
		expect(neutraliseFormula("'already")).toBe("'already");
		expect(neutraliseFormula('')).toBe('');
	});
});

describe('csvLine', () => {
	it('joins fields with commas and ends with CRLF', () => {
		expect(csvLine(['a', 'b, c', ''])).toBe('a,"b, c",\r\n');
	});

	it('neutralises every column unless it is marked formula-safe', () => {
		expect(csvLine(['-12.5', '-12.5', '=cmd'], [true, false, true])).toBe("-12.5,'-12.5,=cmd\r\n");
	});

	it('quotes a neutralised field when it also needs quotes', () => {
		expect(csvLine(['=A1,"x"'])).toBe(`"'=A1,""x"""\r\n`);
	});

	it('offers the UTF-8 byte order mark Excel needs', () => {
		expect(Buffer.from(CSV_BOM, 'utf8')).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
	});
});
