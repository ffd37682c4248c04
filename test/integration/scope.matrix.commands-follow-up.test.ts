import { describe } from "vitest";
import { scopeMatrix } from "../support/scope-matrix.ts";

/** The scope matrix (test/support/scope-matrix.ts): the lists, the school file, digests, stats, exports, the roster, and an order's extension, close, reopen and cancel. */
describe("the scope matrix, follow-up commands: each × every kind of person × A, B and the city", () => {
  scopeMatrix(import.meta.url);
});
