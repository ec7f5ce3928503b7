import { EXCEPTION_ILLEGAL_DATA_ADDRESS, FC_ENCAPSULATED_INTERFACE, MAX_PDU_BYTES, MEI_READ_DEVICE_ID } from "./pdu-limits.js";

/**
 * FC43 / MEI 14 Read Device Identification (Modbus Application Protocol V1.1b3 §6.21), basic
 * category only: objects 0 VendorName, 1 ProductCode, 2 MajorMinorRevision. That is what EMS
 * commissioning tools ask for first; the regular and extended categories would have to describe a
 * real product, which the twin is not.
 */
export interface DeviceIdentity {
  /** Object 0, e.g. "dctwin". */
  vendor: string;
  /** Object 1, e.g. "dctwin-served-bess". */
  product: string;
  /** Object 2, e.g. "0.1.0". */
  version: string;
}

/** Conformity level 0x81: basic identification, stream and individual access. */
const CONFORMITY_BASIC_STREAM_AND_INDIVIDUAL = 0x81;
/** Highest object id served (basic category: 0, 1, 2). */
export const LAST_BASIC_OBJECT = 2;
/** Response header: FC, MEI type, read device id code, conformity, more follows, next object id, number of objects. */
const HEADER_BYTES = 7;

/** The three basic objects as ASCII bytes, once; throws if they could not fit one response. */
export function encodeIdentity(identity: DeviceIdentity): Uint8Array[] {
  const objects = [identity.vendor, identity.product, identity.version].map((text, id) => {
    if (!/^[\x20-\x7e]*$/.test(text)) throw new Error(`device identity object ${id} must be printable ASCII, got ${JSON.stringify(text)}`);
    return Uint8Array.from(text, (c) => c.charCodeAt(0));
  });
  const total = objects.reduce((sum, bytes) => sum + 2 + bytes.length, HEADER_BYTES);
  // The whole basic stream in one response keeps "more follows" at 0 and the client's loop trivial.
  if (total > MAX_PDU_BYTES) throw new Error(`device identity is ${total} bytes in one response, more than the ${MAX_PDU_BYTES}-byte PDU`);
  return objects;
}

/**
 * Writes the response to a well-formed request (read device id `code` 1..4, `objectId`) into `out`
 * and returns its length, or, for an individual access (code 4) to an object that does not exist,
 * the negated exception code (-2). Stream access (codes 1-3) to an unknown object restarts at
 * object 0, as §6.21 prescribes; codes 2 and 3 stream the same basic objects, the only ones there are.
 * Example: code 1, object 0 → `2B 0E 01 81 00 00 03 | 00 06 "dctwin" | 01 … | 02 …`.
 */
export function writeDeviceIdentification(out: Uint8Array, code: number, objectId: number, objects: readonly Uint8Array[]): number {
  let first = objectId;
  let last = LAST_BASIC_OBJECT;
  if (code === 4) {
    if (objectId > LAST_BASIC_OBJECT) return -EXCEPTION_ILLEGAL_DATA_ADDRESS;
    last = objectId;
  } else if (objectId > LAST_BASIC_OBJECT) {
    first = 0;
  }
  out[0] = FC_ENCAPSULATED_INTERFACE;
  out[1] = MEI_READ_DEVICE_ID;
  out[2] = code;
  out[3] = CONFORMITY_BASIC_STREAM_AND_INDIVIDUAL;
  out[4] = 0; // more follows: no
  out[5] = 0; // next object id
  out[6] = last - first + 1;
  let at = HEADER_BYTES;
  for (let id = first; id <= last; id++) {
    const bytes = objects[id];
    out[at++] = id;
    out[at++] = bytes.length;
    out.set(bytes, at);
    at += bytes.length;
  }
  return at;
}
