"""A SunSpec reader this project did not write the protocol side of: Debian's python3-pymodbus 3.0.0
as the Modbus TCP master, and the SunSpec model JSON (hil/maps/sunspec, copied from sunspec/models)
for the layout, walked as pysunspec2's scan() does: `SunS` at 40000, then ID, L, L registers, ...
until ID 0xFFFF. Point offsets inside a model come from the JSON (top-level points, sizes summed),
not from the twin's profiles. Prints one JSON object; serve-peers.test.ts checks it.

Run with /usr/bin/python3 (Debian's package):
  sunspec_peer_client.py chain PORT UNIT...            models of each unit: [[id, address, L], ...]
  sunspec_peer_client.py values PORT                   the measurements, raw and decoded
  sunspec_peer_client.py write PORT UNIT MODEL POINT RAW   FC16 of a raw integer (int32: two registers)
pymodbus 3.0.0 notes (hil-notes 2.5): sync client timeout >= 1 s, `slave=`, PDU addresses.
"""
import json
import math
import os
import struct
import sys

from pymodbus.client import ModbusTcpClient

HERE = os.path.dirname(os.path.abspath(__file__))
# dist/test/hil/serve -> the repository's hil/maps/sunspec, or test/hil/serve -> the same.
ROOT = next(p for p in (os.path.join(HERE, "..", "..", ".."), os.path.join(HERE, "..", "..", "..", "..")) if os.path.isdir(os.path.join(p, "hil", "maps", "sunspec")))
JSON_DIR = os.path.join(ROOT, "hil", "maps", "sunspec")
BASE = 40000


def finite(value):
    """JSON has no NaN: a float32 "not implemented" (NaN) is printed as null."""
    return value if not isinstance(value, float) or math.isfinite(value) else None


def fail(message):
    print(json.dumps({"error": message}))
    sys.exit(1)


def read(client, unit, address, count):
    r = client.read_holding_registers(address, count, slave=unit)
    if r is None or r.isError():
        fail("read unit %d holding %d x%d: %s" % (unit, address, count, r))
    return list(r.registers)


def read_input(client, unit, address, count):
    r = client.read_input_registers(address, count, slave=unit)
    if r is None or r.isError():
        fail("read unit %d input %d x%d: %s" % (unit, address, count, r))
    return list(r.registers)


def chain(client, unit):
    """[[model id, address of its ID, L], ...] from 40002 to the end marker (excluded)."""
    marker = read(client, unit, BASE, 2)
    if marker != [0x5375, 0x6E53]:
        fail("unit %d: no SunS at %d: %s" % (unit, BASE, marker))
    models = []
    address = BASE + 2
    while len(models) < 50:
        mid = read(client, unit, address, 1)[0]
        if mid == 0xFFFF:
            # L read separately, as pysunspec2 does (some devices serve no L for the end model).
            return marker, models, address, read(client, unit, address + 1, 1)[0]
        length = read(client, unit, address + 1, 1)[0]
        models.append([mid, address, length])
        address += 2 + length
    fail("unit %d: no end marker after 50 models" % unit)


def offsets(mid):
    """{point name: (offset from the model's ID, type, size, sf name)} for the model's top-level points."""
    with open(os.path.join(JSON_DIR, "model_%d.json" % mid), encoding="utf-8") as f:
        group = json.load(f)["group"]
    out = {}
    offset = 0
    for p in group["points"]:
        out[p["name"]] = (offset, p["type"], int(p["size"]), p.get("sf"))
        offset += int(p["size"])
    return out


class Device:
    def __init__(self, client, unit):
        self.client = client
        self.unit = unit
        _, models, _, _ = chain(client, unit)
        self.models = {m[0]: m[1] for m in models}

    def address(self, mid, point):
        return self.models[mid] + offsets(mid)[point][0]

    def raw(self, mid, point):
        offset, ptype, size, _ = offsets(mid)[point]
        regs = read(self.client, self.unit, self.models[mid] + offset, size)
        data = struct.pack(">%dH" % size, *regs)
        fmt = {"int16": ">h", "uint16": ">H", "enum16": ">H", "sunssf": ">h", "int32": ">i", "uint32": ">I", "float32": ">f"}[ptype]
        return struct.unpack(fmt, data)[0], regs

    def scaled(self, mid, point):
        """(value × 10^sf, raw, sf): pysunspec2's cvalue."""
        value, regs = self.raw(mid, point)
        sf_name = offsets(mid)[point][3]
        sf = 0 if sf_name is None else self.raw(mid, sf_name)[0]
        return value * 10.0 ** sf, regs, sf


def main():
    command, port = sys.argv[1], int(sys.argv[2])
    client = ModbusTcpClient("127.0.0.1", port=port, timeout=2)
    if not client.connect():
        fail("cannot connect to 127.0.0.1:%d" % port)
    if command == "chain":
        out = {}
        for unit in map(int, sys.argv[3:]):
            marker, models, end, end_length = chain(client, unit)
            out[str(unit)] = {"marker": marker, "models": models, "end": end, "endLength": end_length}
        print(json.dumps(out))
    elif command == "values":
        bess, pcc, hall = Device(client, 1), Device(client, 2), Device(client, 3)
        out = {}
        for key, device, mid, point in (
            ("bess701W", bess, 701, "W"),
            ("bess713SoC", bess, 713, "SoC"),
            ("bess704WSet", bess, 704, "WSet"),
            ("pcc203W", pcc, 203, "W"),
            ("pcc203Hz", pcc, 203, "Hz"),
        ):
            value, regs, sf = device.scaled(mid, point)
            out[key] = {"value": finite(value), "raw": regs, "sf": sf}
        value, regs = hall.raw(213, "W")
        out["hall213W"] = {"value": finite(value), "raw": regs, "sf": 0}
        out["bess704WSetEna"] = {"value": bess.raw(704, "WSetEna")[0]}
        gpu = read_input(client, 20, 0, 5)
        out["gpuPowerW"] = {"value": gpu[0] * 65536 + gpu[1], "raw": gpu[0:2]}
        out["gpus"] = {"value": gpu[4]}
        out["gpuCapW"] = {"value": read(client, 20, 0, 1)[0]}
        twin = read(client, 99, 0, 7)
        out["twin"] = {"periods": twin[0], "simTimeMs": twin[1] * 65536 + twin[2], "periodMs": twin[3], "overruns": twin[4], "done": twin[5], "pace": twin[6]}
        print(json.dumps(out))
    elif command == "write":
        unit, mid, point, raw = int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], int(sys.argv[6])
        device = Device(client, unit)
        _, ptype, size, _ = offsets(mid)[point]
        fmt = {1: ">h" if raw < 0 else ">H", 2: ">i" if raw < 0 else ">I"}[size]
        regs = list(struct.unpack(">%dH" % size, struct.pack(fmt, raw)))
        address = device.address(mid, point)
        local = "%s:%d" % client.socket.getsockname()[0:2]
        r = client.write_registers(address, regs, slave=unit)
        out = {"address": address, "registers": regs, "client": local}
        if r is None:
            out["error"] = "no response"
        elif r.isError():
            out["exception"] = getattr(r, "exception_code", None)
        else:
            out["ok"] = True
        print(json.dumps(out))
    else:
        fail("unknown command %s" % command)
    client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
