// The REST API's root answers with its OpenAPI document, as PostgREST's root does: the same
// document as ../openapi.json.
export { GET } from '../openapi.json/+server';
