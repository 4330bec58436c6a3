// Attachment files of a space: a presigned upload URL for a new file, and a short-lived download
// URL for an existing one. The browser talks to the store directly; this only decides who may.
// Keys carry the space id, so a member can never presign another space's files.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import { canReadAll, canWriteRecords } from '$lib/domain/roles';
import type { Actor } from '../auth/actor';
import type { AppContext } from '../context';
import type { PresignedUpload } from '../adapters/storage';
import { inSpace, requireScope } from './scope';
import { parseInput } from './validate';

const uploadInput = z.object({
	name: z.string().trim().min(1, 'must not be empty').max(255, 'is limited to 255 characters'),
	size: z.number().int('must be a whole number of bytes').min(0, 'must not be negative'),
	contentType: z.string().trim().min(1, 'must not be empty').max(255)
});

export interface NewUpload {
	key: string;
	name: string;
	size: number;
	contentType: string;
	upload: PresignedUpload;
}

const keyPrefix = (spaceId: string) => `spaces/${spaceId}/`;

/** Names become the key's last segment: only the storage key alphabet, at most 100 characters. */
const keySegment = (name: string) =>
	name
		.normalize('NFKD')
		.replace(/[^A-Za-z0-9._-]+/g, '-')
		.replace(/^[-.]+|[-.]+$/g, '')
		.replace(/\.{2,}/g, '.')
		.slice(0, 100) || 'file';

export function createUpload(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	input: unknown;
}): Promise<NewUpload> {
	const input = parseInput(uploadInput, options.input);
	requireScope(options.actor, 'write');
	return inSpace(options.context, options.actor, options.space, async ({ space }) => {
		if (!canWriteRecords(space.role)) {
			throw new AppError(AppErrorCode.Forbidden, `Your role (${space.role}) may not upload files`);
		}
		const key = `${keyPrefix(space.id)}${randomUUID()}/${keySegment(input.name)}`;
		const upload = await options.context.storage.presignUpload({
			key,
			contentType: input.contentType,
			size: input.size
		});
		return { key, ...input, upload };
	});
}

export function fileDownloadUrl(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	key: string;
	/** Set to download under this name; inline (an image in a cell) otherwise. */
	filename?: string;
}): Promise<string> {
	return inSpace(options.context, options.actor, options.space, async ({ space }) => {
		if (!canReadAll(space.role)) {
			throw new AppError(AppErrorCode.Forbidden, `Your role (${space.role}) may not read files`);
		}
		if (!options.key.startsWith(keyPrefix(space.id))) {
			throw new AppError(AppErrorCode.NotFound, 'File not found', { field: 'key' });
		}
		return options.context.storage.presignDownload(options.key, { filename: options.filename });
	});
}
