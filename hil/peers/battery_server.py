#!/usr/bin/python3
"""SunSpec battery peer for dctwin HIL tests: an independent Modbus device built on pymodbus.

Run it with Debian's interpreter, /usr/bin/python3 (python3-pymodbus 3.0.0 is installed for that one only;
the pyenv `python3` on PATH does not have it). Stdlib + pymodbus only (pymodbus pulls in pyserial and
serial_asyncio, which the serial server needs).

    /usr/bin/python3 hil/peers/battery_server.py --tcp 127.0.0.1:0
    /usr/bin/python3 hil/peers/battery_server.py --rtu /tmp/a --baud 115200      # 8N1, e.g. a socat pty pair
    /usr/bin/python3 hil/peers/battery_server.py --dump-map                      # point map as JSON, then exit

On start it prints ONE JSON line on stdout and flushes it, e.g.

    {"ready": true, "tcp_port": 50123, "unit": 1, "base": 40000,
     "models": [[1, 40002, 66], [802, 40070, 62], [701, 40134, 153], [704, 40289, 65], [713, 40356, 7]],
     "end": 40365, "control_port": null, "pid": 1234}

(`models`: model id, PDU address of its ID register, its L). Everything else (events, errors) goes to stderr,
one JSON object a line. SIGTERM / SIGINT: close the transports and exit 0.

Register map
------------
* Holding registers only (FC3 read; FC6/FC16/FC22/FC23 write), PDU addressing (the address that travels on the
  wire). pymodbus 3.0.0's ModbusSlaveContext adds +1 to every address unless zero_mode=True; it is pinned
  to zero_mode=True here, so PDU 40000 is the "SunS" marker 0x5375 0x6E53.
* Models, in this order, from base+2: 1 Common, 802 Battery base, 701 DER AC measurement, 704 DER AC controls,
  713 DER storage capacity, then the end marker 0xFFFF 0x0000. The layout is computed here from the SunSpec
  model JSON in hil/maps/sunspec/ (copied from sunspec/models, Apache-2.0, LICENSE alongside): a model
  block is ID, L, then its points in JSON order, each `size` registers; L = block size - 2. Nested groups
  without a `count` (or with an integer count) are laid out after the group's points, in order (704's
  PFWInj/PFWInjRvrt/PFWAbs/PFWAbsRvrt, 2 registers each, which is why 704's L is 65). Groups whose `count` names
  a point (repeating groups, e.g. 705 curves, 803 strings) are SKIPPED and excluded from L; none of the five
  served models has one. Point names in --dump-map are "<model>.<point>" and "<model>.<group>.<point>".
* Registers the device does not fill hold SunSpec "not implemented" values: int16 0x8000; uint16, enum16,
  bitfield16, count 0xFFFF; int32 0x80000000; uint32, enum32, bitfield32 0xFFFFFFFF; int64 0x8000..0;
  uint64/bitfield64 all 0xFFFF; acc16/32/64 0; float32 0x7FC00000 (NaN); sunssf 0x8000; string NUL; pad 0.
* Sign convention (SunSpec 701 "W": positive for DER generation, negative for absorption): W > 0 discharges the
  battery, W < 0 charges it. WSet uses the same sign, so "charge at 5 MW" is WSet = -5000000 (WSet_SF = 0).
  802's W and A use the same sign.

Validation (what a client sees)
-------------------------------
* Read or write outside [base, end marker] -> exception 02 (illegal data address). Other tables (coils,
  discrete inputs, input registers) are not served -> 02.
* Write touching any register of a point that is not "access": "RW" in the JSON (ID, L, measurements, scale
  factors, pads, ...) -> 02; the whole request is refused, nothing is written.
* Write of an out-of-range value -> 03 (illegal data value), nothing written: 704 WSet/WSetRvrt outside
  [-charge limit, +discharge limit] W; WSetPct/WSetPctRvrt outside +-100 %; WMaxLimPct(Rvrt) outside 0..100 %;
  an RW enum not among its JSON symbols; 1 DA outside 1..247; 802 SoC reserves outside 0..100 %; AlmRst not 0/1.
  A write of one register of a 32-bit point is checked on the resulting 32-bit value; a point written with the
  value it already holds is not checked (so a read-modify-write of a whole model carrying "not implemented"
  values back is accepted).
* A request for another unit id gets no answer (pymodbus's framers drop it, over TCP too).
  (pymodbus 3.0.0 has no hook for this: the datastore's validate() only sees address+count and can only yield 02,
  and an exception raised in setValues() becomes 04. So FC6/16/22/23 are re-registered with the server decoder
  (custom_functions) as subclasses whose execute() asks the context first.)

Dynamics (fixed step, default 50 ms, monotonic clock)
----------------------------------------------------
* Target power: WSetEna = 1 -> WSet (WSetMod = WATTS) or WSetPct % of the limit (WSetMod = W_MAX_PCT), clamped
  to the power limits; otherwise 0. At SoC max no charging, at SoC min no discharging (target 0).
* Measured AC power W follows the target first-order, time constant --tau-ms (default 100 ms).
* Energy: charging stores |W|*dt*eta_charge, discharging removes W*dt/eta_discharge; energy is clamped to
  [SoC min, SoC max] * capacity and W is forced to 0 when a limit is reached.
* Reversion (704): while WSetEna = 1 and WSetRvrtTms > 0, every write to WSet (or WSetPct or WSetEna) restarts a
  timer; WSetRvrtRem counts down (whole seconds, rounded up). At 0: WSet := WSetRvrt, WSetPct := WSetPctRvrt,
  WSetEna := WSetEnaRvrt (defaults 0 W, 0 %, ENABLED), and a line {"event": "reversion", ...} goes to stderr.
  With --watch-ctrlhb, the same happens when 802 CtrlHb has not changed for WSetRvrtTms seconds; while it stays
  unchanged, every new WSet is reverted again at the next step (one stderr line each).
  WSetRvrtTms = 0 disables reversion. Defaults: WSetRvrtTms from --rvrt-s (default 0).
* 802 Hb is incremented every second (wraps at 65535). CtrlHb is stored as written. Other RW points (PF, Var,
  WMaxLimPct, ramps, SetOp, ...) are validated and stored but have no effect on the dynamics.

Fault hooks
-----------
* --delay-ms N: every request is executed and answered N ms after it arrived (the event loop is not blocked).
* --fail-after-s N with --fail-mode silent (default: from then on no request is executed or answered, the
  connection stays open) or exit (process exits with code 3 after a stderr line).
* SIGUSR1 toggles "freeze" (no request executed or answered while frozen); SIGUSR2 writes the state to stderr.
* --control HOST:PORT (port 0 = pick one, printed as control_port): a line-based TCP channel. Commands, one per
  line, each answered with one JSON line: `state`, `freeze`, `thaw`, `delay MS`, `soc PCT` (set SoC), `exit`.
"""

import argparse
import asyncio
import json
import logging
import math
import os
import signal
import struct
import sys
import time

from pymodbus.datastore import ModbusServerContext, ModbusSlaveContext
from pymodbus.datastore.store import BaseModbusDataBlock, ModbusSequentialDataBlock
from pymodbus.pdu import ModbusExceptions as merror
from pymodbus.register_read_message import ReadWriteMultipleRegistersRequest
from pymodbus.register_write_message import (
    MaskWriteRegisterRequest,
    WriteMultipleRegistersRequest,
    WriteSingleRegisterRequest,
)
from pymodbus.server.async_io import (
    ModbusConnectedRequestHandler,
    ModbusSerialServer,
    ModbusSingleRequestHandler,
    ModbusTcpServer,
)
from pymodbus.transaction import ModbusRtuFramer, ModbusSocketFramer

HERE = os.path.dirname(os.path.abspath(__file__))
JSON_DIR = os.path.join(HERE, "..", "maps", "sunspec")
MODEL_ORDER = (1, 802, 701, 704, 713)
BASE = 40000


def log(event, **fields):
    """One JSON object per line on stderr."""
    rec = {"t": round(time.time(), 3), "event": event}
    rec.update(fields)
    sys.stderr.write(json.dumps(rec) + "\n")
    sys.stderr.flush()


# --------------------------------------------------------------------------------------------------------
# SunSpec layout from the model JSON
# --------------------------------------------------------------------------------------------------------

def not_implemented(ptype, size):
    """Register words of the SunSpec "not implemented" value of a point type."""
    if ptype in ("int16", "sunssf"):
        return [0x8000]
    if ptype in ("uint16", "enum16", "bitfield16", "count", "raw16"):
        return [0xFFFF]
    if ptype == "int32":
        return [0x8000, 0x0000]
    if ptype in ("uint32", "enum32", "bitfield32"):
        return [0xFFFF, 0xFFFF]
    if ptype == "int64":
        return [0x8000, 0, 0, 0]
    if ptype in ("uint64", "bitfield64"):
        return [0xFFFF] * 4
    if ptype == "float32":
        return [0x7FC0, 0x0000]
    if ptype == "float64":
        return [0x7FF8, 0, 0, 0]
    # acc16/32/64, string, pad, ipaddr, ipv6addr, eui48: zeros
    return [0] * size


class Point:
    __slots__ = ("key", "model", "name", "ptype", "size", "addr", "sf", "access", "symbols")

    def __init__(self, key, model, name, ptype, size, addr, sf, access, symbols):
        self.key, self.model, self.name, self.ptype = key, model, name, ptype
        self.size, self.addr, self.sf, self.access, self.symbols = size, addr, sf, access, symbols


def load_model(mid):
    with open(os.path.join(JSON_DIR, "model_%d.json" % mid), encoding="utf-8") as f:
        return json.load(f)


def layout(models=MODEL_ORDER, base=BASE):
    """Compute the register map. Returns (points by key, [(id, addr of ID, L)], end-marker addr, skipped)."""
    points = {}
    chain = []
    skipped = []
    addr = base + 2  # after "SunS"
    for mid in models:
        model = load_model(mid)
        start = addr

        def walk(group, prefix, gkey):
            nonlocal addr
            for p in group.get("points", []):
                key = "%s%s" % (prefix, p["name"])
                sf = p.get("sf")
                if isinstance(sf, str):
                    sf = "%s%s" % (gkey, sf)  # a sunssf point of the model's top-level group (704's PFWInj.PF -> 704.PF_SF)
                points[key] = Point(key, mid, p["name"], p["type"], int(p["size"]), addr, sf,
                                    p.get("access", "R"), {s["value"]: s["name"] for s in p.get("symbols", [])})
                addr += int(p["size"])
            for g in group.get("groups", []):
                count = g.get("count", 1)
                if isinstance(count, str):
                    skipped.append("%d.%s (count=%s)" % (mid, g["name"], count))
                    continue
                for i in range(int(count)):
                    sub = g["name"] if count == 1 else "%s[%d]" % (g["name"], i)
                    walk(g, "%s%s." % (prefix, sub), "%d." % mid)

        walk(model["group"], "%d." % mid, "%d." % mid)
        length = addr - start - 2
        declared = next((p.get("value") for p in model["group"]["points"] if p["name"] == "L"), None)
        if declared is not None and declared != length:
            raise SystemExit("model %d: computed L %d != JSON L value %s" % (mid, length, declared))
        chain.append((mid, start, length))
    for p in points.values():
        if isinstance(p.sf, str) and p.sf not in points:
            raise SystemExit("%s: scale factor %s not found" % (p.key, p.sf))
    return points, chain, addr, skipped


# --------------------------------------------------------------------------------------------------------
# Register image with typed access
# --------------------------------------------------------------------------------------------------------

def to_words(ptype, size, value):
    if ptype == "string":
        raw = value.encode("ascii")[: 2 * size].ljust(2 * size, b"\0")
        return list(struct.unpack(">%dH" % size, raw))
    if ptype == "float32":
        return list(struct.unpack(">2H", struct.pack(">f", value)))
    v = int(value)
    bits = 16 * size
    v &= (1 << bits) - 1  # two's complement for signed types
    return [(v >> (16 * (size - 1 - i))) & 0xFFFF for i in range(size)]


def from_words(ptype, words):
    if ptype == "string":
        return struct.pack(">%dH" % len(words), *words).rstrip(b"\0").decode("ascii", "replace")
    if ptype == "float32":
        return struct.unpack(">f", struct.pack(">2H", *words))[0]
    v = 0
    for w in words:
        v = (v << 16) | w
    if ptype in ("int16", "int32", "int64", "sunssf"):
        bits = 16 * len(words)
        if v >= 1 << (bits - 1):
            v -= 1 << bits
    return v


def sf_for(max_abs, signed=True):
    """Smallest scale factor >= 0 that fits max_abs into a 16-bit register."""
    lim = 32767 if signed else 65535
    sf = 0
    while max_abs / (10 ** sf) > lim:
        sf += 1
    return sf


class NoTable(BaseModbusDataBlock):
    """A table the device does not serve: every access is an illegal address (02)."""

    def __init__(self):
        self.address, self.values, self.default_value = 0, [], 0

    def validate(self, address, count=1):
        return False


class SunSpecContext(ModbusSlaveContext):
    """Holding registers [base, end] in zero_mode; writes go through check_write(), then device.on_write()."""

    def __init__(self, device):
        self.device = device
        super().__init__(hr=device.block, di=NoTable(), co=NoTable(), ir=NoTable(), zero_mode=True)

    def check_write(self, address, values):
        return self.device.check_write(address, values)

    def setValues(self, fc_as_hex, address, values):  # external writes only (the device writes the block)
        super().setValues(fc_as_hex, address, values)
        self.device.on_write(address, len(values))


def _checked(context, address, values):
    check = getattr(context, "check_write", None)
    return check(address, values) if check else None


class CheckedWriteSingle(WriteSingleRegisterRequest):
    def execute(self, context):
        if 0 <= self.value <= 0xFFFF and context.validate(self.function_code, self.address, 1):
            code = _checked(context, self.address, [self.value])
            if code:
                return self.doException(code)
        return super().execute(context)


class CheckedWriteMultiple(WriteMultipleRegistersRequest):
    def execute(self, context):
        if 1 <= self.count <= 0x7B and self.byte_count == self.count * 2 \
                and context.validate(self.function_code, self.address, self.count):
            code = _checked(context, self.address, list(self.values))
            if code:
                return self.doException(code)
        return super().execute(context)


class CheckedMaskWrite(MaskWriteRegisterRequest):
    def execute(self, context):
        if context.validate(self.function_code, self.address, 1):
            cur = context.getValues(self.function_code, self.address, 1)[0]
            new = (cur & self.and_mask) | (self.or_mask & ~self.and_mask & 0xFFFF)
            code = _checked(context, self.address, [new])
            if code:
                return self.doException(code)
        return super().execute(context)


class CheckedReadWrite(ReadWriteMultipleRegistersRequest):
    def execute(self, context):
        if 1 <= self.write_count <= 0x79 and context.validate(self.function_code, self.write_address,
                                                              self.write_count):
            code = _checked(context, self.write_address, list(self.write_registers))
            if code:
                return self.doException(code)
        return super().execute(context)


CHECKED_FUNCTIONS = [CheckedWriteSingle, CheckedWriteMultiple, CheckedMaskWrite, CheckedReadWrite]


# --------------------------------------------------------------------------------------------------------
# The battery
# --------------------------------------------------------------------------------------------------------

class Battery:
    def __init__(self, args):
        self.args = args
        self.points, self.chain, self.end, self.skipped = layout()
        self.size = self.end + 2 - BASE
        regs = [0] * self.size
        regs[0:2] = [0x5375, 0x6E53]  # "SunS"
        regs[self.end - BASE: self.end - BASE + 2] = [0xFFFF, 0x0000]
        for p in self.points.values():
            regs[p.addr - BASE: p.addr - BASE + p.size] = not_implemented(p.ptype, p.size)
        self.block = ModbusSequentialDataBlock(BASE, regs)
        for mid, addr, length in self.chain:
            self.block.values[addr - BASE: addr - BASE + 2] = [mid, length]

        a = args
        self.cap_wh = a.capacity_wh
        self.p_cha_max = a.charge_max_w
        self.p_dis_max = a.discharge_max_w
        self.soc_min, self.soc_max = a.soc_min / 100.0, a.soc_max / 100.0
        self.soh = a.soh / 100.0
        self.energy_wh = a.soc / 100.0 * self.cap_wh
        self.w = 0.0
        self.tot_inj_wh = 0.0
        self.tot_abs_wh = 0.0
        self.dis_wh = 0.0
        self.t0 = time.monotonic()
        self.last_wset_write = self.t0
        self.last_ctrlhb = None
        self.last_ctrlhb_change = self.t0
        self.reverted = False
        self.frozen = False
        self.delay_s = a.delay_ms / 1000.0
        self.failed = False

        pmax = max(self.p_cha_max, self.p_dis_max)
        self.w_sf = sf_for(pmax)
        self.wh_sf = sf_for(self.cap_wh, signed=False)
        self.v_dc = a.v_dc
        self.a_dc_sf = sf_for(pmax / self.v_dc)
        self.ah_sf = sf_for(self.cap_wh / self.v_dc, signed=False)
        self.a_ac_sf = sf_for(pmax / (math.sqrt(3) * a.v_ll))

        s = self.set
        # Model 1: Common
        s("1.Mn", "dctwin-peer")
        s("1.Md", "pymodbus-battery")
        s("1.Opt", "sunspec")
        s("1.Vr", "1.0")
        s("1.SN", a.sn)
        s("1.DA", a.unit)
        # Model 802: battery base (nameplate and scale factors)
        s("802.AHRtg_SF", self.ah_sf)
        s("802.AHRtg", self.cap_wh / self.v_dc, sf=self.ah_sf)
        s("802.WHRtg_SF", self.wh_sf)
        s("802.WHRtg", self.cap_wh, sf=self.wh_sf)
        s("802.WChaDisChaMax_SF", self.w_sf)
        s("802.WChaRteMax", self.p_cha_max, sf=self.w_sf)
        s("802.WDisChaRteMax", self.p_dis_max, sf=self.w_sf)
        s("802.SoC_SF", -2)
        s("802.DoD_SF", -2)
        s("802.SoH_SF", -2)
        s("802.SoCMax", a.soc_max, sf=-2)
        s("802.SoCMin", a.soc_min, sf=-2)
        s("802.SoH", a.soh, sf=-2)
        s("802.NCyc", 0)
        s("802.LocRemCtl", 0)  # REMOTE
        s("802.Hb", 0)
        s("802.CtrlHb", 0)
        s("802.AlmRst", 0)
        s("802.Typ", 4)  # LITHIUM_ION
        s("802.State", 3)  # CONNECTED
        s("802.Evt1", 0)
        s("802.Evt2", 0)
        s("802.V_SF", -1)
        s("802.V", self.v_dc, sf=-1)
        s("802.A_SF", self.a_dc_sf)
        s("802.W_SF", self.w_sf)
        # Model 701: DER AC measurement
        s("701.ACType", 2)  # THREE_PHASE
        s("701.St", 1)  # ON
        s("701.ConnSt", 1)  # CONNECTED
        s("701.Alrm", 0)
        s("701.W_SF", self.w_sf)
        s("701.VA_SF", self.w_sf)
        s("701.Var_SF", self.w_sf)
        s("701.Var", 0)
        s("701.PF_SF", -3)
        s("701.A_SF", self.a_ac_sf)
        s("701.V_SF", -1)
        s("701.LLV", a.v_ll, sf=-1)
        s("701.LNV", a.v_ll / math.sqrt(3), sf=-1)
        s("701.Hz_SF", -3)
        s("701.Hz", a.hz, sf=-3)
        s("701.TotWh_SF", 0)
        # Model 704: DER AC controls (setpoint defaults)
        s("704.WSet_SF", 0)
        s("704.WSetPct_SF", -2)
        s("704.WMaxLimPct_SF", -2)
        s("704.WSetEna", 0)
        s("704.WSetMod", 1)  # WATTS
        s("704.WSet", 0)
        s("704.WSetRvrt", 0)
        s("704.WSetPct", 0)
        s("704.WSetPctRvrt", 0)
        s("704.WSetEnaRvrt", 1)  # ENABLED: after reversion the reversion setpoint is in force
        s("704.WSetRvrtTms", a.rvrt_s)
        s("704.WSetRvrtRem", 0)
        # Model 713: DER storage capacity
        s("713.WH_SF", self.wh_sf)
        s("713.Pct_SF", -2)
        s("713.WHRtg", self.cap_wh, sf=self.wh_sf)
        s("713.SoH", a.soh, sf=-2)
        s("713.Sta", 0)  # OK
        self.publish()

    # --- typed register access (device side, bypasses the write checks) ---
    def set(self, key, value, sf=None):
        p = self.points[key]
        if sf is not None:
            value = round(value / (10 ** sf))
        self.block.values[p.addr - BASE: p.addr - BASE + p.size] = to_words(p.ptype, p.size, value)

    def raw(self, key, image=None):
        p = self.points[key]
        src = image if image is not None else self.block.values
        return from_words(p.ptype, src[p.addr - BASE: p.addr - BASE + p.size])

    def value(self, key, image=None):
        """Engineering value (raw * 10^sf) of a point."""
        p = self.points[key]
        v = self.raw(key, image)
        if p.sf is not None:
            sf = p.sf if isinstance(p.sf, int) else self.raw(p.sf, image)
            v = v * (10 ** sf)
        return v

    # --- client writes ---
    def points_in(self, address, count):
        return [p for p in self.points.values() if p.addr < address + count and address < p.addr + p.size]

    def check_write(self, address, values):
        """None if the write is acceptable, else a Modbus exception code."""
        count = len(values)
        if address < BASE or address + count > self.end + 2:
            return merror.IllegalAddress
        covered = set()
        touched = self.points_in(address, count)
        for p in touched:
            if p.access != "RW":
                return merror.IllegalAddress
            covered.update(range(p.addr, p.addr + p.size))
        if any(a not in covered for a in range(address, address + count)):
            return merror.IllegalAddress  # SunS marker, ID/L, end marker
        image = list(self.block.values)
        image[address - BASE: address - BASE + count] = values
        for p in touched:
            # a point written with the value it already holds (e.g. a read-modify-write of a whole model that
            # carries "not implemented" values back) is not checked
            if self.raw(p.key, image) != self.raw(p.key) and not self.value_ok(p, image):
                return merror.IllegalValue
        return None

    def value_ok(self, p, image):
        v = self.value(p.key, image)
        n = p.key
        if n in ("704.WSet", "704.WSetRvrt"):
            return -self.p_cha_max <= v <= self.p_dis_max
        if n in ("704.WSetPct", "704.WSetPctRvrt"):
            return -100 <= v <= 100
        if n in ("704.WMaxLimPct", "704.WMaxLimPctRvrt"):
            return 0 <= v <= 100
        if n == "1.DA":
            return 1 <= v <= 247
        if n in ("802.SocRsvMax", "802.SoCRsvMin"):
            return 0 <= v <= 100
        if n == "802.AlmRst":
            return v in (0, 1)
        if p.ptype in ("enum16", "enum32") and p.symbols:
            return self.raw(n, image) in p.symbols
        return True

    def on_write(self, address, count):
        now = time.monotonic()
        keys = {p.key for p in self.points_in(address, count)}
        if keys & {"704.WSet", "704.WSetPct", "704.WSetEna"}:
            self.last_wset_write = now
            self.reverted = False
        if "802.AlmRst" in keys:
            self.set("802.AlmRst", 0)  # self-clearing; there are no latched alarms
        log("write", address=address, count=count, points=sorted(keys))

    # --- dynamics ---
    def target_w(self):
        ena = self.raw("704.WSetEna") == 1
        if not ena:
            return 0.0
        if self.raw("704.WSetMod") == 0:  # W_MAX_PCT
            pct = self.value("704.WSetPct")
            target = pct / 100.0 * (self.p_dis_max if pct >= 0 else self.p_cha_max)
        else:
            target = float(self.value("704.WSet"))
        target = max(-self.p_cha_max, min(self.p_dis_max, target))
        soc = self.energy_wh / self.cap_wh
        if target < 0 and soc >= self.soc_max - 1e-12:
            return 0.0
        if target > 0 and soc <= self.soc_min + 1e-12:
            return 0.0
        return target

    def reversion(self, now):
        tms = self.raw("704.WSetRvrtTms")
        if self.raw("704.WSetEna") != 1 or tms == 0 or tms == 0xFFFFFFFF:
            self.set("704.WSetRvrtRem", 0)
            return
        if self.reverted:
            self.set("704.WSetRvrtRem", 0)
            return
        since = now - self.last_wset_write
        reason = "WSet not written for %g s" % tms
        if self.args.watch_ctrlhb and now - self.last_ctrlhb_change > since:
            since = now - self.last_ctrlhb_change
            reason = "CtrlHb unchanged for %g s" % tms
        rem = tms - since
        if rem > 0:
            self.set("704.WSetRvrtRem", math.ceil(rem))
            return
        old = self.value("704.WSet")
        self.set("704.WSet", self.raw("704.WSetRvrt"))
        self.set("704.WSetPct", self.raw("704.WSetPctRvrt"))
        self.set("704.WSetEna", self.raw("704.WSetEnaRvrt"))
        self.set("704.WSetRvrtRem", 0)
        self.reverted = True
        log("reversion", reason=reason, wset_from_w=old, wset_to_w=self.value("704.WSet"),
            wsetena=self.raw("704.WSetEna"), rvrt_tms=tms)

    def step(self, now, dt):
        ctrlhb = self.raw("802.CtrlHb")
        if ctrlhb != self.last_ctrlhb:
            self.last_ctrlhb = ctrlhb
            self.last_ctrlhb_change = now
        self.reversion(now)
        target = self.target_w()
        tau = self.args.tau_ms / 1000.0
        k = 1.0 - math.exp(-dt / tau) if tau > 0 else 1.0
        self.w += (target - self.w) * k
        if abs(self.w) < 1e-3:
            self.w = 0.0
        h = dt / 3600.0
        if self.w < 0:
            self.energy_wh += -self.w * h * self.args.eta_charge
            self.tot_abs_wh += -self.w * h
        elif self.w > 0:
            self.energy_wh -= self.w * h / self.args.eta_discharge
            self.tot_inj_wh += self.w * h
            self.dis_wh += self.w * h
        lo, hi = self.soc_min * self.cap_wh, self.soc_max * self.cap_wh
        if self.energy_wh >= hi and self.w < 0:
            self.energy_wh, self.w = hi, 0.0
            log("soc_limit", limit="max", soc_pct=100 * self.soc_max)
        elif self.energy_wh <= lo and self.w > 0:
            self.energy_wh, self.w = lo, 0.0
            log("soc_limit", limit="min", soc_pct=100 * self.soc_min)
        self.energy_wh = max(0.0, min(self.cap_wh, self.energy_wh))
        self.set("802.Hb", int(now - self.t0) & 0xFFFF)
        self.publish()

    def publish(self):
        soc = self.energy_wh / self.cap_wh
        w = self.w
        s = self.set
        s("802.SoC", 100 * soc, sf=-2)
        s("802.DoD", 100 * (1 - soc), sf=-2)
        s("802.NCyc", int(self.dis_wh / self.cap_wh))
        s("802.W", w, sf=self.w_sf)
        s("802.A", w / self.v_dc, sf=self.a_dc_sf)
        if soc >= self.soc_max - 1e-9:
            cha = 5  # FULL
        elif soc <= self.soc_min + 1e-9:
            cha = 2  # EMPTY
        elif w < -1:
            cha = 4  # CHARGING
        elif w > 1:
            cha = 3  # DISCHARGING
        else:
            cha = 6  # HOLDING
        s("802.ChaSt", cha)
        s("701.W", w, sf=self.w_sf)
        s("701.VA", abs(w), sf=self.w_sf)
        s("701.PF", 1.0, sf=-3)  # no reactive power in this model
        s("701.A", abs(w) / (math.sqrt(3) * self.args.v_ll), sf=self.a_ac_sf)
        s("701.InvSt", 3 if abs(w) > 1 else 7)  # RUNNING / STANDBY
        s("701.TotWhInj", self.tot_inj_wh)
        s("701.TotWhAbs", self.tot_abs_wh)
        s("713.SoC", 100 * soc, sf=-2)
        s("713.WHAvail", self.cap_wh * soc * self.soh, sf=self.wh_sf)

    def state(self):
        return {"soc_pct": round(100 * self.energy_wh / self.cap_wh, 4), "w": round(self.w, 1),
                "energy_wh": round(self.energy_wh, 1), "wset_w": self.value("704.WSet"),
                "wsetena": self.raw("704.WSetEna"), "wsetmod": self.raw("704.WSetMod"),
                "rvrt_tms": self.raw("704.WSetRvrtTms"), "rvrt_rem": self.raw("704.WSetRvrtRem"),
                "hb": self.raw("802.Hb"), "ctrlhb": self.raw("802.CtrlHb"), "frozen": self.frozen,
                "failed": self.failed, "delay_ms": self.delay_s * 1000}

    def set_soc(self, pct):
        self.energy_wh = max(0.0, min(1.0, pct / 100.0)) * self.cap_wh
        self.publish()

    async def run(self, stop):
        step = self.args.step_ms / 1000.0
        last = time.monotonic()
        target = last + step
        while not stop.is_set():
            await asyncio.sleep(max(0.0, target - time.monotonic()))
            now = time.monotonic()
            dt = min(now - last, 1.0)
            last = now
            target += step
            if target < now:  # overrun: skip missed steps instead of bursting
                target = now + step
            self.step(now, dt)


# --------------------------------------------------------------------------------------------------------
# Fault hooks: delay / freeze at the request handler
# --------------------------------------------------------------------------------------------------------

DEVICE = None  # set in main(); the handlers are instantiated by pymodbus


class _FaultMixin:
    def execute(self, request, *addr):
        dev = DEVICE
        if dev.frozen or dev.failed:
            return  # no execution, no answer
        if dev.delay_s > 0:
            asyncio.get_running_loop().call_later(dev.delay_s, self._late_execute, request, addr)
            return
        super().execute(request, *addr)

    def _late_execute(self, request, addr):
        if DEVICE.frozen or DEVICE.failed or not self.running:
            return
        try:
            super().execute(request, *addr)
        except Exception as exc:  # pylint: disable=broad-except  # e.g. transport closed meanwhile
            log("late_answer_failed", error=str(exc))


class TcpHandler(_FaultMixin, ModbusConnectedRequestHandler):
    pass


class SerialHandler(_FaultMixin, ModbusSingleRequestHandler):
    pass


# --------------------------------------------------------------------------------------------------------
# Control channel
# --------------------------------------------------------------------------------------------------------

async def control_client(reader, writer, dev, stop):
    try:
        while True:
            line = await reader.readline()
            if not line:
                break
            parts = line.decode("utf-8", "replace").split()
            if not parts:
                continue
            cmd, rest = parts[0].lower(), parts[1:]
            out = {"ok": True}
            if cmd == "state":
                out.update(dev.state())
            elif cmd == "freeze":
                dev.frozen = True
                log("freeze", frozen=True, source="control")
            elif cmd == "thaw":
                dev.frozen = False
                log("freeze", frozen=False, source="control")
            elif cmd == "delay" and rest:
                dev.delay_s = float(rest[0]) / 1000.0
                log("delay", delay_ms=float(rest[0]))
            elif cmd == "soc" and rest:
                dev.set_soc(float(rest[0]))
                out.update(dev.state())
            elif cmd == "exit":
                stop.set()
            else:
                out = {"ok": False, "error": "unknown command %r" % cmd}
            writer.write((json.dumps(out) + "\n").encode())
            await writer.drain()
    except (ConnectionError, ValueError) as exc:
        log("control_error", error=str(exc))
    finally:
        writer.close()


# --------------------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------------------

def host_port(text):
    host, _, port = text.rpartition(":")
    return (host or "127.0.0.1", int(port))


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description="SunSpec battery Modbus peer (pymodbus 3.0.0)",
                                 formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    tr = ap.add_mutually_exclusive_group()
    tr.add_argument("--tcp", type=host_port, help="HOST:PORT to listen on (port 0: pick a free one)")
    tr.add_argument("--rtu", help="serial device, e.g. a socat pty (8N1)")
    ap.add_argument("--baud", type=int, default=115200)
    ap.add_argument("--unit", type=int, default=1, help="Modbus unit id (also 1.DA)")
    ap.add_argument("--sn", default="DCTWIN-BAT-0001")
    ap.add_argument("--capacity-wh", type=float, default=10e6)
    ap.add_argument("--charge-max-w", type=float, default=10e6)
    ap.add_argument("--discharge-max-w", type=float, default=10e6)
    ap.add_argument("--soc", type=float, default=50.0, help="initial SoC, %%")
    ap.add_argument("--soc-min", type=float, default=5.0, help="%%")
    ap.add_argument("--soc-max", type=float, default=95.0, help="%%")
    ap.add_argument("--soh", type=float, default=100.0, help="%%")
    ap.add_argument("--eta-charge", type=float, default=0.95)
    ap.add_argument("--eta-discharge", type=float, default=0.95)
    ap.add_argument("--tau-ms", type=float, default=100.0, help="inverter first-order time constant")
    ap.add_argument("--step-ms", type=float, default=50.0, help="dynamics step")
    ap.add_argument("--rvrt-s", type=int, default=0, help="initial 704 WSetRvrtTms (0: no reversion)")
    ap.add_argument("--watch-ctrlhb", action="store_true",
                    help="also revert when 802 CtrlHb is unchanged for WSetRvrtTms")
    ap.add_argument("--v-dc", type=float, default=1000.0, help="battery DC voltage (802 V, AHRtg)")
    ap.add_argument("--v-ll", type=float, default=400.0, help="AC line-line voltage (701 LLV)")
    ap.add_argument("--hz", type=float, default=50.0)
    ap.add_argument("--delay-ms", type=float, default=0.0, help="answer every request after N ms")
    ap.add_argument("--fail-after-s", type=float, default=None, help="stop answering (or exit) after N s")
    ap.add_argument("--fail-mode", choices=("silent", "exit"), default="silent")
    ap.add_argument("--control", type=host_port, default=None, help="HOST:PORT line-based control channel")
    ap.add_argument("--dump-map", action="store_true", help="print the point map as JSON and exit")
    ap.add_argument("--verbose", action="store_true", help="pymodbus debug logging on stderr")
    args = ap.parse_args(argv)
    if not args.dump_map and not args.tcp and not args.rtu:
        ap.error("one of --tcp or --rtu is required")
    return args


def dump_map():
    points, chain, end, skipped = layout()
    out = {"base": BASE, "models": chain, "end": end, "skipped_repeating_groups": skipped,
           "points": {k: {"addr": p.addr, "type": p.ptype, "size": p.size, "sf": p.sf, "access": p.access}
                      for k, p in points.items()}}
    print(json.dumps(out, indent=1))


async def amain(args):
    global DEVICE  # pylint: disable=global-statement
    loop = asyncio.get_running_loop()
    dev = Battery(args)
    DEVICE = dev
    context = ModbusServerContext(slaves={args.unit: SunSpecContext(dev)}, single=False)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    def toggle_freeze():
        dev.frozen = not dev.frozen
        log("freeze", frozen=dev.frozen, source="SIGUSR1")

    loop.add_signal_handler(signal.SIGUSR1, toggle_freeze)
    loop.add_signal_handler(signal.SIGUSR2, lambda: log("state", **dev.state()))

    ready = {"ready": True, "tcp_port": None, "rtu": None, "unit": args.unit, "base": BASE,
             "models": [list(c) for c in dev.chain], "end": dev.end, "control_port": None, "pid": os.getpid()}
    tasks = []
    if args.tcp:
        server = ModbusTcpServer(context, framer=ModbusSocketFramer, address=args.tcp, handler=TcpHandler,
                                 allow_reuse_address=True)
        for fn in CHECKED_FUNCTIONS:
            server.decoder.register(fn)
        tasks.append(asyncio.create_task(server.serve_forever()))
        await server.serving
        ready["tcp_port"] = server.server.sockets[0].getsockname()[1]
    else:
        server = ModbusSerialServer(context, framer=ModbusRtuFramer, port=args.rtu, baudrate=args.baud,
                                    bytesize=8, parity="N", stopbits=1, handler=SerialHandler,
                                    ignore_missing_slaves=True)
        for fn in CHECKED_FUNCTIONS:
            server.decoder.register(fn)
        await server.start()
        if server.transport is None:
            raise SystemExit("cannot open serial port %s" % args.rtu)
        ready["rtu"] = args.rtu
    if args.control:
        ctl = await asyncio.start_server(lambda r, w: control_client(r, w, dev, stop), *args.control)
        ready["control_port"] = ctl.sockets[0].getsockname()[1]
    tasks.append(asyncio.create_task(dev.run(stop)))

    if args.fail_after_s is not None:
        def fail():
            log("fail", mode=args.fail_mode, after_s=args.fail_after_s)
            if args.fail_mode == "exit":
                sys.stdout.flush()
                os._exit(3)  # pylint: disable=protected-access
            dev.failed = True
        loop.call_later(args.fail_after_s, fail)

    sys.stdout.write(json.dumps(ready) + "\n")
    sys.stdout.flush()
    await stop.wait()
    log("stopping")
    await server.shutdown()
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def main():
    args = parse_args()
    if args.dump_map:
        dump_map()
        return 0
    # pymodbus 3.0.0 calls logging.basicConfig() when pymodbus.constants is imported (root handler on stderr) and
    # logs every client disconnect and every exception reply at ERROR; keep stderr for our JSON lines.
    logging.getLogger("pymodbus").setLevel(logging.DEBUG if args.verbose else logging.CRITICAL)
    asyncio.run(amain(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
