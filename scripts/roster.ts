import { importRoster } from "./lib/import-roster.ts";

/**
 * npm run roster -- import <folder|roster.xlsx> [--remote] [--deactivate]
 * Imports offices.csv, zones.csv, people.csv and schools.csv, or an Excel roster (format: README, "Roster files").
 */
const [command, folder, ...flags] = process.argv.slice(2);
if (command !== "import" || !folder) {
  console.error("usage: npm run roster -- import <folder|roster.xlsx> [--remote] [--deactivate]");
  process.exit(2);
}
const report = await importRoster(folder, { remote: flags.includes("--remote") }, flags.includes("--en") ? "en" : "zh", { deactivate: flags.includes("--deactivate") });
for (const line of report.lines) console.log(line);
process.exit(report.ok ? 0 : 1);
