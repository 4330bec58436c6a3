// The board as the page holds it: columns of cards, and the pure steps a drag or a keyboard
// move takes on them. The server has the last word (it re-sends the board after each change);
// these keep the page responsive until it does.
import type { AttributeKindName, CellValue } from '$lib/domain/attributes/kind';
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

/**
 * Whether a live change can move a card between columns or off this board (a new or deleted
 * record, a change to the board's field, or to the assignee the board is narrowed to): then
 * the board is asked for again instead of patching the card in place.
 */
export function canMoveCard(
	change: { action: string; values: Record<string, unknown> },
	board: { field: string | null; assigneeField: string | null; isNarrowedToAssignee: boolean }
): boolean {
	const keys = Object.keys(change.values);
	return (
		change.action !== 'update' ||
		keys.length === 0 ||
		(board.field !== null && keys.includes(board.field)) ||
		(board.assigneeField !== null &&
			board.isNarrowedToAssignee &&
			keys.includes(board.assigneeField))
	);
}
