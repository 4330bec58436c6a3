import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import {
	TextareaBinding,
	diffText,
	mapIndex,
	type TextDelta,
	type TextareaLike
} from './ytext-binding';

describe('diffText', () => {
	it('finds the one edit between two texts', () => {
		expect(diffText('Hello world', 'Hello, world')).toEqual({ index: 5, remove: 0, insert: ',' });
		expect(diffText('Hello world', 'Hello')).toEqual({ index: 5, remove: 6, insert: '' });
		expect(diffText('cat', 'cut')).toEqual({ index: 1, remove: 1, insert: 'u' });
		expect(diffText('', 'abc')).toEqual({ index: 0, remove: 0, insert: 'abc' });
		expect(diffText('same', 'same')).toBeNull();
	});

	it('places an ambiguous edit at the caret', () => {
		// "aa" -> "aaa" with the caret after the second a: the new a went in at 1.
		expect(diffText('aa', 'aaa', 2)).toEqual({ index: 1, remove: 0, insert: 'a' });
		expect(diffText('aa', 'aaa', 1)).toEqual({ index: 0, remove: 0, insert: 'a' });
		// Backspace in "aaa" at 2 removes the second a.
		expect(diffText('aaa', 'aa', 1)).toEqual({ index: 1, remove: 1, insert: '' });
		// A paste over a selection replaces it, wherever the same letters repeat.
		expect(diffText('abab', 'abXab', 3)).toEqual({ index: 2, remove: 0, insert: 'X' });
	});

	it('never splits a surrogate pair', () => {
		const edit = diffText('a😀b', 'a😁b', 3)!;
		expect(edit).toEqual({ index: 1, remove: 2, insert: '😁' });
	});
});

describe('mapIndex', () => {
	const insert = (at: number, text: string): TextDelta => [{ retain: at }, { insert: text }];
	const remove = (at: number, count: number): TextDelta => [{ retain: at }, { delete: count }];

	it('moves a position by text inserted before it, not after', () => {
		expect(mapIndex(5, insert(2, 'xyz'))).toBe(8);
		expect(mapIndex(5, insert(7, 'xyz'))).toBe(5);
		expect(mapIndex(5, [{ insert: 'ab' }])).toBe(7);
	});

	it('keeps a caret before text inserted exactly at it, unless it sticks right', () => {
		expect(mapIndex(5, insert(5, 'xyz'))).toBe(5);
		expect(mapIndex(5, insert(5, 'xyz'), true)).toBe(8);
	});

	it('pulls a position into a deletion around it', () => {
		expect(mapIndex(5, remove(1, 2))).toBe(3);
		expect(mapIndex(5, remove(3, 10))).toBe(3);
		expect(mapIndex(5, remove(6, 2))).toBe(5);
	});

	it('follows a replacement (delete and insert in one change)', () => {
		expect(mapIndex(10, [{ retain: 2 }, { delete: 3 }, { insert: 'abcdef' }])).toBe(13);
	});
});

/** A textarea without a DOM: what the binding reads and writes, and its event listeners. */
class FakeTextarea implements TextareaLike {
	value = '';
	selectionStart: number | null = 0;
	selectionEnd: number | null = 0;
	selectionDirection: 'forward' | 'backward' | 'none' | null = 'none';
	scrollTop = 0;
	readOnly = false;
	private readonly listeners = new Map<string, ((event: Event) => void)[]>();

	setSelectionRange(start: number, end: number) {
		this.selectionStart = start;
		this.selectionEnd = end;
	}
	addEventListener(type: string, listener: (event: Event) => void) {
		this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
	}
	removeEventListener(type: string, listener: (event: Event) => void) {
		this.listeners.set(
			type,
			(this.listeners.get(type) ?? []).filter((each) => each !== listener)
		);
	}
	emit(type: string, event: Partial<KeyboardEvent> = {}) {
		for (const listener of this.listeners.get(type) ?? []) listener(event as Event);
	}
	/** Types `text` at the caret (over the selection), as the browser would, then fires input. */
	type(text: string) {
		const start = this.selectionStart ?? 0;
		const end = this.selectionEnd ?? start;
		this.value = this.value.slice(0, start) + text + this.value.slice(end);
		this.selectionStart = this.selectionEnd = start + text.length;
		this.emit('input');
	}
	backspace() {
		const at = this.selectionStart ?? 0;
		this.value = this.value.slice(0, at - 1) + this.value.slice(at);
		this.selectionStart = this.selectionEnd = at - 1;
		this.emit('input');
	}
	caret(at: number) {
		this.selectionStart = this.selectionEnd = at;
	}
}

/** Two people with their own doc and textarea, connected both ways like through the server. */
function pair(initial: string) {
	const docs = [new Y.Doc(), new Y.Doc()] as const;
	docs[0].getMap('fields').set('notes', new Y.Text(initial));
	Y.applyUpdate(docs[1], Y.encodeStateAsUpdate(docs[0]));
	const queued: [number, Uint8Array][] = [];
	let isLive = true;
	docs.forEach((doc, index) =>
		doc.on('update', (update: Uint8Array, origin: unknown) => {
			if (origin === 'network') return;
			if (isLive) Y.applyUpdate(docs[1 - index]!, update, 'network');
			else queued.push([1 - index, update]);
		})
	);
	const areas = [new FakeTextarea(), new FakeTextarea()] as const;
	const bindings = docs.map(
		(doc, index) =>
			new TextareaBinding(areas[index]!, doc.getMap('fields').get('notes') as Y.Text, {
				isFocused: () => true
			})
	);
	return {
		docs,
		areas,
		bindings,
		/** Holds updates back, as latency would, so edits cross on the wire. */
		hold: () => (isLive = false),
		deliver() {
			isLive = true;
			for (const [to, update] of queued.splice(0)) Y.applyUpdate(docs[to]!, update, 'network');
		}
	};
}

describe('TextareaBinding', () => {
	it('sends what one person types and shows it to the other, keeping their caret', () => {
		const { areas, docs } = pair('Hello world');
		areas[1].caret(11);
		areas[0].caret(5);
		areas[0].type(',');
		expect(areas[1].value).toBe('Hello, world');
		expect(areas[1].selectionStart).toBe(12);
		expect((docs[1].getMap('fields').get('notes') as Y.Text).toString()).toBe('Hello, world');
	});

	it('keeps a selection around remote edits inside and before it', () => {
		const { areas } = pair('one two three');
		areas[1].setSelectionRange(4, 7); // "two"
		areas[0].caret(0);
		areas[0].type('zero ');
		expect(areas[1].value.slice(areas[1].selectionStart!, areas[1].selectionEnd!)).toBe('two');
		areas[0].caret(12);
		areas[0].type('o');
		expect(areas[1].value.slice(areas[1].selectionStart!, areas[1].selectionEnd!)).toBe('twoo');
	});

	it('merges two people typing at once into both texts', () => {
		const { areas, hold, deliver } = pair('Notes: ');
		areas[0].caret(7);
		areas[1].caret(0);
		hold();
		for (const letter of 'alpha') areas[0].type(letter);
		for (const letter of '>> ') areas[1].type(letter);
		deliver();
		expect(areas[0].value).toBe('>> Notes: alpha');
		expect(areas[1].value).toBe('>> Notes: alpha');
		// Each caret stays where its owner was typing.
		expect(areas[0].selectionStart).toBe(15);
		expect(areas[1].selectionStart).toBe(3);
	});

	it('edits with backspace and replaces a selection', () => {
		const { areas } = pair('abc');
		areas[0].caret(3);
		areas[0].backspace();
		areas[0].setSelectionRange(0, 1);
		areas[0].type('X');
		expect(areas[1].value).toBe('Xb');
	});

	it('holds remote changes during an IME composition and merges them after', () => {
		const { areas } = pair('ab');
		areas[0].caret(2);
		areas[0].emit('compositionstart');
		areas[0].value = 'ab日本';
		areas[0].caret(4);
		areas[1].caret(0);
		areas[1].type('X');
		// Not shown yet: rewriting the textarea would break the composition.
		expect(areas[0].value).toBe('ab日本');
		areas[0].emit('compositionend');
		expect(areas[0].value).toBe('Xab日本');
		expect(areas[1].value).toBe('Xab日本');
		expect(areas[0].selectionStart).toBe(5);
	});

	it('undoes only its own typing', () => {
		const { areas, bindings } = pair('');
		areas[0].type('mine');
		bindings[0]!.undoManager.stopCapturing();
		areas[1].caret(4);
		areas[1].type(' theirs');
		areas[0].emit('keydown', { key: 'z', ctrlKey: true, preventDefault: () => undefined });
		expect(areas[0].value).toBe(' theirs');
		expect(areas[1].value).toBe(' theirs');
	});

	it('ignores input when read-only and stops listening when destroyed', () => {
		const { areas, bindings, docs } = pair('keep');
		areas[0].readOnly = true;
		areas[0].type('!');
		expect((docs[0].getMap('fields').get('notes') as Y.Text).toString()).toBe('keep');
		areas[0].readOnly = false;
		bindings[1]!.destroy();
		areas[0].caret(4);
		areas[0].type('?');
		expect(areas[1].value).toBe('keep');
	});
});
