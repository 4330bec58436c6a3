// The mail an invitee gets: who invited them, to which space, with what role, until when.
import type { AppContext } from '../../context';
import type { MailMessage } from '../../adapters/mail';
import type { Tx } from '../../db';
import { appLink } from './send-mail';
import { invitationMail } from './templates';

/** Composes the mail of an invitation just made, in the inviting owner's transaction. */
export async function invitationMessage(
	context: AppContext,
	tx: Tx,
	invitation: { invitationId: string; spaceName: string; invitePath: string }
): Promise<MailMessage> {
	const { rows } = await tx.query<{
		email: string;
		role: string;
		expires_at: Date;
		inviter: string;
	}>(
		`select i.email, i.role, i.expires_at, u.name as inviter
		   from invitations i join users u on u.id = i.invited_by where i.id = $1`,
		[invitation.invitationId]
	);
	const row = rows[0]!;
	return invitationMail({
		to: row.email,
		inviterName: row.inviter,
		spaceName: invitation.spaceName,
		role: row.role,
		url: appLink(context, invitation.invitePath),
		expiresAt: row.expires_at
	});
}
