"""Drives the twin's RTU server as an independent master: Debian's pymodbus 3.0.0 serial client.

Usage: /usr/bin/python3 rtu_pymodbus_client.py PATH  -> one JSON line with what each request returned.
Addresses are PDU addresses (pymodbus clients send them as given).
"""
import json
import sys

from pymodbus.client import ModbusSerialClient

client = ModbusSerialClient(method="rtu", port=sys.argv[1], baudrate=115200, bytesize=8, parity="N", stopbits=1, timeout=1)
if not client.connect():
    print(json.dumps({"error": "cannot open " + sys.argv[1]}))
    sys.exit(2)


def outcome(reply):
    if reply.isError():
        return {"exception": getattr(reply, "exception_code", None), "text": str(reply)}
    return {"registers": list(getattr(reply, "registers", []) or [])}


out = {
    "read": outcome(client.read_holding_registers(2, 3, slave=1)),
    "write": outcome(client.write_register(5, 4321, slave=1)),
    "write_multiple": outcome(client.write_registers(10, [7, 8, 9], slave=2)),
    "read_back": outcome(client.read_holding_registers(4, 8, slave=2)),
    "outside": outcome(client.read_holding_registers(30, 5, slave=1)),
    "unsupported": outcome(client.read_input_registers(0, 1, slave=1)),
    "other_unit": outcome(client.read_holding_registers(0, 1, slave=9)),
    "after_silence": outcome(client.read_holding_registers(0, 1, slave=1)),
}
client.close()
print(json.dumps(out))
