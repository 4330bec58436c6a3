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

/** Why an update may not be applied to a record doc, or null when it may. */
export interface UpdateProblem {
	code: 'out_of_sync' | 'bad_message';
	message: string;
}

/**
 * Checks, before anything is applied, that an update can be applied whole to this doc and holds
 * nothing but the record's fields. Yjs would keep a struct whose predecessors are missing as
 * "pending" while still applying its deletions, so a doc could lose a value without getting the
 * one that replaced it; and it would store any root type a client names. So:
 * - every struct must follow on what the doc (or the update itself) already holds, and every
 *   deletion must name content that exists: otherwise `out_of_sync`, and the sender resyncs;
 * - content may only be a field of `fields` that the record has (a JSON value, or a Y.Text for
 *   the keys in `textKeys`), or characters in such a text: otherwise `bad_message`.
 */
export function checkUpdate(
	doc: Y.Doc,
	update: Uint8Array,
	fieldKeys: ReadonlySet<string>,
	textKeys: ReadonlySet<string>
): UpdateProblem | null {
	let decoded: ReturnType<typeof Y.decodeUpdate>;
	try {
		decoded = Y.decodeUpdate(update);
	} catch {
		return { code: 'bad_message', message: 'The update is not a valid Yjs update' };
	}
	const store = doc.store;
	const have = (client: number) => Y.getState(store, client);
	// What the doc will know once the update is in: its own state, extended by the update's structs.
	const known = new Map<number, number>();
	const outOfSync = (what: string): UpdateProblem => ({
		code: 'out_of_sync',
		message: `The update ${what} that the server does not have; sync the record again`
	});
	const bad = (message: string): UpdateProblem => ({ code: 'bad_message', message });
	for (const struct of decoded.structs) {
		const { client, clock } = struct.id;
		const reach = known.get(client) ?? have(client);
		if (clock > reach) return outOfSync('follows on changes');
		if (struct instanceof Y.Skip && clock + struct.length > have(client)) {
			return outOfSync('skips changes');
		}
		known.set(client, Math.max(reach, clock + struct.length));
	}
	const isKnown = (id: Y.ID | null) => !id || id.clock < (known.get(id.client) ?? have(id.client));

	// Where an item sits: a field of the record, inside a long text, or somewhere else. Each
	// incoming item is placed once (memoized) and found by binary search, so a large update
	// costs n log n, not n squared: the check runs before anything else on the event loop.
	type Place = { field: string } | 'text' | 'elsewhere';
	const fields = fieldsOf(doc);
	const byClient = new Map<number, Y.Item[]>();
	for (const struct of decoded.structs) {
		if (!(struct instanceof Y.Item)) continue;
		const items = byClient.get(struct.id.client);
		if (items) items.push(struct);
		else byClient.set(struct.id.client, [struct]);
	}
	for (const items of byClient.values()) items.sort((a, b) => a.id.clock - b.id.clock);
	const incoming = (id: Y.ID): Y.Item | undefined => {
		const items = byClient.get(id.client);
		if (!items) return undefined;
		let low = 0;
		let high = items.length - 1;
		while (low <= high) {
			const middle = (low + high) >> 1;
			const item = items[middle]!;
			if (id.clock < item.id.clock) high = middle - 1;
			else if (id.clock >= item.id.clock + item.length) low = middle + 1;
			else return item;
		}
		return undefined;
	};
	const placeInDoc = (id: Y.ID): Place => {
		const item = Y.getItem(store, id);
		if (!(item instanceof Y.Item)) return 'elsewhere';
		if (item.parent === fields && item.parentSub !== null) return { field: item.parentSub };
		const parent = item.parent as Y.AbstractType<unknown> | null;
		if (parent instanceof Y.Text && parent._item?.parent === fields) return 'text';
		return 'elsewhere';
	};
	const places = new Map<Y.Item, Place>();
	// The item that holds a Y.Text, for content nested in it: a long-text field of the record.
	const isTextField = (id: Y.ID, nesting: number): boolean => {
		if (nesting > 2) return false;
		const item = id.clock < have(id.client) ? Y.getItem(store, id) : incoming(id);
		if (!(item instanceof Y.Item) || !(item.content instanceof Y.ContentType)) return false;
		if (!(item.content.type instanceof Y.Text)) return false;
		const place = placeOfItem(item, nesting + 1);
		return typeof place === 'object' && textKeys.has(place.field);
	};
	function placeOfItem(start: Y.Item, nesting = 0): Place {
		// Follow the neighbours an item shares its parent with, until one says where it is.
		const chain: Y.Item[] = [];
		let item: Y.Item | undefined = start;
		let place: Place = 'elsewhere';
		while (item) {
			const known = places.get(item);
			if (known) {
				place = known;
				break;
			}
			// A chain longer than the update is a loop: nothing legitimate.
			if (chain.length > decoded.structs.length) break;
			chain.push(item);
			const parent = item.parent as unknown;
			if (typeof parent === 'string') {
				if (parent === FIELDS && item.parentSub !== null) place = { field: item.parentSub };
				break;
			}
			if (parent instanceof Y.ID) {
				if (isTextField(parent, nesting)) place = 'text';
				break;
			}
			// An item already in the doc (a text's holder) has its parent type itself.
			if (parent instanceof Y.AbstractType) {
				place = placeInDoc(item.id);
				break;
			}
			// No parent written: it shares the parent of the item it is placed next to.
			const neighbour: Y.ID | null = item.origin ?? item.rightOrigin;
			if (!neighbour) break;
			if (neighbour.clock < have(neighbour.client)) {
				place = placeInDoc(neighbour);
				break;
			}
			item = incoming(neighbour);
		}
		for (const visited of chain) places.set(visited, place);
		return place;
	}

	for (const struct of decoded.structs) {
		if (!(struct instanceof Y.Item)) continue;
		if (!isKnown(struct.origin) || !isKnown(struct.rightOrigin)) {
			return outOfSync('places content next to content');
		}
		const parent = struct.parent as unknown;
		if (parent instanceof Y.ID && !isKnown(parent)) return outOfSync('edits a text');
		if (struct.content instanceof Y.ContentDeleted) continue;
		const place = placeOfItem(struct);
		const content = struct.content;
		if (place === 'elsewhere') {
			return bad(
				typeof parent === 'string' && parent !== FIELDS
					? `A record doc holds only its fields, not "${parent}"`
					: "The update holds content outside the record's fields"
			);
		}
		if (place === 'text') {
			if (!(content instanceof Y.ContentString || content instanceof Y.ContentFormat)) {
				return bad('A long text holds only characters');
			}
			continue;
		}
		if (!fieldKeys.has(place.field)) return bad(`The record has no field "${place.field}"`);
		const isText = content instanceof Y.ContentType && content.type instanceof Y.Text;
		const isValue = content instanceof Y.ContentAny || content instanceof Y.ContentJSON;
		if (textKeys.has(place.field) ? !isText && !isValue : !isValue) {
			return bad(`"${place.field}" cannot hold that kind of content`);
		}
	}
	for (const [client, ranges] of decoded.ds.clients) {
		const reach = known.get(client) ?? have(client);
		for (const range of ranges) {
			if (range.clock + range.len > reach) return outOfSync('deletes content');
		}
	}
	return null;
}

/**
 * Puts refused fields back to what they were and writes accepted ones in their normal form
 * (trimmed text, a number from "42"), as one server transaction. Returns its update, or null
 * when nothing needed changing.
 */
export function correctFields(
	doc: Y.Doc,
	before: Record<string, CellValue>,
	refused: string[],
	accepted: Record<string, CellValue>,
	textKeys: ReadonlySet<string>
): Uint8Array | null {
	// Deletions make no new structs, so the state vector cannot tell: collect the ops.
	const ops: Uint8Array[] = [];
	const collect = (update: Uint8Array) => ops.push(update);
	doc.on('update', collect);
	try {
		const fields = fieldsOf(doc);
		doc.transact(() => {
			for (const key of refused) if (!(key in before)) fields.delete(key);
		}, Origin.Server);
		const corrections: Record<string, CellValue> = {};
		for (const key of refused) if (key in before) corrections[key] = before[key] ?? null;
		for (const [key, value] of Object.entries(accepted)) corrections[key] = value;
		writeFields(doc, corrections, textKeys, Origin.Server);
	} finally {
		doc.off('update', collect);
	}
	return ops.length ? Y.mergeUpdates(ops) : null;
}

/**
 * Whether `item` was written by someone who had seen `ancestor`: a map set names the item it
 * replaced as its origin, so the chain of origins leads back to every value its writer saw in
 * that field.
 */
export function followsOn(doc: Y.Doc, item: Y.Item | undefined, ancestor: Y.ID): boolean {
	for (let steps = 0; item && steps < 10_000; steps++) {
		if (Y.compareIDs(item.id, ancestor)) return true;
		if (!item.origin) return false;
		const previous = Y.getItem(doc.store, item.origin);
		if (!(previous instanceof Y.Item) || previous === item) return false;
		item = previous;
	}
	return false;
}

/** The values of the record's fields that a transaction added (newly made map items). */
function* newFieldItems(
	transaction: Y.Transaction,
	doc: Y.Doc
): Generator<Y.Item & { parentSub: string }> {
	const fields = fieldsOf(doc);
	for (const [client, after] of transaction.afterState) {
		const before = transaction.beforeState.get(client) ?? 0;
		const structs = doc.store.clients.get(client);
		if (after <= before || !structs) continue;
		for (let index = Y.findIndexSS(structs, before); index < structs.length; index++) {
			const struct = structs[index];
			if (struct instanceof Y.Item && struct.parent === fields && struct.parentSub !== null) {
				yield struct as Y.Item & { parentSub: string };
			}
		}
	}
}

const contentValue = (item: Y.Item): CellValue | undefined =>
	item.content instanceof Y.ContentAny
		? ((item.content.getContent()[0] ?? null) as CellValue)
		: undefined;

/**
 * Applies an update like applyAndCollect, and also returns the values it set that lost at once
 * to a value their writer had not seen (a concurrent set that Yjs ordered after them). The doc
 * keeps nothing of such a value once the transaction ends, so this is the only moment it can be
 * told to the person whose value it beat.
 */
export function applyNoticingLosses(
	doc: Y.Doc,
	update: Uint8Array,
	origin: unknown
): { keys: Set<string>; lost: Record<string, CellValue> } {
	const keys = new Set<string>();
	const lost: Record<string, CellValue> = {};
	const fields = fieldsOf(doc);
	const inspect = (transaction: Y.Transaction) => {
		for (const key of changedFields(transaction, doc)) keys.add(key);
		for (const item of newFieldItems(transaction, doc)) {
			const value = contentValue(item);
			if (!item.deleted || value === undefined) continue;
			if (!followsOn(doc, fields._map.get(item.parentSub), item.id)) lost[item.parentSub] = value;
		}
	};
	doc.on('afterTransaction', inspect);
	try {
		Y.applyUpdate(doc, update, origin);
	} finally {
		doc.off('afterTransaction', inspect);
	}
	return { keys, lost };
}

/** A value this doc wrote and someone else's set of the same field made without seeing it. */
export interface FieldClash {
	field: string;
	/** What this doc had written. */
	mine: CellValue;
	/** What the other writer set. */
	theirs: CellValue;
	/** What the field holds now that both are in (Yjs keeps one of the two). */
	resolved: CellValue;
}

/**
 * Applies an update from elsewhere and reports the fields where it sets a value concurrently
 * with one this doc wrote: the other writer's set does not follow on ours (its chain of origins
 * never reaches our item), so neither saw the other's value, and Yjs keeps one of the two
 * silently. A set that lost on the server arrives emptied: `lost` carries its value then (the
 * change names what it dropped). Sequential writes (theirs made after ours arrived) are no
 * clash; neither are long texts, which merge character by character, nor two equal values.
 */
export function applyNoticingClashes(
	doc: Y.Doc,
	update: Uint8Array,
	origin: unknown,
	lost: Record<string, CellValue> = {}
): FieldClash[] {
	const fields = fieldsOf(doc);
	const mine = new Map<string, { item: Y.Item; value: CellValue }>();
	for (const [key, item] of fields._map) {
		if (item.deleted || item.id.client !== doc.clientID) continue;
		if (item.content instanceof Y.ContentType) continue;
		mine.set(key, { item, value: readField(doc, key) });
	}
	if (mine.size === 0) {
		Y.applyUpdate(doc, update, origin);
		return [];
	}
	const found = new Map<string, CellValue>();
	// After the transaction's observers and before garbage collection, which empties the content
	// of the value that lost here.
	const inspect = (transaction: Y.Transaction) => {
		for (const item of newFieldItems(transaction, doc)) {
			const own = mine.get(item.parentSub);
			if (!own || followsOn(doc, item, own.item.id)) continue;
			const theirs = contentValue(item) ?? lost[item.parentSub];
			if (theirs === undefined || JSON.stringify(theirs) === JSON.stringify(own.value)) continue;
			found.set(item.parentSub, theirs);
		}
	};
	doc.on('afterTransaction', inspect);
	try {
		Y.applyUpdate(doc, update, origin);
	} finally {
		doc.off('afterTransaction', inspect);
	}
	return [...found].map(([field, theirs]) => ({
		field,
		mine: mine.get(field)!.value,
		theirs,
		resolved: readField(doc, field)
	}));
}
