import { describe, expect, it } from 'vitest';
import { groupFailures, missingChoiceNames, valueText, withChoices } from './conversion';

describe('groupFailures', () => {
	it('lists each value once with its count, most frequent first', () => {
		const groups = groupFailures([
			{ id: '1', value: 'soon', message: 'Expected a number' },
			{ id: '2', value: 'later', message: 'Expected a number' },
			{ id: '3', value: 'soon', message: 'Expected a number' }
		]);
		expect(groups.map(({ text, count }) => [text, count])).toEqual([
			['soon', 2],
			['later', 1]
		]);
	});

	it('reads lists and attachments as text', () => {
		expect(valueText(['VIP', 'Press'])).toBe('VIP, Press');
		expect(valueText([{ key: 'k', name: 'a.pdf', size: 1, contentType: 'application/pdf' }])).toBe(
			'a.pdf'
		);
		expect(valueText(true)).toBe('true');
	});
});

describe('missingChoiceNames', () => {
	const failures = [
		{ id: '1', value: 'Backstage', message: 'not a choice' },
		{ id: '2', value: 'backstage', message: 'not a choice' },
		{ id: '3', value: 'VIP, Press', message: 'not a choice' },
		{ id: '4', value: 'Main', message: 'not a choice' }
	];

	it('offers each failed value once, leaving out existing choices', () => {
		const choices = [{ id: 'm', name: 'main', color: 'blue' }];
		expect(missingChoiceNames(failures, { isList: false, choices })).toEqual([
			'backstage',
			'VIP, Press'
		]);
	});

	it('splits text at commas for a multiple select', () => {
		expect(missingChoiceNames(failures, { isList: true, choices: [] })).toEqual([
			'backstage',
			'VIP',
			'Press',
			'Main'
		]);
	});

	it('adds names as choices with colours of their own', () => {
		const choices = withChoices([{ id: 'a', name: 'A', color: 'gray' }], ['B', 'a']);
		expect(choices.map((choice) => [choice.name, choice.color])).toEqual([
			['A', 'gray'],
			['B', 'blue']
		]);
	});
});
