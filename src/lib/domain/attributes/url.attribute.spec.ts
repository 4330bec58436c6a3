import { describe, expect, it } from 'vitest';
import { urlKind } from './url.attribute';

const options = urlKind.optionsSchema.parse({});

describe('url', () => {
	it('keeps the address as typed, adding https when no scheme is given', () => {
		expect(urlKind.parse(' https://Example.org/Tickets?id=1 ', options)).toEqual({
			ok: true,
			value: 'https://Example.org/Tickets?id=1'
		});
		expect(urlKind.parse('example.org/agenda', options)).toEqual({
			ok: true,
			value: 'https://example.org/agenda'
		});
		expect(urlKind.parse('http://localhost:5173', options)).toEqual({
			ok: true,
			value: 'http://localhost:5173'
		});
	});

	it.each([
		'javascript:alert(1)',
		'ftp://example.org/file',
		'data:text/html,hi',
		'not a link',
		'intranet'
	])('refuses %s', (text) => {
		expect(urlKind.parse(text, options)).toEqual({
			ok: false,
			message: `Expected a web address like https://example.org, got "${text}"`
		});
	});

	it('is strict about JSON types', () => {
		expect(urlKind.validate({ href: 'https://example.org' }, options)).toEqual({
			ok: false,
			message: 'Expected a web address'
		});
	});
});
