// Uploaded files. Only the upload flow creates them, so text can empty the cell but never
// fill it; the text form is the file names, for reading and export.
import { z } from 'zod';
import { fail, ok, type Attachment, type AttributeKind } from './kind';
import { wholeNumber } from './option-schemas';
import { readStoredList, toStoredJson } from './storage';
import { isBlank } from './text-input';

const optionsSchema = z.object({
	maxFiles: wholeNumber('Maximum number of files', 1, 100).optional()
});

export type AttachmentOptions = z.output<typeof optionsSchema>;

const attachmentSchema = z.object({
	key: z.string().min(1),
	name: z.string().trim().min(1).max(255),
	size: z.number().int().min(0),
	contentType: z.string().min(1).max(255)
});

const problemWith: Record<keyof Attachment, string> = {
	key: 'was not uploaded',
	name: 'has no name',
	size: 'has no valid size',
	contentType: 'has no file type'
};

export const attachmentKind: AttributeKind<AttachmentOptions, Attachment[]> = {
	name: 'attachment',
	label: 'Attachment',
	optionsSchema,
	storage: 'value_json',
	isSearchable: false,
	validate(input, options) {
		if (input === null || input === undefined) return ok(null);
		if (!Array.isArray(input)) return fail('Expected a list of files');
		const files = new Map<string, Attachment>();
		for (const [index, item] of input.entries()) {
			const file = attachmentSchema.safeParse(item);
			if (!file.success) {
				const field = file.error.issues[0]?.path[0] as keyof Attachment | undefined;
				return fail(`File ${index + 1} ${field ? problemWith[field] : 'is not an uploaded file'}`);
			}
			if (!files.has(file.data.key)) files.set(file.data.key, file.data);
		}
		if (files.size === 0) return ok(null);
		if (options.maxFiles !== undefined && files.size > options.maxFiles) {
			return fail(
				options.maxFiles === 1
					? 'Only one file is allowed'
					: `At most ${options.maxFiles} files are allowed`
			);
		}
		return ok([...files.values()]);
	},
	parse: (text) =>
		isBlank(text) ? ok(null) : fail('Files cannot be entered as text; upload them instead'),
	format: (value) => value?.map((file) => file.name).join(', ') ?? '',
	toStorage: toStoredJson,
	fromStorage: (raw) => readStoredList(raw) as Attachment[] | null
};
