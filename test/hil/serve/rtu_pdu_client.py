"""A Modbus RTU master this project did not write (Debian's python3-pymodbus 3.0.0 serial client) against
the served twin's fixture units (test/hil/serve/served-fixture.ts) behind the RTU server. Prints one JSON
object per step: {"step", "registers" | "bits" | "exception" | "info" | "ok" | "error"};
rtu-pdu.test.ts checks them.

Run with /usr/bin/python3 (Debian's package): rtu_pdu_client.py SERIAL_PATH  (115200 8N1)
pymodbus 3.0.0 notes (hil-notes §2.5): timeout >= 1 s, unit ids in `slave=` (`unit=` on raw requests),
PDU addresses on the client side. A unit that does not answer shows as an error, not an exception.
"""
import json
import sys

from pymodbus.client import ModbusSerialClient
from pymodbus.mei_message import ReadDeviceInformationRequest
from pymodbus.other_message import ReportSlaveIdRequest
from pymodbus.register_read_message import ReadWriteMultipleRegistersRequest


def outcome(step, response, kind):
    if response is None:
        return {"step": step, "error": "no response"}
    if response.isError():
        code = getattr(response, "exception_code", None)
        if code is None:
            return {"step": step, "error": "no response" if "No response" in str(response) else str(response)}
        return {"step": step, "exception": code}
    if kind == "registers":
        return {"step": step, "registers": list(response.registers)}
    if kind == "bits":
        return {"step": step, "bits": [1 if b else 0 for b in response.bits]}
    if kind == "info":
        return {"step": step, "info": {str(k): v.decode("ascii") for k, v in response.information.items()}}
    return {"step": step, "ok": True}


def main():
    client = ModbusSerialClient(method="rtu", port=sys.argv[1], baudrate=115200, bytesize=8, parity="N", stopbits=1, timeout=1)
    if not client.connect():
        print(json.dumps({"step": "connect", "error": "cannot open " + sys.argv[1]}))
        return 1
    steps = [
        ("read holding 40000x3", lambda: client.read_holding_registers(40000, 3, slave=1), "registers"),
        ("write 40010=700", lambda: client.write_register(40010, 700, slave=1), "ok"),
        ("write 40010-40011=[1,2]", lambda: client.write_registers(40010, [1, 2], slave=1), "ok"),
        ("read 40010x2", lambda: client.read_holding_registers(40010, 2, slave=1), "registers"),
        ("write 40010=1001 (gate)", lambda: client.write_register(40010, 1001, slave=1), "ok"),
        ("write 40011-40012 (read-only)", lambda: client.write_registers(40011, [5, 5], slave=1), "ok"),
        ("read 40095x10 (unmapped)", lambda: client.read_holding_registers(40095, 10, slave=1), "registers"),
        ("read 40000x126 (quantity)", lambda: client.read_holding_registers(40000, 126, slave=1), "registers"),
        ("read input 0x3", lambda: client.read_input_registers(0, 3, slave=2), "registers"),
        ("read discrete 0x4", lambda: client.read_discrete_inputs(0, 4, slave=2), "bits"),
        ("write coil 2=on", lambda: client.write_coil(2, True, slave=2), "ok"),
        ("write coils 4-6", lambda: client.write_coils(4, [True, False, True], slave=2), "ok"),
        ("read coils 0x8", lambda: client.read_coils(0, 8, slave=2), "bits"),
        (
            "read/write 40010x2",
            lambda: client.execute(
                ReadWriteMultipleRegistersRequest(read_address=40010, read_count=2, write_address=40010, write_registers=[33, 44], unit=1)
            ),
            "registers",
        ),
        ("read 125 input registers of unit 4", lambda: client.read_input_registers(0, 125, slave=4), "registers"),
        ("write 123 registers to unit 4", lambda: client.write_registers(0, list(range(123)), slave=4), "ok"),
        ("read unit 42", lambda: client.read_holding_registers(40000, 1, slave=42), "registers"),
        ("report slave id (FC17)", lambda: client.execute(ReportSlaveIdRequest(unit=1)), "ok"),
        ("device identification", lambda: client.execute(ReadDeviceInformationRequest(read_code=1, object_id=0, unit=1)), "info"),
        ("read holding 40000x1 after", lambda: client.read_holding_registers(40000, 1, slave=1), "registers"),
    ]
    for step, call, kind in steps:
        try:
            result = outcome(step, call(), kind)
        except Exception as error:  # noqa: BLE001 - a failed step is reported, not fatal
            result = {"step": step, "error": repr(error)}
        if step == "read 125 input registers of unit 4" and "registers" in result:
            # 125 values: report their count and ends rather than all of them.
            regs = result.pop("registers")
            result["summary"] = [len(regs), regs[0], regs[-1]]
        print(json.dumps(result), flush=True)
    client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
