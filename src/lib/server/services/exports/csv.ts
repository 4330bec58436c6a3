// CSV as RFC 4180 writes it (CRLF line ends, fields quoted when they hold a comma, a quote or a
// line break), with the defence against CSV injection that OWASP describes. Pure: the export
// service streams what these functions return.

/** A UTF-8 byte order mark: without it Excel reads the file as the machine's ANSI code page. */
export const CSV_BOM = '\uFEFF';

export const CSV_LINE_END = '\r\n';

/**
 * Characters that make a spreadsheet read a cell as a formula (`=`, `+`, `-`, `@`), plus tab and
 * carriage return, which some spreadsheets skip before looking for them (OWASP, "CSV Injection").
 */
const formulaStart = /^[=+\-@\t\r]/;

/**
 * The text with a leading single quote when a spreadsheet would run it as a formula
 * (`=HYPERLINK(...)` in a name someone typed leaks data the moment a colleague opens the file).
 * The quote makes the cell text; it stays visible, which is the price OWASP accepts too.
 */
export function neutraliseFormula(text: string): string {
	return formulaStart.test(text) ? `'${text}` : text;
}

const needsQuotes = /[",\r\n]/;

/** One field, quoted (inner quotes doubled) only when RFC 4180 needs it. */
export function csvField(text: string): string {
	return needsQuotes.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * One record's line. `isFormulaSafe[i]` marks a column whose text cannot hold a formula (the
 * numeric kinds: digits, separators, a currency sign, a minus), which is left as it is, so
 * -12.5 stays a number a spreadsheet can sum; every other column is neutralised.
 */
export function csvLine(texts: readonly string[], isFormulaSafe: readonly boolean[] = []): string {
	let line = '';
	for (let index = 0; index < texts.length; index++) {
		const text = texts[index]!;
		if (index > 0) line += ',';
		line += csvField(isFormulaSafe[index] ? text : neutraliseFormula(text));
	}
	return line + CSV_LINE_END;
}
