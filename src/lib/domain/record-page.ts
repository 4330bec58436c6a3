// The first page of a sheet's records, read with the page on the server and continued by the
// grid in the browser from the REST collection, page by page.
import type { CellValue } from './attributes/kind';

/** A record as a page carries it: its id and its values by attribute key. */
export type RecordRow = { id: string } & Record<string, CellValue>;

/** Rows per page, the first (server) and every later one (browser). */
export const PAGE_SIZE = 100;

export interface FirstPage {
	rows: RecordRow[];
	total: number;
}
