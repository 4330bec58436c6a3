// Where a refusal from the schema API belongs in a field form, and its message without the
// "options: " prefix the server puts before it (the form shows it next to that control).
import { ApiError, messageOf } from './api';

export type FormErrors = Partial<
	Record<'name' | 'kind' | 'options' | 'isRequired' | 'isUnique' | 'checkinAccess' | 'form', string>
>;

export function formErrorsOf(error: unknown): FormErrors {
	if (!(error instanceof ApiError) || !error.field) return { form: messageOf(error) };
	const root = error.field.split('.')[0]!;
	const message = error.message.replace(/^[\w.]+: /, '');
	const place =
		root === 'key' || root === 'name'
			? 'name'
			: root === 'kind' || root === 'options' || root === 'isRequired' || root === 'isUnique'
				? root
				: root === 'checkinAccess'
					? 'checkinAccess'
					: 'form';
	return { [place]: place === 'form' ? error.message : message };
}
