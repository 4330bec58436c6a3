// The board as the page holds it: columns of cards, and the pure steps a drag or a keyboard
// move takes on them, and the diff a live change makes. The server has the last word: the page
// asks for the board again where a change does not say enough to patch it.
import type { AttributeKindName, CellValue } from '$lib/domain/attributes/kind';
import type { SheetChange } from '$lib/domain/realtime/protocol';
import type { FieldDef } from '$lib/components/fields/types';

export type CardRecord = { id: string; type: string } & Record<string, CellValue>;

export interface BoardCard {
	id: string;
	position: number;
	record: CardRecord;
}

export interface BoardColumn {
	/** The choice, or null for the records without a value. */
	value: string | null;
	total: number;
	cards: BoardCard[];
}

export interface CardPlace {
	column: number;
	index: number;
}

export function locate(columns: BoardColumn[], id: string): CardPlace | null {
	for (const [column, each] of columns.entries()) {
		const index = each.cards.findIndex((card) => card.id === id);
		if (index !== -1) return { column, index };
	}
	return null;
}

/**
 * The columns with the card taken out and put into `to.column` at `to.index`, counted among
 * that column's other cards. Returns the same columns when the card is not on the board.
 */
export function withCardMoved(columns: BoardColumn[], id: string, to: CardPlace): BoardColumn[] {
	const from = locate(columns, id);
	if (!from) return columns;
	const card = columns[from.column]!.cards[from.index]!;
	const next = columns.map((column) => ({ ...column, cards: [...column.cards] }));
	next[from.column]!.cards.splice(from.index, 1);
	const target = next[to.column]!;
	target.cards.splice(Math.max(0, Math.min(to.index, target.cards.length)), 0, card);
	if (from.column !== to.column) {
		next[from.column]!.total = Math.max(0, next[from.column]!.total - 1);
		target.total += 1;
	}
	return next;
}

/** The cards around a card where it now is: what the move endpoint calls after and before. */
export function neighboursOf(
	columns: BoardColumn[],
	id: string
): { after?: string; before?: string } {
	const place = locate(columns, id);
	if (!place) return {};
	const cards = columns[place.column]!.cards;
	return { after: cards[place.index - 1]?.id, before: cards[place.index + 1]?.id };
}

/** Whether a drop at `to` leaves the card where it was. */
export function isSamePlace(columns: BoardColumn[], id: string, to: CardPlace): boolean {
	const from = locate(columns, id);
	return !!from && from.column === to.column && from.index === to.index;
}

// The part each kind can play on a board.
const kindsIn = (...names: AttributeKindName[]) => {
	const set = new Set<AttributeKindName>(names);
	return (field: FieldDef) => set.has(field.kind);
};
/** A column per choice: one choice per record. */
export const isColumnField = kindsIn('single_select');
/** What a new card's typed title can go into. */
export const takesTypedTitle = kindsIn('text', 'long_text', 'email', 'phone', 'url');
const isTitleField = kindsIn('text');
const isPersonField = kindsIn('user');
const isWhenField = kindsIn('date', 'datetime');

/** The field a card is titled by: the first text field, else the first field. */
export function titleField(fields: FieldDef[]): FieldDef | undefined {
	return fields.find(isTitleField) ?? fields[0];
}

/**
 * The fields cards show unless the user picked others: the first person, the first date and
 * the other single selects, at most three.
 */
export function defaultCardFields(fields: FieldDef[], boardField: string | null): string[] {
	const title = titleField(fields)?.key;
	const candidates = [
		fields.find(isPersonField),
		fields.find(isWhenField),
		...fields.filter((field) => isColumnField(field) && field.key !== boardField)
	];
	const keys = candidates
		.filter((field): field is FieldDef => !!field && field.key !== title)
		.map((field) => field.key);
	return [...new Set(keys)].slice(0, 3);
}

const arrowSteps: Record<string, [column: number, index: number]> = {
	ArrowUp: [0, -1],
	ArrowDown: [0, 1],
	ArrowLeft: [-1, 0],
	ArrowRight: [1, 0]
};

export const isArrowKey = (key: string) => key in arrowSteps;

/**
 * Where an arrow key takes a card picked up from the keyboard: up and down within its column,
 * left and right to the same place in the next column (or its end). Null when the key is no
 * arrow or the card cannot go further that way.
 */
export function arrowTarget(
	columns: BoardColumn[],
	from: CardPlace,
	key: string
): CardPlace | null {
	const step = arrowSteps[key];
	if (!step) return null;
	const column = from.column + step[0];
	if (column < 0 || column >= columns.length) return null;
	const cards = columns[column]!.cards;
	const index =
		step[0] === 0
			? Math.max(0, Math.min(from.index + step[1], cards.length - 1))
			: Math.min(from.index, cards.length);
	return column === from.column && index === from.index ? null : { column, index };
}

/** What decides which records a board shows: its column field and the assignee it is narrowed to. */
export interface BoardLens {
	field: string | null;
	assigneeField: string | null;
	/** A user id, 'none' for the unassigned, or null when the board shows everyone's cards. */
	assignee: string | null;
}

/** What the board reads of a live change. */
export type CardChange = Pick<SheetChange, 'id' | 'action' | 'values' | 'position'>;

/** The board after a live change, or a reload when the change does not say enough. */
export interface ChangeOutcome {
	columns: BoardColumn[];
	isReloadNeeded: boolean;
}

const isAssignedAs = (value: CellValue | undefined, assignee: string) =>
	assignee === 'none' ? value === null || value === undefined : value === assignee;

/** Whether some column holds more records than it shows cards (the board loads the first ones). */
const isCut = (columns: BoardColumn[]) =>
	columns.some((column) => column.total > column.cards.length);

/** The column a value of the board's field shows in: a value that is no choice shows as empty. */
function columnOfValue(columns: BoardColumn[], value: CellValue | undefined): number {
	const index = columns.findIndex((column) => column.value === (value ?? null));
	return index === -1 ? columns.findIndex((column) => column.value === null) : index;
}

/** Board order, as the server reads it: by position, then by id. */
const isBefore = (card: BoardCard, other: BoardCard) =>
	card.position < other.position || (card.position === other.position && card.id < other.id);

function withoutCard(columns: BoardColumn[], place: CardPlace): BoardColumn[] {
	return columns.map((column, index) =>
		index === place.column
			? {
					...column,
					total: Math.max(0, column.total - 1),
					cards: column.cards.filter((_, cardIndex) => cardIndex !== place.index)
				}
			: column
	);
}

const patched = (card: BoardCard, values: CardChange['values']): BoardCard => ({
	...card,
	record: { ...card.record, ...values } as CardRecord
});

function withValues(columns: BoardColumn[], place: CardPlace, values: CardChange['values']) {
	return columns.map((column, index) =>
		index === place.column
			? {
					...column,
					cards: column.cards.map((card, cardIndex) =>
						cardIndex === place.index ? patched(card, values) : card
					)
				}
			: column
	);
}

/**
 * The columns with the card at `from` taken out and put into column `to` where `card` belongs
 * in board order. A column showing only its first cards does not show one that belongs after
 * them, but counts it.
 */
function withCardPlaced(
	columns: BoardColumn[],
	from: CardPlace,
	to: number,
	card: BoardCard
): BoardColumn[] {
	const next = columns.map((column) => ({ ...column, cards: [...column.cards] }));
	next[from.column]!.cards.splice(from.index, 1);
	const target = next[to]!;
	if (from.column !== to) {
		next[from.column]!.total = Math.max(0, next[from.column]!.total - 1);
		target.total += 1;
	}
	const index = target.cards.findIndex((other) => isBefore(card, other));
	if (index !== -1) target.cards.splice(index, 0, card);
	else if (target.total <= target.cards.length + 1) target.cards.push(card);
	return next;
}

/**
 * The board after someone's change to one record, as a diff: the card's values patched, the
 * card put where its column and position now place it, taken off when the record was deleted
 * or left the assignee the board is narrowed to, and nothing for a record the board does not
 * show and will not. A move says the record's new position; any other change leaves it as it
 * was, so a card whose column changed keeps its position in the new one. This page's own moves
 * come back the same way and land where the page already put them.
 *
 * A reload stays the answer where the change does not say enough: a move that renumbered its
 * column (`position: null`: the places this page holds are stale), a new record the board shows
 * (where it goes and its count), a record it does not hold that may now belong (assigned to the
 * board's person, or moved while beyond the first cards of a column: its values are unknown),
 * and a deleted record it does not hold while a column shows only its first cards (which count
 * fell is unknown).
 */
export function withLiveChange(
	columns: BoardColumn[],
	change: CardChange,
	lens: BoardLens
): ChangeOutcome {
	const place = locate(columns, change.id);
	const keys = Object.keys(change.values);
	const isAssigneeChange =
		lens.assignee !== null && lens.assigneeField !== null && keys.includes(lens.assigneeField);
	const isAssigned =
		lens.assignee === null ||
		lens.assigneeField === null ||
		isAssignedAs(change.values[lens.assigneeField], lens.assignee);
	const same = { columns, isReloadNeeded: false };
	const reload = { columns, isReloadNeeded: true };
	if (change.action === 'delete') {
		if (place) return { columns: withoutCard(columns, place), isReloadNeeded: false };
		return isCut(columns) ? reload : same;
	}
	if (change.action === 'create') return isAssigned ? reload : same;
	if (change.position === null) return reload;
	const isColumnChange = lens.field !== null && keys.includes(lens.field);
	if (!place) {
		if (isAssigneeChange && isAssigned) return reload;
		const isPlaceChange = isColumnChange || change.position !== undefined;
		return isPlaceChange && isCut(columns) ? reload : same;
	}
	if (isAssigneeChange && !isAssigned) {
		return { columns: withoutCard(columns, place), isReloadNeeded: false };
	}
	const to = isColumnChange ? columnOfValue(columns, change.values[lens.field!]) : place.column;
	if (to === -1) return reload;
	if (to === place.column && change.position === undefined) {
		return keys.length
			? { columns: withValues(columns, place, change.values), isReloadNeeded: false }
			: same;
	}
	const card = patched(columns[place.column]!.cards[place.index]!, change.values);
	if (change.position !== undefined) card.position = change.position;
	return { columns: withCardPlaced(columns, place, to, card), isReloadNeeded: false };
}
