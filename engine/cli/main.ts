#!/usr/bin/env node
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { UserError } from "../../models/lib/errors.js";
import { auditCommand } from "./audit-command.js";
import { batchCommand } from "./batch-command.js";
import { hilCommand } from "./hil-command.js";
import { mergeCommand } from "./merge-command.js";
import { profileCommand } from "./profile-command.js";
import { queryCommand } from "./query-command.js";
import { reportCommand } from "./report-command.js";
import { runCommand } from "./run-command.js";
import { schemaCommand } from "./schema-command.js";
import { serveCommand } from "./serve-command.js";
import { faultProxyCommand } from "./fault-proxy-command.js";
import { validateCommand } from "./validate-command.js";
import { describeFsError } from "../sinks/storage-error.js";

/**
 * dctwin's command line. A user mistake (bad file, bad option) prints its message and exits 2,
 * with no stack trace; anything else is a bug and prints its stack (exit 1).
 */
async function main(argv: string[]): Promise<void> {
  await yargs(argv)
    .scriptName("dctwin")
    .command(runCommand as any)
    .command(batchCommand as any)
    .command(mergeCommand as any)
    .command(validateCommand as any)
    .command(schemaCommand as any)
    .command(queryCommand as any)
    .command(reportCommand as any)
    .command(hilCommand as any)
    .command(profileCommand as any)
    .command(serveCommand as any)
    .command(faultProxyCommand as any)
    .command(auditCommand as any)
    .demandCommand(1, "name a command: run, batch, merge, validate, schema, query, report, hil, serve, fault-proxy, profile or audit")
    .strict()
    .fail((message, error) => {
      if (error) throw error;
      throw new UserError(message);
    })
    .help()
    .parseAsync();
}

// Output piped into a program that stops reading (`| head`): stop quietly, as Unix tools do.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

main(hideBin(process.argv)).catch((error: unknown) => {
  if (error instanceof UserError) {
    process.stderr.write(`dctwin: ${error.message}\n`);
    process.exit(2);
  }
  const fsError = describeFsError(error);
  if (fsError !== undefined) {
    process.stderr.write(`dctwin: ${fsError}\n`);
    process.exit(2);
  }
  process.stderr.write(`dctwin: internal error (please report): ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
