// Service errors read "email: must be an email address"; next to a field labelled "Email" that
// becomes "Email must be an email address." Shared by the form actions of the shell's pages.
export interface FormProblem {
	field: string | null;
	message: string;
}

export function formProblem(
	error: { field?: string; message: string },
	labels: Record<string, string> = {}
): FormProblem {
	const field = error.field ?? null;
	let message = error.message;
	const prefix = field ? `${field}: ` : null;
	if (prefix && message.startsWith(prefix)) {
		const rest = message.slice(prefix.length);
		message = `${labels[field!] ?? field} ${rest}`;
	}
	if (!/[.!?]$/.test(message)) message += '.';
	return { field, message: message.charAt(0).toUpperCase() + message.slice(1) };
}
