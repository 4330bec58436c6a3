export { appLink, deliverMail, sendMail, type MailJob } from './send-mail';
export * from './templates';
