import { existsSync } from "node:fs";
import type { Argv } from "yargs";
import { UserError } from "../../models/lib/errors.js";
import { verifyAudit } from "../audit/verify-audit.js";
import { openReadOnly } from "./query-command.js";

/**
 * `dctwin audit verify FILE [--run ID]`: checks the decision audit's hash chain of every run (or
 * one) in a results DuckDB file. Exit 0 when every chain is intact, 1 when one is broken (the first
 * broken row of each run is named), 2 for a user mistake (no such file, not a results file, an
 * unknown run).
 */
export const auditCommand = {
  command: "audit <action> <database>",
  describe: "check the decision audit's hash chain in a results DuckDB file (exit 0 intact, 1 broken)",
  builder: (y: Argv) =>
    y
      .positional("action", { type: "string", choices: ["verify"], describe: "verify: recompute every run's chain", demandOption: true })
      .positional("database", { type: "string", describe: "DuckDB results file", demandOption: true })
      .option("run", { type: "string", describe: "only this run id" })
      .option("wait", { type: "number", default: 0, describe: "seconds to keep trying while another process (a run) is writing the file" }),
  handler: async (argv: { action: string; database: string; run?: string; wait: number }) => {
    if (!existsSync(argv.database)) throw new UserError(`${argv.database}: no such file`);
    if (!(argv.wait >= 0 && argv.wait <= 86_400)) throw new UserError(`--wait: got ${argv.wait}, expected seconds from 0 to 86400`);
    const db = await openReadOnly(argv.database, argv.wait);
    const con = await db.connect();
    try {
      const runs = await verifyAudit(con, argv.database, argv.run);
      let broken = 0;
      for (const r of runs) {
        if (r.broken === undefined) {
          console.log(`${r.runId}: intact, ${r.rows} decisions, head ${r.head}`);
        } else {
          broken++;
          const b = r.broken;
          const where = b.seq < r.rows ? `row seq ${b.seq} (t_s ${b.tS}, controller ${b.controller})` : `after row seq ${b.seq - 1}`;
          console.log(`${r.runId}: BROKEN at ${where}: ${b.problem}`);
        }
      }
      if (runs.length === 0) console.log(`${argv.database}: no runs`);
      console.log(broken === 0 ? `audit intact: ${runs.length} run(s)` : `audit broken: ${broken} of ${runs.length} run(s)`);
      if (broken > 0) process.exitCode = 1;
    } finally {
      con.closeSync();
      db.closeSync();
    }
  },
};
