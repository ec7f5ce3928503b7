/**
 * Modbus function codes, exception codes and request limits the served twin follows, from the MODBUS
 * Application Protocol Specification V1.1b3 (§6 per function; §7 exception codes). Quantities are
 * the spec's: they keep every response within the 253-byte PDU.
 */
export const FC_READ_COILS = 1;
export const FC_READ_DISCRETE_INPUTS = 2;
export const FC_READ_HOLDING_REGISTERS = 3;
export const FC_READ_INPUT_REGISTERS = 4;
export const FC_WRITE_SINGLE_COIL = 5;
export const FC_WRITE_SINGLE_REGISTER = 6;
export const FC_WRITE_MULTIPLE_COILS = 15;
export const FC_WRITE_MULTIPLE_REGISTERS = 16;
export const FC_READ_WRITE_MULTIPLE_REGISTERS = 23;
export const FC_ENCAPSULATED_INTERFACE = 43;
/** MEI type of Read Device Identification inside FC43 (§6.21). */
export const MEI_READ_DEVICE_ID = 14;

export const EXCEPTION_ILLEGAL_FUNCTION = 1;
export const EXCEPTION_ILLEGAL_DATA_ADDRESS = 2;
export const EXCEPTION_ILLEGAL_DATA_VALUE = 3;
export const EXCEPTION_DEVICE_FAILURE = 4;
/** "Gateway target device failed to respond": what a TCP server answers for a unit id it does not serve. */
export const EXCEPTION_GATEWAY_TARGET_FAILED = 0x0b;

/** FC1/FC2: 1..2000 bits (§6.1, §6.2). */
export const MAX_READ_BITS = 2000;
/** FC3/FC4 and the read part of FC23: 1..125 registers (§6.3, §6.4, §6.17). */
export const MAX_READ_REGISTERS = 125;
/** FC15: 1..1968 coils (§6.11). */
export const MAX_WRITE_BITS = 1968;
/** FC16: 1..123 registers (§6.12). */
export const MAX_WRITE_REGISTERS = 123;
/** The write part of FC23: 1..121 registers (§6.17). */
export const MAX_READ_WRITE_REGISTERS = 121;
/** Largest PDU (function code + data) on any Modbus transport (§4.1). */
export const MAX_PDU_BYTES = 253;
/** FC5 values: ON and OFF; anything else is exception 03 (§6.5). */
export const COIL_ON = 0xff00;
export const COIL_OFF = 0x0000;
