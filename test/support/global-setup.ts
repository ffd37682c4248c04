import { buildWorker } from "./build.ts";

export default function setup() {
  buildWorker();
}
