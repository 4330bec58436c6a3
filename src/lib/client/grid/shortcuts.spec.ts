import { describe, expect, it } from 'vitest';
import { opensShortcutSheet } from './shortcuts';

/** A keydown on the page; `inTextBox` stands for a target inside an input, editor or dialog. */
const key = (
	keyName: string,
	options: { ctrlKey?: boolean; metaKey?: boolean; inTextBox?: boolean; isTaken?: boolean } = {}
) =>
	({
		key: keyName,
		ctrlKey: options.ctrlKey ?? false,
		metaKey: options.metaKey ?? false,
		defaultPrevented: options.isTaken ?? false,
		target: { closest: () => (options.inTextBox ? {} : null) }
	}) as unknown as KeyboardEvent;

describe('opensShortcutSheet', () => {
	it('opens on ? and on Ctrl or Cmd+/', () => {
		expect(opensShortcutSheet(key('?'))).toBe(true);
		expect(opensShortcutSheet(key('/', { ctrlKey: true }))).toBe(true);
		expect(opensShortcutSheet(key('/', { metaKey: true }))).toBe(true);
		expect(opensShortcutSheet(key('/'))).toBe(false);
		expect(opensShortcutSheet(key('h'))).toBe(false);
	});

	it('leaves the key to a text box, a dialog, or whoever took it first', () => {
		expect(opensShortcutSheet(key('?', { inTextBox: true }))).toBe(false);
		expect(opensShortcutSheet(key('?', { isTaken: true }))).toBe(false);
	});
});
