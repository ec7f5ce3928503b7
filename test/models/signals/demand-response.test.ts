import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  createDemandResponseSchedule,
  demandResponseIndexAt,
  demandResponseReductionAt,
  validateDemandResponseEvents,
  type DemandResponseEvent,
} from "../../../models/signals/demand-response.js";

const ok: DemandResponseEvent[] = [
  { id: "evening", startS: 7200, durationS: 3600, reductionW: 2e6, noticeS: 900 },
  { id: "morning", startS: 600, durationS: 1800, reductionW: 1e6, noticeS: 0 },
];

test("validateDemandResponseEvents(events) accepts well-formed events and returns no issue", () => {
  assert.equal(validateDemandResponseEvents(ok, 86_400), []);
});

test("validateDemandResponseEvents(events) names the path, value and expectation of every bad field", () => {
  const bad = [
    { id: "", startS: -1, durationS: 0, reductionW: -5, noticeS: NaN },
    { id: "x", startS: 90_000, durationS: 60, reductionW: 1e6, noticeS: 0 },
    { id: "x", startS: 100, durationS: 60, reductionW: 1e6, noticeS: 0 },
  ] as DemandResponseEvent[];
  const issues = validateDemandResponseEvents(bad, 86_400, "scenario.demandResponse");
  assert.equal(
    issues.map((i) => i.path),
    [
      "scenario.demandResponse[0].id",
      "scenario.demandResponse[0].startS",
      "scenario.demandResponse[0].durationS",
      "scenario.demandResponse[0].reductionW",
      "scenario.demandResponse[0].noticeS",
      "scenario.demandResponse[1].startS",
      "scenario.demandResponse[2].id",
    ],
  );
  assert.is(issues[1]!.value, -1);
  assert.match(issues[5]!.expected, /before the horizon/);
  assert.match(issues[6]!.expected, /used by scenario.demandResponse\[1\]/);
});

test("validateDemandResponseEvents(events) refuses overlapping reduction windows", () => {
  const issues = validateDemandResponseEvents([
    { id: "a", startS: 0, durationS: 100, reductionW: 1e6, noticeS: 0 },
    { id: "b", startS: 99, durationS: 10, reductionW: 1e6, noticeS: 0 },
    { id: "c", startS: 109, durationS: 10, reductionW: 1e6, noticeS: 0 },
  ]);
  assert.is(issues.length, 1);
  assert.is(issues[0]!.path, "demandResponse[1].startS");
  assert.match(issues[0]!.expected, /at or after 100 s/);
});

test("demandResponseIndexAt / ReductionAt: announced from start − notice, reducing during [start, start + duration)", () => {
  const s = createDemandResponseSchedule(ok);
  assert.equal(s.ids, ["morning", "evening"]);
  const rows: ReadonlyArray<{ tS: number; index: number; reductionW: number }> = [
    { tS: 0, index: -1, reductionW: 0 }, // morning has no notice: it appears at its start
    { tS: 600, index: 0, reductionW: 1e6 },
    { tS: 2399, index: 0, reductionW: 1e6 },
    { tS: 2400, index: -1, reductionW: 0 },
    { tS: 6299, index: -1, reductionW: 0 },
    { tS: 6300, index: 1, reductionW: 0 }, // evening announced (900 s notice)
    { tS: 7200, index: 1, reductionW: 2e6 },
    { tS: 10_800, index: -1, reductionW: 0 },
  ];
  for (const row of rows) {
    assert.is(demandResponseIndexAt(s, row.tS), row.index, `index at ${row.tS} s`);
    assert.is(demandResponseReductionAt(s, row.tS), row.reductionW, `reduction at ${row.tS} s`);
  }
  assert.throws(() => createDemandResponseSchedule([{ ...ok[0]!, durationS: -1 }]), /durationS/);
});

test.run();
