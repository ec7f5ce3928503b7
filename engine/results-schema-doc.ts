import { runsTable } from "./sinks/runs-table.js";
import type { TableSpec } from "./sinks/sink.js";
import { RUN_TABLES } from "./tables.js";

const SQL_TYPE = { f64: "DOUBLE", f32: "FLOAT", i32: "INTEGER", utf8: "VARCHAR" } as const;

/**
 * The results schema as Markdown, generated from the table specs (docs/results-schema.md embeds it
 * between `<!-- results-schema -->` markers, and a test checks the two agree).
 */
export function resultsSchemaMarkdown(tables: readonly TableSpec[] = [runsTable, ...RUN_TABLES]): string {
  return tables
    .map((t) => {
      const rows = [
        "| column | type | unit | meaning |",
        "|---|---|---|---|",
        "| `run_id` | VARCHAR | | run identifier; joins every table to `runs` |",
        ...t.columns.map((c) => `| \`${c.name}\` | ${SQL_TYPE[c.type]} | ${c.unit} | ${c.description} |`),
      ];
      return `**\`${t.name}\`**: ${t.description}.\n\n${rows.join("\n")}\n`;
    })
    .join("\n");
}
