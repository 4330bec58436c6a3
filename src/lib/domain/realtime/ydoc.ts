// A record as a Yjs document: one root Y.Map "fields" of attribute key to value. Long text is
// a Y.Text so that two people typing in one note merge character by character; every other
// value is a plain JSON value that the last writer replaces as a whole. Pure: the same code
// runs in the browser, the engine and the write path.
import * as Y from 'yjs';
import type { CellValue } from '../attributes/kind';

export const FIELDS = 'fields';

/** Server-made transactions carry one of these origins; anything else came from a client. */
export const Origin = {
	/** Built from the EAV rows or written by the write path (REST, import, check-in). */
	Server: 'server',
	/** Arrived from another process through Redis: already stored by that process. */
	Remote: 'remote',
	/** Read back from Postgres after a gap (Redis outage, restart). */
	Storage: 'storage'
} as const;

export const fieldsOf = (doc: Y.Doc): Y.Map<unknown> => doc.getMap(FIELDS);

/** A field's value in its JSON form: the text of a Y.Text, the value otherwise. */
export function plainValue(value: unknown): CellValue {
	if (value instanceof Y.Text) return value.toString();
	if (value === undefined) return null;
	return value as CellValue;
}

export function readField(doc: Y.Doc, key: string): CellValue {
	return plainValue(fieldsOf(doc).get(key));
}

export function readFields(doc: Y.Doc): Record<string, CellValue> {
	const values: Record<string, CellValue> = {};
	for (const [key, value] of fieldsOf(doc).entries()) values[key] = plainValue(value);
	return values;
}

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Replaces a Y.Text's content with `next` by its smallest middle edit, so concurrent typing
 * elsewhere in the text survives a whole-value write.
 */
export function replaceText(text: Y.Text, next: string): void {
	const current = text.toString();
	if (current === next) return;
	let start = 0;
	const shorter = Math.min(current.length, next.length);
	while (start < shorter && current[start] === next[start]) start++;
	let end = 0;
	while (end < shorter - start && current[current.length - 1 - end] === next[next.length - 1 - end])
		end++;
	const removed = current.length - start - end;
	if (removed > 0) text.delete(start, removed);
	const inserted = next.slice(start, next.length - end);
	if (inserted) text.insert(start, inserted);
}

/**
 * Writes values into the doc, touching only fields whose value differs, so writing the same
 * values twice makes no Yjs operation. Keys in `textKeys` are kept as Y.Text.
 */
export function writeFields(
	doc: Y.Doc,
	values: Record<string, CellValue>,
	textKeys: ReadonlySet<string>,
	origin: unknown = Origin.Server
): void {
	const fields = fieldsOf(doc);
	doc.transact(() => {
		for (const [key, value] of Object.entries(values)) {
			const current = fields.get(key);
			if (textKeys.has(key)) {
				const text = typeof value === 'string' ? value : '';
				if (current instanceof Y.Text) replaceText(current, text);
				else fields.set(key, new Y.Text(text));
				continue;
			}
			if (current !== undefined && sameValue(plainValue(current), value)) continue;
			if (current === undefined && value === null) continue;
			fields.set(key, value);
		}
	}, origin);
}

/** The field keys a transaction changed: map entries set or deleted, and edited texts. */
export function changedFields(transaction: Y.Transaction, doc: Y.Doc): Set<string> {
	const fields = fieldsOf(doc);
	const keys = new Set<string>();
	for (const [type, subs] of transaction.changed) {
		if ((type as unknown) === fields) {
			for (const key of subs) if (key !== null) keys.add(key);
		} else if (type._item?.parent === fields && type._item.parentSub) {
			keys.add(type._item.parentSub);
		}
	}
	return keys;
}

/**
 * Applies an update and reports which fields it changed. Throws on bytes that are not a Yjs
 * update (callers turn that into "bad message").
 */
export function applyAndCollect(doc: Y.Doc, update: Uint8Array, origin: unknown): Set<string> {
	let keys = new Set<string>();
	const collect = (transaction: Y.Transaction) => {
		for (const key of changedFields(transaction, doc)) keys.add(key);
	};
	doc.on('afterTransaction', collect);
	try {
		Y.applyUpdate(doc, update, origin);
	} finally {
		doc.off('afterTransaction', collect);
	}
	if (keys.size === 0) keys = new Set();
	return keys;
}

/**
 * Decodes an update without applying it, to refuse malformed bytes before they reach a doc.
 * Yjs throws on most garbage; it can also read garbage as a huge struct count, so the decoded
 * shape is checked too.
 */
export function isWellFormedUpdate(update: Uint8Array): boolean {
	if (!(update instanceof Uint8Array) || update.byteLength === 0) return false;
	try {
		const decoded = Y.decodeUpdate(update);
		return Array.isArray(decoded.structs) && decoded.ds instanceof Object;
	} catch {
		return false;
	}
}
