// Where the grid finds attachment files: a space route that checks membership and redirects to
// a short-lived presigned download URL, so an <img> can point at it with the session cookie.
import type { Attachment } from '$lib/domain/attributes/kind';

export const fileUrl = (space: string, key: string) =>
	`/api/spaces/${encodeURIComponent(space)}/files/download?key=${encodeURIComponent(key)}`;

export const isImage = (file: Attachment) =>
	/^image\/(png|jpe?g|gif|webp|avif|svg\+xml)$/i.test(file.contentType);
