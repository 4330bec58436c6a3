// Which values of a record change a connection may see. One rule for socket.io rooms, the SSE
// stream and anything else that relays changes: a role that reads the whole space sees every
// value; a check-in member sees only the fields whose check-in access is read or write, and
// nothing of an update that touched none of them.
import type { CellValue } from '../attributes/kind';

/**
 * The values of a change as a connection may see them, or null when it may see nothing of the
 * change. `readable` is undefined for a role that reads everything, else the readable keys.
 */
export function visibleValues(
	action: 'create' | 'update' | 'delete',
	values: Record<string, CellValue>,
	readable: ReadonlySet<string> | undefined
): Record<string, CellValue> | null {
	if (!readable) return values;
	const visible: Record<string, CellValue> = {};
	for (const [key, value] of Object.entries(values)) if (readable.has(key)) visible[key] = value;
	// An update of fields the caller cannot read tells them nothing they may know.
	if (action === 'update' && Object.keys(visible).length === 0) return null;
	return visible;
}
