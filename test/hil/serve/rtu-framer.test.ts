import { test } from "uvu";
import * as assert from "uvu/assert";
import { crc16Modbus, crcChecks } from "../../../hil/serve/rtu-crc.js";
import { createRtuFramer, LENGTH_BY_SILENCE, LENGTH_NEED_MORE, requestLengthAt, silenceMsFor, type RtuFramer } from "../../../hil/serve/rtu-framer.js";
import { rtuFrame } from "./rtu-fixture.js";

/** A framer at 115200 Bd (t3.5 = 1.75 ms) that records its frames as hex. */
function framer(joinWindowMs?: number): { f: RtuFramer; frames: string[] } {
  const frames: string[] = [];
  const f = createRtuFramer({
    silenceMs: 1.75,
    ...(joinWindowMs === undefined ? {} : { joinWindowMs }),
    onFrame: (frame, length) => frames.push(Buffer.from(frame.subarray(0, length)).toString("hex")),
  });
  return { f, frames };
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const cat = (...parts: Uint8Array[]) => Uint8Array.from(Buffer.concat(parts));
const READ = rtuFrame(1, 3, 0, 10, 0, 3); // FC3 unit 1, 3 registers from 10
const WRITE16 = rtuFrame(2, 16, 0, 100, 0, 2, 4, 0x12, 0x34, 0x56, 0x78); // FC16, 13 bytes
const BROADCAST = rtuFrame(0, 6, 0, 5, 0x01, 0x2c); // FC6 to unit 0

test("crc16Modbus matches the spec's example and crcChecks accepts only the right CRC", () => {
  assert.is(crc16Modbus(Uint8Array.of(1, 3, 0, 0, 0, 10), 0, 6), 0xcdc5);
  assert.is(hex(READ), "0103000a000325c9");
  assert.ok(crcChecks(READ, 0, 8));
  const bad = READ.slice();
  bad[7] ^= 1;
  assert.not.ok(crcChecks(bad, 0, 8));
});

test("silenceMsFor(line) is 3.5 characters of start + data + parity + stop bits, 1.75 ms above 19,200 Bd", () => {
  const rows: [number, 7 | 8, "none" | "even" | "odd", 1 | 2, number][] = [
    // baudRate, dataBits, parity, stopBits, expected t3.5 ms
    [1200, 8, "even", 1, (3.5 * 11 * 1000) / 1200], // 32.08 ms
    [9600, 8, "even", 1, 4.0104166],
    [9600, 8, "none", 1, 3.6458333], // 10 bits: 8N1 is not the spec's 11-bit character, but it is what the line carries
    [9600, 8, "none", 2, 4.0104166],
    [9600, 7, "odd", 1, 3.6458333],
    [9600, 7, "none", 1, 3.28125],
    [19200, 8, "even", 1, 2.0052083],
    [38400, 8, "even", 1, 1.75],
    [115200, 8, "none", 1, 1.75],
  ];
  for (const [baudRate, dataBits, parity, stopBits, ms] of rows) {
    const got = silenceMsFor({ baudRate, dataBits, parity, stopBits });
    assert.ok(Math.abs(got - ms) < 1e-6, `${baudRate} ${dataBits}${parity[0]}${stopBits}: ${got} != ${ms}`);
  }
});

test("requestLengthAt(buf) follows the function code and the byte count, and waits for the header", () => {
  const rows: [number[], number][] = [
    [[1], LENGTH_NEED_MORE],
    [[1, 1], 8], [[1, 2], 8], [[1, 3], 8], [[1, 4], 8], [[1, 5], 8], [[1, 6], 8],
    [[1, 7], 4], [[1, 11], 4], [[1, 12], 4], [[1, 17], 4],
    [[1, 8, 0], LENGTH_NEED_MORE], [[1, 8, 0, 0], LENGTH_BY_SILENCE], [[1, 8, 0, 10], 8],
    [[1, 15, 0, 0, 0, 9], LENGTH_NEED_MORE], [[1, 15, 0, 0, 0, 9, 2], 11],
    [[1, 16, 0, 0, 0, 2, 4], 13], [[1, 16, 0, 0, 0, 123, 246], 255],
    [[1, 20, 7], 12], [[1, 21, 14], 19],
    [[1, 22], 10],
    [[1, 23, 0, 0, 0, 1, 0, 0, 0, 2], LENGTH_NEED_MORE], [[1, 23, 0, 0, 0, 1, 0, 0, 0, 2, 4], 17],
    [[1, 24], 6],
    [[1, 43, 14], 7], [[1, 43, 13], LENGTH_BY_SILENCE],
    [[1, 65], LENGTH_BY_SILENCE], [[1, 0x83], LENGTH_BY_SILENCE],
  ];
  for (const [bytes, expected] of rows) assert.is(requestLengthAt(Uint8Array.from(bytes), 0, bytes.length), expected, bytes.join(" "));
  // From an offset inside a longer buffer.
  assert.is(requestLengthAt(cat(READ, WRITE16), 8, 21), 13);
});

test("feed(frame) emits a known-length request at once, without waiting for the silence", () => {
  const { f, frames } = framer();
  f.feed(READ, 0);
  assert.equal(frames, [hex(READ)]);
  assert.is(f.pending, 0);
  assert.is(f.idle(10), -1);
  assert.equal(f.stats, { frames: 1, crcErrors: 0, foreignFrames: 0, overruns: 0, droppedBytes: 0 });
});

test("feed(pieces) joins a frame split over several reads inside t3.5", () => {
  const { f, frames } = framer();
  const frame = WRITE16;
  f.feed(frame.subarray(0, 1), 0);
  f.feed(frame.subarray(1, 5), 0.5);
  f.feed(frame.subarray(5, 7), 1.0);
  assert.equal(frames, []);
  assert.is(f.idle(1.5), 1.75 - 0.5, "not silent yet: call again after the rest of t3.5");
  f.feed(frame.subarray(7), 1.6);
  assert.equal(frames, [hex(frame)]);
  assert.is(f.stats.droppedBytes, 0);
});

test("feed(pieces) joins a frame whose pieces are a USB packet apart (16 ms), because the joined CRC checks", () => {
  const { f, frames } = framer();
  f.feed(WRITE16.subarray(0, 6), 0);
  assert.ok(f.idle(2) > 0, "a partial frame of known length is kept through the silence");
  f.feed(WRITE16.subarray(6), 16);
  assert.equal(frames, [hex(WRITE16)]);
  assert.equal(f.stats, { frames: 1, crcErrors: 0, foreignFrames: 0, overruns: 0, droppedBytes: 0 });
});

test("idle(now) drops a partial frame once the join window has passed", () => {
  const { f, frames } = framer(20);
  f.feed(READ.subarray(0, 5), 0);
  assert.is(f.idle(2), 18, "kept: look again when the join window closes");
  assert.is(f.idle(20), -1);
  assert.is(f.pending, 0);
  f.feed(READ, 25);
  assert.equal(frames, [hex(READ)]);
  assert.is(f.stats.droppedBytes, 5);
});

test("feed(two frames) splits back-to-back frames inside one read (merged frames), and a run of 40 longer than 256 bytes", () => {
  const { f, frames } = framer();
  f.feed(cat(READ, WRITE16, READ), 0);
  assert.equal(frames, [hex(READ), hex(WRITE16), hex(READ)]);
  const many = cat(...Array.from({ length: 40 }, () => READ));
  f.feed(many, 5);
  assert.is(frames.length, 43);
  assert.is(f.pending, 0);
  assert.is(f.stats.overruns, 0);
});

test("feed(bad CRC) drops the frame at the next silence, then a good frame is emitted (resync)", () => {
  const { f, frames } = framer();
  const bad = READ.slice();
  bad[6] ^= 0xff;
  f.feed(bad, 0);
  assert.equal(frames, []);
  assert.is(f.pending, 8, "held until the silence: it might be a longer frame of another shape");
  assert.is(f.idle(2), -1);
  assert.is(f.stats.crcErrors, 1);
  f.feed(READ, 10);
  assert.equal(frames, [hex(READ)]);
  // Without the idle call: the silence is seen when the next bytes come.
  f.feed(bad, 20);
  f.feed(READ, 25);
  assert.equal(frames, [hex(READ), hex(READ)]);
  assert.equal(f.stats, { frames: 2, crcErrors: 2, foreignFrames: 0, overruns: 0, droppedBytes: 16 });
});

test("feed(bad CRC + good) without a silence between them: the request at the end is recovered at the silence", () => {
  const { f, frames } = framer();
  const bad = READ.slice();
  bad[7] ^= 0xff;
  f.feed(cat(bad, WRITE16), 0);
  assert.equal(frames, [], "nothing before the silence: the bytes might still be one frame");
  assert.is(f.idle(5), -1);
  assert.equal(frames, [hex(WRITE16)]);
  assert.is(f.stats.crcErrors, 1);
  assert.is(f.stats.droppedBytes, 8);
  // Another device's reply and the next request in one packet (a USB adapter's latency timer).
  f.feed(cat(rtuFrame(5, 3, 4, 0, 1, 0, 2), READ), 10);
  f.idle(15);
  assert.equal(frames, [hex(WRITE16), hex(READ)]);
  // Two garbage bytes and nothing whole after them: dropped.
  f.feed(cat(Uint8Array.of(9, 9), READ.subarray(0, 7)), 20);
  f.idle(25);
  assert.equal(frames, [hex(WRITE16), hex(READ)]);
});

test("feed(garbage), silence, feed(frame): the bytes after the silence start a new frame", () => {
  const { f, frames } = framer();
  // A partial FC16 header: kept for the join, which fails its CRC, so the new frame wins.
  f.feed(Uint8Array.of(1, 16, 0, 0), 0);
  f.feed(READ, 5);
  assert.equal(frames, [hex(READ)]);
  assert.is(f.stats.droppedBytes, 4);
  // A garbage prefix that claims a long frame: the new frame is complete first and wins at once.
  f.feed(Uint8Array.of(7, 16, 0, 0, 0, 100, 200), 10);
  f.feed(WRITE16, 15);
  assert.equal(frames, [hex(READ), hex(WRITE16)]);
  // Noise of no known function code is dropped at the silence.
  f.feed(Uint8Array.of(0xff, 0xfe, 0xfd, 0xfc, 0xfb), 20);
  f.feed(READ, 25);
  assert.equal(frames, [hex(READ), hex(WRITE16), hex(READ)]);
  assert.is(f.stats.droppedBytes, 4 + 7 + 5);
});

test("idle(now) ends a frame of unknown length at the silence, and only if its CRC checks", () => {
  const { f, frames } = framer();
  const custom = rtuFrame(1, 65, 1, 2, 3); // a user-defined function code
  f.feed(custom, 0);
  assert.equal(frames, []);
  assert.is(f.idle(1), 0.75);
  assert.is(f.idle(1.75), -1);
  assert.equal(frames, [hex(custom)]);
  const bad = custom.slice();
  bad[2] ^= 1;
  f.feed(bad, 10);
  assert.is(f.idle(12), -1);
  assert.equal(frames, [hex(custom)]);
  assert.is(f.stats.crcErrors, 1);
});

test("feed(reply of another device) counts a foreign frame and emits nothing", () => {
  const { f, frames } = framer();
  f.feed(rtuFrame(5, 3, 4, 0, 1, 0, 2), 0); // FC3 reply of unit 5: 9 bytes, not the 8 of a request
  f.feed(rtuFrame(5, 0x83, 2), 5); // an exception reply
  f.idle(10);
  assert.equal(frames, []);
  assert.is(f.stats.foreignFrames, 2);
  assert.is(f.stats.crcErrors, 0);
});

test("feed(300 bytes of noise) is an overrun: dropped until the next silence, then frames resume", () => {
  const { f, frames } = framer();
  const noise = new Uint8Array(300).fill(0x10); // FC16 with byte count 16 everywhere, never a good CRC
  f.feed(noise, 0);
  f.feed(READ, 1); // no silence: still part of the noise
  assert.equal(frames, []);
  assert.is(f.stats.overruns, 1);
  f.feed(READ, 5);
  assert.equal(frames, [hex(READ)]);
  assert.is(f.stats.droppedBytes, 308);
});

test("feed(broadcast) emits unit 0 like any unit: the server, not the framer, stays silent", () => {
  const { f, frames } = framer();
  f.feed(BROADCAST, 0);
  assert.equal(frames, [hex(BROADCAST)]);
  assert.is(frames[0]!.slice(0, 2), "00");
});

test("feed/idle over 3,000 seeded events (frames in random pieces, USB gaps, merged frames, garbage) emit exactly the frames sent", () => {
  let seed = 12345;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const int = (n: number) => Math.floor(rand() * n);
  const request = (): Uint8Array => {
    const unit = 1 + int(247);
    switch (int(6)) {
      case 0: return rtuFrame(unit, 3, int(256), int(256), 0, 1 + int(125));
      case 1: return rtuFrame(unit, 6, int(256), int(256), int(256), int(256));
      case 2: {
        const n = 1 + int(123);
        return rtuFrame(unit, 16, 0, int(256), 0, n, 2 * n, ...Array.from({ length: 2 * n }, () => int(256)));
      }
      case 3: {
        const n = 1 + int(121);
        return rtuFrame(unit, 23, 0, 0, 0, 1 + int(125), 0, int(256), 0, n, 2 * n, ...Array.from({ length: 2 * n }, () => int(256)));
      }
      case 4: return rtuFrame(unit, 43, 14, 1, 0);
      default: return rtuFrame(unit, 65, ...Array.from({ length: int(20) }, () => int(256))); // ends by silence only
    }
  };
  const sent: string[] = [];
  const { f, frames } = framer();
  let nowMs = 0;
  let due = -1; // when the server's timer would call idle()
  const advance = (toMs: number) => {
    while (due >= 0 && nowMs + due <= toMs) {
      nowMs += due;
      due = f.idle(nowMs);
    }
    nowMs = toMs;
  };
  const feed = (bytes: Uint8Array) => {
    f.feed(bytes, nowMs);
    due = f.pending > 0 ? f.idle(nowMs) : -1;
  };
  for (let e = 0; e < 3000; e++) {
    const kind = int(10);
    if (kind < 6) {
      // One request, in 1-4 pieces; known-length frames may have a USB-sized gap between pieces.
      const frame = request();
      sent.push(hex(frame));
      const pieces = frame[1] === 65 ? 1 : 1 + int(4);
      let at = 0;
      for (let p = 0; p < pieces; p++) {
        const end = p === pieces - 1 ? frame.length : Math.min(frame.length - 1, at + 1 + int(frame.length - at - 1));
        if (end <= at) continue;
        feed(frame.subarray(at, end));
        at = end;
        advance(nowMs + (int(3) === 0 ? 2 + int(15) : rand() * 1.5));
      }
    } else if (kind < 8) {
      // Two known-length requests back to back in one read.
      const a = rtuFrame(1 + int(247), 6, int(256), int(256), int(256), int(256));
      const b = rtuFrame(1 + int(247), 3, 0, int(256), 0, 1 + int(125));
      sent.push(hex(a), hex(b));
      feed(cat(a, b));
    } else {
      // Garbage, then at least a silence before the next request (as a master would leave after it).
      feed(Uint8Array.from({ length: 1 + int(30) }, () => int(256)));
    }
    advance(nowMs + 2 + (int(4) === 0 ? 150 : int(30))); // the silence between requests
  }
  advance(nowMs + 1000);
  assert.is(f.pending, 0);
  // Nothing invented and the order kept: the frames are the sent ones, minus any lost.
  let k = 0;
  for (const h of frames) {
    while (k < sent.length && sent[k] !== h) k++;
    assert.ok(k < sent.length, `emitted ${h}, which was not sent (or out of order)`);
    k++;
  }
  // A request is lost only when its first bytes happen to check as a whole frame at a silence (2^-16
  // per check): they are taken for another device's reply, the only source of foreign frames here.
  assert.is(sent.length - frames.length, f.stats.foreignFrames);
  assert.ok(f.stats.foreignFrames <= 2, `${f.stats.foreignFrames} of ${sent.length} lost`);
  assert.is(f.stats.overruns, 0);
});

test.run();
