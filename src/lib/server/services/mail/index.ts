export { appLink, deliverMail, sendMail, type MailJob } from './send-mail';
export { invitationMessage } from './invitation';
export * from './templates';
