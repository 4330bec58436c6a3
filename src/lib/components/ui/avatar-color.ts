// A stable colour per user id, shared by avatars, presence outlines and cursors so the same
// person has the same colour everywhere. Dark enough for white initials to pass AA contrast.
const palette = [
	'#4f46e5', // indigo-600
	'#0369a1', // sky-700
	'#047857', // emerald-700
	'#b45309', // amber-700
	'#be123c', // rose-700
	'#7e22ce', // purple-700
	'#0f766e', // teal-700
	'#c2410c', // orange-700
	'#4d7c0f', // lime-700
	'#a21caf' // fuchsia-700
];

export function avatarColor(userId: string): string {
	let hash = 0;
	for (let index = 0; index < userId.length; index++) {
		hash = (hash * 31 + userId.charCodeAt(index)) | 0;
	}
	return palette[Math.abs(hash) % palette.length] ?? '#4f46e5';
}

export function initialsOf(name: string): string {
	const words = name
		.trim()
		.split(/[\s@._-]+/)
		.filter(Boolean);
	const first = words[0];
	const last = words.at(-1);
	if (!first || !last) return '?';
	if (words.length === 1) return first.slice(0, 2).toUpperCase();
	return (first.charAt(0) + last.charAt(0)).toUpperCase();
}
