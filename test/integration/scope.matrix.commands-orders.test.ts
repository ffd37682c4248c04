import { describe } from "vitest";
import { scopeMatrix } from "../support/scope-matrix.ts";

/** The scope matrix (test/support/scope-matrix.ts): the commands that issue an order, a notice, a bulletin or a rectification, and show them. */
describe("the scope matrix, order commands: each × every kind of person × A, B and the city", () => {
  scopeMatrix(import.meta.url);
});
