/**
 * JavaScript source for entry modules that wrap the bundle (TestWorker's `wrapEntry`): `wrapDb(db, hooks)`
 * returns a facade over the D1 binding that sees every statement's SQL.
 * - `hooks.onQuery(sqls)`: called for each call that reaches the database (one statement, or a batch's);
 * - `hooks.beforeBatch(db, sqls)`: awaited before a batch runs, with the real binding.
 */
export const D1_FACADE = `
function wrapStatement(real, sql, hooks) {
  const run = (method) => (...args) => { hooks.onQuery?.([sql]); return real[method](...args); };
  return {
    __real: real,
    __sql: sql,
    bind: (...args) => wrapStatement(real.bind(...args), sql, hooks),
    first: run("first"),
    all: run("all"),
    run: run("run"),
    raw: run("raw"),
  };
}
function wrapDb(db, hooks) {
  return {
    prepare: (sql) => wrapStatement(db.prepare(sql), sql, hooks),
    batch: async (statements) => {
      const sqls = statements.map((s) => s.__sql);
      hooks.onQuery?.(sqls);
      await hooks.beforeBatch?.(db, sqls);
      return db.batch(statements.map((s) => s.__real ?? s));
    },
    exec: (sql) => { hooks.onQuery?.([sql]); return db.exec(sql); },
    dump: () => db.dump(),
  };
}
`;
