import type { CanonicalObject } from '../../shared/json/canonical-object.js';
import type { JsonObject } from '../../shared/json/json-number.js';
import { decodeFirstJsonValue } from '../../shared/json/parse-json.js';
import type { ProxyResponse } from './proxy.js';

/**
 * A response whose data is still the backend's text (already in Go's encoding,
 * see canonical-object.ts): the merge splices it and the endpoint writes it
 * without a tree. Reading `data` decodes it and gives the text up for good —
 * whoever reads the tree may change it — so a middleware that looks at the
 * data always sees, and renders, a real tree. Fields are private or on the
 * prototype so `{ ...res }` never copies the text onto another response.
 */
export class CanonicalResponse implements ProxyResponse {
  #canonical: CanonicalObject | undefined;
  #data: JsonObject | undefined;

  constructor(
    canonical: CanonicalObject,
    public isComplete: boolean,
    public metadata?: { status: number; headers: string[] },
  ) {
    this.#canonical = canonical;
  }

  get canonical(): CanonicalObject | undefined {
    return this.#canonical;
  }

  get data(): JsonObject {
    if (this.#data === undefined) this.#data = decodeFirstJsonValue(this.#canonical!.text) as JsonObject;
    this.#canonical = undefined;
    return this.#data;
  }

  set data(value: JsonObject) {
    this.#data = value;
    this.#canonical = undefined;
  }
}
