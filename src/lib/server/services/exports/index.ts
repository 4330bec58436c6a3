// Exports of a sheet or a saved view as CSV or XLSX, streamed.
export { exportRecords, exportFilename, type RecordExport } from './export-records';
export { EXPORT_CHUNK_ROWS } from './scan-records';
export { getExportJob, queueExport, runExportJob, type ExportJob } from './export-job';
