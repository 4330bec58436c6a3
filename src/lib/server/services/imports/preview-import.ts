// Step two: what the file holds. Reads the header and the first rows, guesses a kind for each
// column from up to a thousand values, and remembers how to read the file for the job.
import { z } from 'zod';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import {
	checkHeader,
	columnName,
	guessKind,
	importEncodings,
	type ImportPreview
} from '$lib/domain/imports';
import type { Actor } from '../../auth/actor';
import type { AppContext } from '../../context';
import { inSpace } from '../scope';
import { parseInput } from '../validate';
import { requireImportRole } from './create-import';
import { readRows, resolveSource } from './source';
import { loadImport } from './status';

const previewInput = z.object({
	encoding: z.enum(importEncodings as [string, ...string[]]).optional(),
	delimiter: z.string().length(1, 'must be one character').optional(),
	sheet: z.string().min(1).max(255).optional()
});

const SHOWN_ROWS = 20;
const SAMPLED_ROWS = 1_000;

export function previewImport(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	id: string;
	input: unknown;
}): Promise<ImportPreview> {
	const input = parseInput(previewInput, options.input ?? {}) as z.infer<typeof previewInput> & {
		encoding?: (typeof importEncodings)[number];
	};
	const { context } = options;
	return inSpace(context, options.actor, options.space, async ({ tx, space }) => {
		requireImportRole(options.actor, space.role);
		const row = await loadImport(tx, space.id, options.id, { forUpdate: true });
		if (row.state !== 'uploaded') {
			throw new AppError(AppErrorCode.Conflict, 'This import has already started', { field: 'id' });
		}
		const source = await resolveSource(context.storage, row.fileKey, input);
		const sheets: string[] = [];
		const rows: string[][] = [];
		let header: string[] | null = null;
		for await (const cells of readRows(context.storage, row.fileKey, source, (name) =>
			sheets.push(name)
		)) {
			if (!header) {
				header = cells;
				const problem = checkHeader(header, context.config.IMPORT_MAX_COLUMNS);
				if (problem)
					throw new AppError(AppErrorCode.InvalidInput, problem.message, { field: 'file' });
				continue;
			}
			rows.push(cells);
			if (rows.length >= SAMPLED_ROWS) break;
		}
		if (!header)
			throw new AppError(AppErrorCode.InvalidInput, 'The file is empty', { field: 'file' });
		const columns = header.map((raw, index) => {
			const values = rows.map((cells) => cells[index] ?? '');
			return {
				index,
				name: columnName(raw, index),
				samples: values.slice(0, 5),
				guess: guessKind(values)
			};
		});
		await tx.query('update imports set options = $3, format = $4 where space_id = $1 and id = $2', [
			space.id,
			row.id,
			JSON.stringify({
				encoding: source.encoding ?? undefined,
				delimiter: source.delimiter ?? undefined,
				sheet: source.sheet ?? sheets[0]
			}),
			source.format
		]);
		return {
			format: source.format,
			encoding: source.encoding,
			delimiter: source.delimiter,
			sheets,
			sheet: source.format === 'xlsx' ? (source.sheet ?? sheets[0] ?? null) : null,
			columns,
			rows: rows.slice(0, SHOWN_ROWS)
		};
	});
}
