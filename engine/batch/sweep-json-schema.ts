/**
 * The sweep file format as JSON Schema (draft 2020-12), for editors that complete and check sweep
 * files, built from the scenario's JSON Schema so the two cannot drift apart.
 *
 * The field paths of `set`, `grid` and `zip` (`hall.rows`, `controllers[0].floor`) are keys that
 * JSON Schema can only match by pattern: every path the scenario has becomes one anchored pattern
 * (`^controllers\[[0-9]+\]\.floor$`) whose value is checked against the scenario's schema at that
 * path (`set`), or is a non-empty list of such values (`grid`, each `zip` group). A path that sits in
 * several variants of a union (`controllers[0].floor` is in two controller kinds) takes any of
 * their schemas. Paths are walked the way `pathSpecError` (field-path.ts) walks the spec: object
 * fields, a union's `kind` and the fields of each variant, list items (`[i]`) of lists and of
 * string lists.
 *
 * The scenario schema is embedded under `$defs.scenario` rather than referenced as
 * `scenario.schema.json#...`: editors have long resolved relative references between local schema
 * files unreliably, and a schema that stands alone works wherever it is opened.
 *
 * What it cannot say (dctwin's validator still does): that a list index exists in the base, that a
 * path is on one axis only, that a zip group's lists have one length.
 *
 * Example: toSweepJsonSchema(scenarioSchema).$defs.axes.patternProperties["^hall\\.rows$"]
 * is { type: "array", minItems: 1, items: { $ref: "#/$defs/scenario/properties/hall/properties/rows" } }.
 */
export function toSweepJsonSchema(scenarioSchema: Record<string, unknown>): Record<string, unknown> {
  // Embedded as a subschema, the scenario schema drops its `$schema` (a root-only keyword).
  const scenario: Record<string, unknown> = { ...scenarioSchema };
  delete scenario.$schema;
  const paths = new Map<string, PathValues>();
  walkChildren(scenario, "#/$defs/scenario", "", paths);
  const valueOf = (refs: string[]): Record<string, unknown> => (refs.length === 1 ? { $ref: refs[0] } : { anyOf: refs.map(($ref) => ({ $ref })) });
  const setValues: Record<string, unknown> = {};
  const axisValues: Record<string, unknown> = {};
  for (const [pattern, { refs }] of paths) {
    setValues[pattern] = valueOf(refs);
    axisValues[pattern] = { type: "array", minItems: 1, items: valueOf(refs) };
  }
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "dctwin sweep",
    description: "A batch of runs: a base scenario and axes over its field paths (docs/scenario-format.md#sweep-files)",
    type: "object",
    additionalProperties: false,
    required: ["name", "base"],
    properties: {
      name: { description: "the batch name: run ids are <name>-<index>", type: "string", pattern: "^[a-z][a-z0-9-]*$" },
      description: { description: "what the sweep compares", type: "string" },
      base: { description: "the base scenario file, relative to this file", type: "string" },
      set: {
        description: "field path → value, applied to every run (e.g. a shorter horizon)",
        type: "object",
        additionalProperties: false,
        patternProperties: setValues,
      },
      grid: { description: "field path → list of values: a cartesian product, first path outermost", $ref: "#/$defs/axes" },
      zip: {
        description: "groups of paths varied together, item by item (lists of one length within a group); each group is one more axis",
        type: "array",
        items: { $ref: "#/$defs/axes" },
      },
      replicates: { description: "seeds per combination (replicate 0 keeps the scenario's seed)", type: "integer", minimum: 1, maximum: 10_000, default: 1 },
    },
    $defs: {
      axes: { description: "field path → non-empty list of values", type: "object", additionalProperties: false, patternProperties: axisValues },
      scenario,
    },
  };
}

type SchemaNode = Record<string, unknown>;
/** The schemas a path's value may take, as JSON pointers into the sweep schema. */
interface PathValues {
  refs: string[];
  schemas: Set<string>;
}

const isNode = (value: unknown): value is SchemaNode => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Records `node` as a value of `pattern` (once per distinct schema: the `id` of ten controller
 * kinds is one schema, not ten), then its children.
 */
function visit(node: SchemaNode, pointer: string, pattern: string, out: Map<string, PathValues>): void {
  const anchored = `^${pattern}$`;
  const values = out.get(anchored) ?? { refs: [], schemas: new Set<string>() };
  const text = JSON.stringify(node);
  if (!values.schemas.has(text)) {
    values.schemas.add(text);
    values.refs.push(pointer);
  }
  out.set(anchored, values);
  walkChildren(node, pointer, pattern, out);
}

/** The paths one step below `node`: its properties, its list items, and those of its alternatives. */
function walkChildren(node: SchemaNode, pointer: string, pattern: string, out: Map<string, PathValues>): void {
  if (isNode(node.properties)) {
    for (const [key, child] of Object.entries(node.properties)) {
      if (isNode(child)) visit(child, `${pointer}/properties/${escapePointer(key)}`, `${pattern === "" ? "" : `${pattern}\\.`}${escapeRegExp(key)}`, out);
    }
  }
  if (isNode(node.items)) visit(node.items, `${pointer}/items`, `${pattern}\\[[0-9]+\\]`, out);
  // A union's variants and a string list's two forms: their fields are paths at the same level.
  for (const key of ["oneOf", "anyOf"] as const) {
    const alternatives = node[key];
    if (!Array.isArray(alternatives)) continue;
    for (let i = 0; i < alternatives.length; i++) {
      const alternative: unknown = alternatives[i];
      if (isNode(alternative)) walkChildren(alternative, `${pointer}/${key}/${i}`, pattern, out);
    }
  }
}

/** RFC 6901: `~` and `/` inside a key. */
function escapePointer(key: string): string {
  return key.replaceAll("~", "~0").replaceAll("/", "~1");
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
}
