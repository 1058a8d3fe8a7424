// The Plan stores header names canonicalised exactly as the runtime does, so both use one function.
export { canonicalHeaderKey } from '../../runtime/core/canonical-header-key.js';
