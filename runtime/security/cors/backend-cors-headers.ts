/** The CORS response headers only the gateway may set; the list lives in the floor (core) so the production headers can drop them too. */
export { BACKEND_CORS_HEADERS } from '../../core/backend-cors-headers.js';
