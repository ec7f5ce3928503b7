import fc from "fast-check";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { fromScenario } from "../../../engine/scenario/from-scenario.js";
import { UserError } from "../../../models/lib/errors.js";

/**
 * Jobs are user input like the rest of a scenario: whatever their fields hold, loading ends in a
 * scenario or in a UserError whose every issue names a path under jobs (or the controller that
 * refers to them), never another error, and nothing reaches an object prototype.
 */
const ODD: unknown[] = [null, true, 0, -1, 1e21, Number.NaN, "", "x", "1h", "-1h", "200kms", [], {}, ["A1"], "all", "row:A", "A1-A4", "Z9", 72, 100, 144, "__proto__", { __proto__: { polluted: 1 } }];
const field = fc.oneof(fc.constantFrom(...ODD), fc.integer({ min: -1000, max: 10_000 }), fc.string({ maxLength: 8 }));
const job = fc.record(
  {
    id: fc.oneof(fc.constantFrom("a", "b", "job-1", "Bad Id", ""), field),
    kind: fc.oneof(fc.constantFrom("training", "fine-tuning", "inference-batch", "data-processing", "cooking"), field),
    racks: field,
    gpus: field,
    work: field,
    earliestStart: field,
    deadline: field,
    deferralWindow: field,
    urgency: fc.oneof(fc.constantFrom("urgent", "normal", "flexible"), field),
    carbonCap: field,
    maxPrice: field,
    announce: field,
    util: field,
  },
  { requiredKeys: [] },
);

test("any jobs: a scenario or a UserError naming jobs fields, nothing else", () => {
  fc.assert(
    fc.property(fc.array(job, { maxLength: 4 }), fc.boolean(), (jobs, scheduled) => {
      const data = {
        name: "fuzz",
        horizon: "1h",
        hall: { rows: 1, racksPerRow: 4 },
        startTime: "2020-01-14T00:00:00Z",
        signals: { port: { marketPeriod: "30min", price: { kind: "static", values: [50] }, carbon: { kind: "static", values: [100] } } },
        jobs,
        controllers: scheduled ? [{ kind: "carbon-aware-scheduler", id: "s" }] : [],
      };
      try {
        const s = fromScenario(data, "fuzz.yaml");
        assert.ok(s.jobs.every((j) => j.racks.length > 0 && (j.gpus ?? 0) > 0));
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        for (const issue of error.issues) assert.ok(/^(jobs(\[\d+\])?|controllers\[0\])/.test(issue.path), `${issue.path}: ${issue.expected}`);
      }
      assert.is(({} as Record<string, unknown>).polluted, undefined);
    }),
    { numRuns: 400, seed: 13 },
  );
});

test.run();
