/** Request headers read line by line from rawHeaders, as Go's `http.Header` keeps them; they live in the floor (core). */
export { firstRequestHeader, requestHeaderLines } from '../core/request-header-lines.js';
