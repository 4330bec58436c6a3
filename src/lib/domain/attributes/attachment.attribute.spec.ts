import { describe, expect, it } from 'vitest';
import type { Attachment } from './kind';
import { attachmentKind } from './attachment.attribute';

const options = attachmentKind.optionsSchema.parse({});
const badge: Attachment = {
	key: 'spaces/1/badge.png',
	name: 'badge.png',
	size: 2048,
	contentType: 'image/png'
};
const contract: Attachment = {
	key: 'spaces/1/contract.pdf',
	name: 'contract.pdf',
	size: 10_000,
	contentType: 'application/pdf'
};

describe('attachment', () => {
	it('keeps uploaded files, each once', () => {
		expect(attachmentKind.validate([badge, contract, badge], options)).toEqual({
			ok: true,
			value: [badge, contract]
		});
		expect(attachmentKind.validate([], options)).toEqual({ ok: true, value: null });
	});

	it('says which file is incomplete and how', () => {
		expect(attachmentKind.validate([badge, { ...contract, name: ' ' }], options)).toEqual({
			ok: false,
			message: 'File 2 has no name'
		});
		expect(
			attachmentKind.validate([{ name: 'x.pdf', size: 1, contentType: 'a/b' }], options)
		).toEqual({
			ok: false,
			message: 'File 1 was not uploaded'
		});
		expect(attachmentKind.validate(['badge.png'], options)).toEqual({
			ok: false,
			message: 'File 1 is not an uploaded file'
		});
	});

	it('enforces the maximum number of files', () => {
		expect(attachmentKind.validate([badge, contract], { maxFiles: 1 })).toEqual({
			ok: false,
			message: 'Only one file is allowed'
		});
		expect(
			attachmentKind.validate([badge, contract, { ...badge, key: 'b2' }], { maxFiles: 2 })
		).toEqual({
			ok: false,
			message: 'At most 2 files are allowed'
		});
	});

	it('shows file names, and text can only empty the cell', () => {
		expect(attachmentKind.format([badge, contract], options)).toBe('badge.png, contract.pdf');
		expect(attachmentKind.parse('', options)).toEqual({ ok: true, value: null });
		expect(attachmentKind.parse('badge.png', options)).toEqual({
			ok: false,
			message: 'Files cannot be entered as text; upload them instead'
		});
	});
});
