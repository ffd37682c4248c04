import { relative } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The files that take longest, longest first, with the seconds each took in a fresh-clone CI run (2 files at a time;
 * the scope matrix parts in a run of their four files). A hint for the order only: nothing fails if it is out of date.
 */
export const LONGEST_FILES: Record<string, number> = {
  "test/browser/simulator.test.ts": 41,
  "test/integration/delivery.outage.test.ts": 33,
  "test/integration/scope.matrix.commands-orders.test.ts": 22,
  "test/integration/walls.private.security.test.ts": 21,
  "test/integration/ingress.fuzz.test.ts": 20,
  "test/integration/scope.matrix.actions.test.ts": 19,
  "test/integration/scope.matrix.commands-follow-up.test.ts": 19,
  "test/integration/delivery.faults.test.ts": 15,
  "test/integration/orders.deadlines.test.ts": 14,
  "test/integration/scope.matrix.commands-planning.test.ts": 14,
  "test/integration/photos.retention.test.ts": 11,
  "test/integration/nameplate.public.security.test.ts": 11,
  "test/integration/planning.error.test.ts": 10,
  "test/integration/documents.orders.test.ts": 9,
};

/**
 * Longest files first, so that the two workers finish together. Vitest's own order runs the longest first only when
 * its cache (node_modules/.vite/vitest) knows every file's duration; a fresh clone has no cache and is run largest
 * source file first, which put the long files that are small (the scope matrix parts) last. So while any file has
 * no cached result, the files of LONGEST_FILES go first, longest first, then the others in Vitest's order.
 */
export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const ordered = await super.sort(files);
    const root = this.ctx.config.root;
    const path = (file: TestSpecification) => relative(root, file.moduleId).replaceAll("\\", "/");
    if (files.every((file) => this.ctx.cache.getFileTestResults(`${file.project.name}:${path(file)}`))) return ordered;
    const seconds = (file: TestSpecification) => LONGEST_FILES[path(file)] ?? 0;
    // a stable sort: the files not named keep Vitest's order
    return ordered.toSorted((a, b) => seconds(b) - seconds(a));
  }
}
