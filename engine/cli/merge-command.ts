import type { Argv } from "yargs";
import { SIMULATION_TABLES } from "../simulation.js";
import { mergePartitions } from "../sinks/parquet-partitions.js";

export const mergeCommand = {
  command: "merge <dir>",
  describe: "combine the Parquet partitions of sharded batches in <dir> into one DuckDB file",
  builder: (y: Argv) =>
    y
      .positional("dir", { type: "string", describe: "the shared --out-dir of the shards", demandOption: true })
      .option("out", { type: "string", demandOption: true, describe: "DuckDB file to write (replaced)" })
      .option("batch", { type: "string", describe: "merge only this batch" }),
  handler: async (argv: { dir: string; out: string; batch?: string }) => {
    const { runs, rows } = await mergePartitions(argv.dir, argv.out, SIMULATION_TABLES, argv.batch);
    console.log(`merged ${runs} run(s) into ${argv.out}: ${[...rows].map(([t, n]) => `${t} ${n.toLocaleString("en")}`).join(", ")} rows`);
  },
};
