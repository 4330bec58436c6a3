// Import of CSV and XLSX files into a sheet: the use cases, one per file.
export { createImport } from './create-import';
export { previewImport } from './preview-import';
export { startImport } from './start-import';
export { cancelImport } from './cancel-import';
export { undoImport, runImportUndo } from './undo-import';
export { runImport, type ImportJob } from './run-import';
export { getImport, listImports, refusedRowsCsv } from './get-import';
export { followImport } from './follow-import';
