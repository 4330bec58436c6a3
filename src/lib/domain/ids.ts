// Record, space, user and view ids are UUIDs. One check for all of them, so a malformed id is
// refused (or answered with 404) before it reaches a `::uuid` cast that would fail the query.
import { z } from 'zod';

// Lenient on version bits: ids minted elsewhere (imports, other systems) need not be RFC 4122 v4.
const uuidSchema = z.guid();

export const isUuid = (text: string) => uuidSchema.safeParse(text).success;
