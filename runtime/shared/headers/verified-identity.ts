import type { IncomingMessage } from 'node:http';

/**
 * The identity headers the Hanzo IAM gate minted for the request, in wire
 * form: [] once the gate has stripped the client's and verified nobody,
 * absent when no gate ran. Transports that carry identity outside headers
 * (ZAP Forward envelopes) read it here, never from the request's headers; the
 * request builder sends these lines to backends whatever the endpoint's
 * input_headers say (the gateway is their authority, and a client's own lines
 * under those names were stripped before they were written).
 */
export const VERIFIED_IDENTITY = Symbol('hgw.identity');

export type VerifiedIdentity = ReadonlyArray<readonly [name: string, value: string]>;

export type RequestWithIdentity = IncomingMessage & { [VERIFIED_IDENTITY]?: VerifiedIdentity };
