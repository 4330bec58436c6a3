// Tab-separated text as spreadsheets put it on the clipboard: Excel and Google Sheets quote a
// cell that holds a tab, a line break or a leading quote, doubling the quotes inside.

/** Reads a TSV block into rows of cells. A trailing line break does not make an empty row. */
export function parseTsv(text: string): string[][] {
	const rows: string[][] = [];
	let row: string[] = [];
	let cell = '';
	let index = 0;
	const normalized = text.replace(/\r\n?/g, '\n');
	let isCellStart = true;
	while (index < normalized.length) {
		const char = normalized[index]!;
		if (isCellStart && char === '"') {
			// A quoted cell runs to the next quote not doubled; a stray quote later is text.
			let end = index + 1;
			let value = '';
			let isClosed = false;
			while (end < normalized.length) {
				if (normalized[end] === '"') {
					if (normalized[end + 1] === '"') {
						value += '"';
						end += 2;
						continue;
					}
					isClosed = true;
					break;
				}
				value += normalized[end];
				end++;
			}
			const next = normalized[end + 1];
			if (isClosed && (next === undefined || next === '\t' || next === '\n')) {
				cell = value;
				index = end + 1;
				isCellStart = false;
				continue;
			}
		}
		isCellStart = false;
		if (char === '\t') {
			row.push(cell);
			cell = '';
			isCellStart = true;
		} else if (char === '\n') {
			row.push(cell);
			rows.push(row);
			row = [];
			cell = '';
			isCellStart = true;
		} else {
			cell += char;
		}
		index++;
	}
	if (!isCellStart || cell !== '' || row.length > 0) {
		row.push(cell);
		rows.push(row);
	}
	return rows;
}

const quoteIfNeeded = (cell: string) =>
	/[\t\n\r"]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;

/** Writes rows of cells as TSV that Excel and Google Sheets paste back cell for cell. */
export function toTsv(rows: string[][]): string {
	return rows.map((row) => row.map(quoteIfNeeded).join('\t')).join('\n');
}
