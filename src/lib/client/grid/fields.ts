// The grid's name for the view's fields, which live in the domain (the server's export reads
// them too).
export * from '$lib/domain/view-fields';
