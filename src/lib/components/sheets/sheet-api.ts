// Where the sheet (record type) endpoints of a space live.
export const typesUrl = (space: string) => `/api/spaces/${encodeURIComponent(space)}/types`;
