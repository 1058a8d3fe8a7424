// The Plan stores header names canonicalised exactly as the runtime does, so both use one function.
export { canonicalHeaderKey } from '../../runtime/shared/headers/canonical-header-key.js';
