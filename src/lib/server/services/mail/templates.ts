// The account and invitation mails: a plain-text body and a simple HTML one each. Every value
// that came from a person (names, space names, addresses) is escaped in the HTML.
import type { MailMessage } from '../../adapters/mail';

const escapeHtml = (value: string) =>
	value.replace(
		/[&<>"']/g,
		(char) =>
			({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char
	);

interface Body {
	greeting: string;
	paragraphs: string[];
	action?: { label: string; url: string };
	/** Shown after the link, smaller: why the reader got this, what to do if not meant for them. */
	footnote: string;
}

function compose(to: string, subject: string, body: Body): MailMessage {
	const text = [
		body.greeting,
		...body.paragraphs,
		...(body.action ? [`${body.action.label}:\n${body.action.url}`] : []),
		body.footnote,
		'Roster'
	].join('\n\n');
	const paragraph = (value: string) =>
		`<p style="margin:0 0 16px;line-height:1.5">${escapeHtml(value)}</p>`;
	const action = body.action
		? `<p style="margin:24px 0"><a href="${escapeHtml(body.action.url)}" style="background:#4f46e5;color:#ffffff;padding:10px 16px;border-radius:6px;text-decoration:none;font-weight:600;display:inline-block">${escapeHtml(body.action.label)}</a></p>` +
			`<p style="margin:0 0 16px;line-height:1.5;font-size:13px;color:#52525b">Or open this link: <a href="${escapeHtml(body.action.url)}" style="color:#4338ca;word-break:break-all">${escapeHtml(body.action.url)}</a></p>`
		: '';
	const html = [
		'<!doctype html><html><body style="margin:0;padding:24px;background:#f4f4f5;font-family:system-ui,-apple-system,Segoe UI,sans-serif;color:#18181b">',
		'<div style="max-width:520px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px">',
		paragraph(body.greeting),
		...body.paragraphs.map(paragraph),
		action,
		`<p style="margin:24px 0 0;font-size:13px;line-height:1.5;color:#52525b">${escapeHtml(body.footnote)}</p>`,
		'</div></body></html>'
	].join('');
	return { to, subject, text, html };
}

const hours = (ttlSeconds: number) => Math.round(ttlSeconds / 3600);

export function verifyEmailMail(options: {
	to: string;
	name: string;
	url: string;
	ttlSeconds: number;
}): MailMessage {
	return compose(options.to, 'Confirm your email address for Roster', {
		greeting: `Hello ${options.name},`,
		paragraphs: [
			'Please confirm that this address is yours. Roster then knows that its mail (invitations, password resets) reaches you.'
		],
		action: { label: 'Confirm my email address', url: options.url },
		footnote: `The link works once, for ${hours(options.ttlSeconds)} hours. If you did not create a Roster account, ignore this mail.`
	});
}

export function accountExistsMail(options: {
	to: string;
	signInUrl: string;
	resetUrl: string;
}): MailMessage {
	return compose(options.to, 'You already have a Roster account', {
		greeting: 'Hello,',
		paragraphs: [
			'Someone tried to create a Roster account with this email address, but it already has one. Nothing was changed.',
			`If it was you, sign in: ${options.signInUrl}`
		],
		action: { label: 'Forgot your password? Choose a new one', url: options.resetUrl },
		footnote: 'If it was not you, ignore this mail: your account is safe.'
	});
}

export function resetPasswordMail(options: {
	to: string;
	name: string;
	url: string;
	ttlSeconds: number;
}): MailMessage {
	const minutes = Math.round(options.ttlSeconds / 60);
	return compose(options.to, 'Choose a new password for Roster', {
		greeting: `Hello ${options.name},`,
		paragraphs: [
			'Someone asked to reset the password of your Roster account. If it was you, choose a new password with the link below. You will then be signed out everywhere.'
		],
		action: { label: 'Choose a new password', url: options.url },
		footnote: `The link works once, for ${minutes} minutes. If you did not ask for it, ignore this mail: your password stays as it is.`
	});
}

export function invitationMail(options: {
	to: string;
	inviterName: string;
	spaceName: string;
	role: string;
	url: string;
	expiresAt: Date;
}): MailMessage {
	const expires = options.expiresAt.toUTCString().replace(/ \d\d:\d\d:\d\d GMT$/, '');
	return compose(
		options.to,
		`${options.inviterName} invited you to ${options.spaceName} on Roster`,
		{
			greeting: 'Hello,',
			paragraphs: [
				`${options.inviterName} invited you to join the space “${options.spaceName}” on Roster as ${options.role}.`,
				'Open the link and sign in, or create an account first with this email address.'
			],
			action: { label: `Join ${options.spaceName}`, url: options.url },
			footnote: `The invitation works until ${expires}. If you did not expect it, ignore this mail.`
		}
	);
}
