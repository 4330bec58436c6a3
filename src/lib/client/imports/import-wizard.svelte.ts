// The import wizard's state: the file goes to storage on a presigned URL, the server previews
// it, the user maps columns and picks a mode, and the job's progress streams back until the
// report. Every request goes through the app's JSON API; refusals carry the field they concern.
import { kinds } from '$lib/domain/attributes/registry';
import type { AttributeKindName } from '$lib/domain/attributes/kind';
import type {
	ImportEncoding,
	ImportMode,
	ImportPreview,
	ImportStatus,
	ReadOptions
} from '$lib/domain/imports';
import { isFinished } from '$lib/domain/imports';
import { apiRequest, messageOf } from '$lib/components/fields/api';

export interface SheetField {
	key: string;
	name: string;
	kind: AttributeKindName;
}

/** Where a column goes: nowhere, an existing field, or a new field of a kind. */
export type ColumnTarget =
	| { to: 'skip' }
	| { to: 'field'; key: string }
	| { to: 'new'; name: string; kind: AttributeKindName; choices?: string[] };

export type WizardStep = 'pick' | 'uploading' | 'map' | 'running' | 'report';

interface Upload {
	url: string;
	method: 'PUT';
	headers: Record<string, string>;
}

/** Kinds a new field can take in an import: stored, and not links to other records. */
export const importableKinds = (Object.keys(kinds) as AttributeKindName[]).filter(
	(kind) =>
		kinds[kind].storage !== null && kind !== 'relation' && kind !== 'attachment' && kind !== 'user'
);

export class ImportWizard {
	step = $state<WizardStep>('pick');
	fileName = $state('');
	uploadedFraction = $state(0);
	preview = $state<ImportPreview | null>(null);
	targets = $state<ColumnTarget[]>([]);
	mode = $state<ImportMode>('add');
	keyField = $state('');
	status = $state<ImportStatus | null>(null);
	error = $state<string | null>(null);
	errorField = $state<string | null>(null);
	isBusy = $state(false);
	/** Rows per second over the last few updates, and the seconds left at that pace. */
	rate = $state<number | null>(null);
	private id: string | null = null;
	private events: EventSource | null = null;
	private samples: { at: number; rows: number }[] = [];

	constructor(
		private readonly space: string,
		private readonly type: string,
		private readonly fields: SheetField[]
	) {}

	get secondsLeft(): number | null {
		const status = this.status;
		if (!status?.totalRows || !this.rate) return null;
		return Math.max(0, (status.totalRows - status.processedRows) / this.rate);
	}

	get refusedUrl(): string | null {
		return this.id ? `/api/spaces/${this.space}/imports/${this.id}/refused` : null;
	}

	private fail(error: unknown) {
		this.error = messageOf(error);
		this.errorField = (error as { field?: string }).field ?? null;
	}

	async choose(file: File): Promise<void> {
		this.error = null;
		this.errorField = null;
		this.fileName = file.name;
		this.step = 'uploading';
		this.uploadedFraction = 0;
		try {
			const created = await apiRequest<{ import: ImportStatus; upload: Upload }>(
				`/api/spaces/${this.space}/types/${this.type}/imports`,
				{ method: 'POST', body: { name: file.name, size: file.size } }
			);
			this.id = created.import.id;
			await this.send(file, created.upload);
			await this.read({});
		} catch (error) {
			this.fail(error);
			this.step = 'pick';
		}
	}

	/** PUT with XMLHttpRequest: fetch cannot report upload progress. */
	private send(file: File, upload: Upload): Promise<void> {
		return new Promise((resolve, reject) => {
			const request = new XMLHttpRequest();
			request.open(upload.method, upload.url);
			for (const [name, value] of Object.entries(upload.headers))
				request.setRequestHeader(name, value);
			request.upload.onprogress = (event) => {
				if (event.lengthComputable) this.uploadedFraction = event.loaded / event.total;
			};
			request.onload = () =>
				request.status < 300
					? resolve()
					: reject(new Error(`The upload was refused (${request.status}). Try again.`));
			request.onerror = () =>
				reject(new Error('The upload failed. Check the connection and try again.'));
			request.send(file);
		});
	}

	/** Reads the file again with other options (encoding, delimiter, sheet). */
	async read(options: ReadOptions): Promise<void> {
		if (!this.id) return;
		this.isBusy = true;
		this.error = null;
		try {
			const preview = await apiRequest<ImportPreview>(
				`/api/spaces/${this.space}/imports/${this.id}/preview`,
				{ method: 'POST', body: options }
			);
			this.preview = preview;
			this.targets = preview.columns.map((column) => {
				const match = this.fields.find(
					(field) =>
						field.name.toLowerCase() === column.name.toLowerCase() || field.key === column.name
				);
				if (match && kinds[match.kind].storage) return { to: 'field', key: match.key };
				return {
					to: 'new',
					name: column.name,
					kind: column.guess.kind,
					choices: column.guess.choices
				};
			});
			this.step = 'map';
		} catch (error) {
			this.fail(error);
			if (!this.preview) this.step = 'pick';
		} finally {
			this.isBusy = false;
		}
	}

	setEncoding(encoding: ImportEncoding) {
		void this.read({ encoding, delimiter: this.preview?.delimiter ?? undefined });
	}

	setDelimiter(delimiter: string) {
		void this.read({ encoding: this.preview?.encoding ?? undefined, delimiter });
	}

	setSheet(sheet: string) {
		void this.read({ sheet });
	}

	/** The fields a key can be: mapped ones. */
	get keyChoices(): { value: string; label: string }[] {
		return this.targets.flatMap((target) => {
			if (target.to === 'field') {
				const field = this.fields.find((candidate) => candidate.key === target.key);
				return field ? [{ value: field.key, label: field.name }] : [];
			}
			return target.to === 'new' ? [{ value: target.name, label: `${target.name} (new)` }] : [];
		});
	}

	async start(): Promise<void> {
		if (!this.id) return;
		this.isBusy = true;
		this.error = null;
		this.errorField = null;
		try {
			const columns = this.targets.flatMap((target, column): object[] => {
				if (target.to === 'field') return [{ column, field: target.key }];
				if (target.to === 'new')
					return [
						{
							column,
							create: {
								name: target.name,
								kind: target.kind,
								...(target.kind === 'single_select' && { choices: target.choices ?? [] })
							}
						}
					];
				return [];
			});
			this.status = await apiRequest<ImportStatus>(
				`/api/spaces/${this.space}/imports/${this.id}/start`,
				{
					method: 'POST',
					body: {
						mode: this.mode,
						keyField: this.mode === 'add' ? undefined : this.keyField,
						columns
					}
				}
			);
			this.step = 'running';
			this.follow();
		} catch (error) {
			this.fail(error);
		} finally {
			this.isBusy = false;
		}
	}

	private follow(): void {
		this.events?.close();
		this.samples = [];
		const events = new EventSource(`/api/spaces/${this.space}/imports/${this.id}/events`);
		this.events = events;
		events.addEventListener('status', (event) => {
			const status = JSON.parse((event as MessageEvent<string>).data) as ImportStatus;
			this.status = status;
			this.measure(status);
			if (isFinished(status.state)) {
				events.close();
				this.step = 'report';
			}
		});
	}

	private measure(status: ImportStatus): void {
		const now = Date.now();
		this.samples.push({ at: now, rows: status.processedRows });
		while (this.samples.length > 8) this.samples.shift();
		const first = this.samples[0]!;
		const seconds = (now - first.at) / 1000;
		if (seconds > 0.2) this.rate = (status.processedRows - first.rows) / seconds;
	}

	async cancel(): Promise<void> {
		if (!this.id) return;
		try {
			this.status = await apiRequest<ImportStatus>(
				`/api/spaces/${this.space}/imports/${this.id}/cancel`,
				{
					method: 'POST'
				}
			);
		} catch (error) {
			this.fail(error);
		}
	}

	async undo(): Promise<void> {
		if (!this.id) return;
		this.isBusy = true;
		try {
			this.status = await apiRequest<ImportStatus>(
				`/api/spaces/${this.space}/imports/${this.id}/undo`,
				{
					method: 'POST'
				}
			);
			this.step = 'running';
			this.follow();
		} catch (error) {
			this.fail(error);
		} finally {
			this.isBusy = false;
		}
	}

	close(): void {
		this.events?.close();
	}
}
