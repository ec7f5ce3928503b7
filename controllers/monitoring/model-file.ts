import { fromDataText } from "../../engine/scenario/from-data-text.js";
import { INPUT_LIMITS } from "../../engine/scenario/input-limits.js";
import { invalidInput, type Issue } from "../../models/lib/errors.js";
import { inductiveModelOf, type InductiveModel } from "./inductive-model.js";

/**
 * A trained inductive model as a JSON file, so a model trained on one nominal run is used by later
 * runs (and by the same controller against the hall over the HIL port):
 *
 *   { "format": "dctwin-inductive-model", "version": 1, "features": ["inletC", ...],
 *     "mean": [...], "sd": [...], "centres": [[...], ...], "tauFast": 2.1, "tauPersist": 2.6,
 *     "trainedOn": 4320, "trainedFrom": "scenarios/hall-row-c-heat-spike.yaml, first 30 min" }
 *
 * Reading checks every field and reports every problem at once, each with its field path, the
 * value and what was expected; fields are read one by one, so nothing from the file reaches an
 * object prototype. Pure: the caller reads and writes the file.
 */
export const MODEL_FORMAT = "dctwin-inductive-model";
export const MODEL_VERSION = 1;

/** The model as JSON text (numbers as JavaScript prints them: they read back exactly). */
export function inductiveModelToJson(model: InductiveModel, trainedFrom: string): string {
  const f = model.features.length;
  const centres = Array.from({ length: model.k }, (_, c) => Array.from(model.centres.subarray(c * f, (c + 1) * f)));
  return `${JSON.stringify(
    {
      format: MODEL_FORMAT,
      version: MODEL_VERSION,
      features: model.features,
      mean: Array.from(model.mean),
      sd: Array.from(model.sd),
      centres,
      tauFast: model.tauFast,
      tauPersist: model.tauPersist,
      trainedOn: model.trainedOn,
      trainedFrom,
    },
    null,
    2,
  )}\n`;
}

/** Reads a model file's text; `source` names it in messages. Throws a UserError listing every problem. */
export function inductiveModelFromJson(text: string, source: string): InductiveModel {
  const data = fromDataText(text, "json", source, INPUT_LIMITS);
  const issues: Issue[] = [];
  const bad = (path: string, value: unknown, expected: string) => issues.push({ path, value, expected });
  if (data === null || typeof data !== "object" || Array.isArray(data)) throw invalidInput(source, [{ path: "", value: data, expected: `an object with "format": "${MODEL_FORMAT}"` }]);
  const field = (name: string): unknown => (Object.hasOwn(data, name) ? (data as Record<string, unknown>)[name] : undefined);
  for (const key of Object.keys(data)) {
    if (!["format", "version", "features", "mean", "sd", "centres", "tauFast", "tauPersist", "trainedOn", "trainedFrom"].includes(key)) bad(key, field(key), "no such field (known: format, version, features, mean, sd, centres, tauFast, tauPersist, trainedOn, trainedFrom)");
  }
  if (field("format") !== MODEL_FORMAT) bad("format", field("format"), `"${MODEL_FORMAT}"`);
  if (field("version") !== MODEL_VERSION) bad("version", field("version"), `${MODEL_VERSION} (the version this dctwin reads)`);
  const features = field("features");
  let f = 0;
  if (!Array.isArray(features) || features.length === 0 || !features.every((x) => typeof x === "string" && x.length > 0)) {
    bad("features", features, "a non-empty list of feature names");
  } else if (new Set(features).size !== features.length) {
    bad("features", features, "names used once each");
  } else {
    f = features.length;
  }
  const numbers = (name: string, length: number, positive: boolean): Float64Array => {
    const v = field(name);
    if (!Array.isArray(v) || (length > 0 && v.length !== length)) {
      bad(name, v, `a list of ${length > 0 ? length : "the features'"} numbers, one per feature`);
      return new Float64Array(0);
    }
    v.forEach((x, i) => {
      if (typeof x !== "number" || !Number.isFinite(x) || (positive && !(x > 0))) bad(`${name}[${i}]`, x, positive ? "a number > 0" : "a finite number");
    });
    return Float64Array.from(v as number[]);
  };
  const mean = numbers("mean", f, false);
  const sd = numbers("sd", f, true);
  const rawCentres = field("centres");
  const centres: number[] = [];
  if (!Array.isArray(rawCentres) || rawCentres.length === 0) {
    bad("centres", rawCentres, "a non-empty list of centres, each a list of numbers (one per feature)");
  } else {
    rawCentres.forEach((c, i) => {
      if (!Array.isArray(c) || c.length !== f) return bad(`centres[${i}]`, c, `a list of ${f} numbers`);
      c.forEach((x, j) => {
        if (typeof x !== "number" || !Number.isFinite(x)) bad(`centres[${i}][${j}]`, x, "a finite number");
        centres.push(x as number);
      });
    });
  }
  const tauFast = field("tauFast");
  const tauPersist = field("tauPersist");
  if (typeof tauFast !== "number" || !(tauFast > 0) || !Number.isFinite(tauFast)) bad("tauFast", tauFast, "a number > 0");
  if (typeof tauPersist !== "number" || !Number.isFinite(tauPersist) || !(typeof tauFast === "number" && tauPersist >= tauFast)) bad("tauPersist", tauPersist, "a number ≥ tauFast");
  const trainedOn = field("trainedOn");
  if (!Number.isInteger(trainedOn) || (trainedOn as number) < 2) bad("trainedOn", trainedOn, "an integer ≥ 2 (nominal vectors trained on)");
  const trainedFrom = field("trainedFrom");
  if (trainedFrom !== undefined && typeof trainedFrom !== "string") bad("trainedFrom", trainedFrom, "text");
  if (issues.length > 0) throw invalidInput(source, issues);
  return inductiveModelOf({
    features: features as string[],
    mean,
    sd,
    centres: Float64Array.from(centres),
    k: centres.length / f,
    tauFast: tauFast as number,
    tauPersist: tauPersist as number,
    trainedOn: trainedOn as number,
  });
}
