import { Log, LogLevel, Miniflare } from "miniflare";
import { fileURLToPath } from "node:url";
import { migrationStatements } from "../test/support/build.ts";
import { rosterUpserts } from "../src/db/roster-sql.ts";
import { SchoolCalendar } from "../src/domain/calendar.ts";
import { planWeek, type PlannerInput, type PlanSchool, type PlanSupervisor, type StoredAssignment } from "../src/domain/planner.ts";
import { addWeeks } from "../src/domain/time.ts";
import { buildServices } from "../src/services.ts";
import { weeklyPlan } from "../src/jobs/weekly-plan.ts";
import type { Bindings } from "../src/env.ts";
import { seededRandom } from "../scripts/lib/seeded-random.ts";

/**
 * Planning benchmark: pure planner CPU time for the demo city (9 city + 70 district zones, 349 supervisors,
 * ~1,750 schools) and a province (16 such cities), rosters generated in memory with a fixed seed; and the D1
 * statements one Monday `weekly_plan` run issues for the city (real local D1 through Miniflare, counted at the
 * binding). Run alone: `node bench/planner.ts`.
 */


interface Roster {
  zones: { code: string; level: "city" | "district" }[];
  supervisors: (PlanSupervisor & { name: string })[];
  schools: (PlanSchool & { name: string })[];
}

/** One city: 9 city + 70 district zones, 349 supervisors spread over them, ~5 schools each (3–7), 1 in 10 with 2 visits a month. */
export function generateRoster(cities = 1, seed = 20261130): Roster {
  const random = seededRandom(seed);
  const roster: Roster = { zones: [], supervisors: [], schools: [] };
  for (let c = 0; c < cities; c++) {
    const prefix = `C${String(c + 1).padStart(2, "0")}`;
    const zones = Array.from({ length: 79 }, (_, i) => ({ code: `${prefix}Z${String(i + 1).padStart(2, "0")}`, level: (i < 9 ? "city" : "district") as "city" | "district" }));
    roster.zones.push(...zones);
    for (let s = 0; s < 349; s++) {
      const code = `${prefix}S${String(s + 1).padStart(3, "0")}`;
      const zone = zones[s % zones.length]!.code;
      roster.supervisors.push({ code, zoneCode: zone, name: `督学${code}` });
      const count = 3 + Math.floor(random() * 5);
      for (let k = 0; k < count; k++) {
        const schoolCode = `${code}-${k + 1}`;
        roster.schools.push({ code: schoolCode, name: `学校${schoolCode}`, zoneCode: zone, supervisorCode: code, visitsPerMonth: random() < 0.1 ? 2 : 1 });
      }
    }
  }
  return roster;
}

const MONTH_START = "2027-W09"; // 2027-03-01, a Monday
const MEASURED = addWeeks(MONTH_START, 2);

/** Planner input for the month's third week, with the first two weeks planned before (as the job would have stored them). */
function inputFor(roster: Roster): PlannerInput {
  const calendar = new SchoolCalendar([{ kind: "term", name: "春季学期", startDate: "2027-02-22", endDate: "2027-07-09" }]);
  const base: PlannerInput = {
    week: MONTH_START,
    schools: roster.schools,
    supervisors: roster.supervisors,
    calendar,
    assignments: [],
    leaves: roster.supervisors.filter((_, i) => i % 50 === 0).map((s) => ({ personCode: s.code, fromDate: "2027-03-15", toDate: "2027-03-19" })),
    orders: roster.schools.filter((_, i) => i % 97 === 0).map((s, i) => ({ orderId: i + 1, schoolCode: s.code, dueDate: "2027-03-05", status: "issued", lastFollowUpVisit: null, followUpPlanned: false })),
    specialTopics: { "2027-03": ["校园安全"] },
    maxVisitsPerWeek: 2,
  };
  const stored: StoredAssignment[] = [];
  for (let week = MONTH_START; week < MEASURED; week = addWeeks(week, 1)) {
    const result = planWeek({ ...base, week, assignments: stored });
    stored.push(...result.assignments, ...result.carriedOver);
  }
  return { ...base, week: MEASURED, assignments: stored };
}

function cpuMs(run: () => void, repeat: number): { median: number; visits: number } {
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const start = process.cpuUsage();
    run();
    const used = process.cpuUsage(start);
    times.push((used.user + used.system) / 1000);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, visits: 0 };
}

function measurePlanner(cities: number, repeat: number) {
  const roster = generateRoster(cities);
  const input = inputFor(roster);
  let visits = 0;
  for (let i = 0; i < 3; i++) visits = planWeek(input).assignments.length; // warm up
  const { median } = cpuMs(() => planWeek(input), repeat);
  return { roster, median, visits };
}

/** Seeds a local D1 with the city roster and runs the Monday job once, counting the D1 statements it issues. */
async function measureQueries(roster: Roster): Promise<{ statements: number; roundTrips: number; visits: string }> {
  const mf = new Miniflare({ modules: true, script: "export default { fetch() { return new Response('') } }", d1Databases: { DB: "bench-planner" }, cf: false, log: new Log(LogLevel.WARN) });
  try {
    const d1 = await mf.getD1Database("DB");
    for (const statement of migrationStatements()) await d1.prepare(statement).run();
    const now = Date.UTC(2027, 2, 1);
    const zoneRows = roster.zones.map((z) => ({ code: z.code, name: z.code, level: z.level, district: z.level === "city" ? "" : "区", leadCode: null }));
    const people = roster.supervisors.map((s, i) => ({
      code: s.code, name: s.name, role: "supervisor", zoneCode: s.zoneCode, schoolCode: null, mobile: null, email: null, openId: `ou_bench_${i}`, lang: "zh",
    }));
    const schools = roster.schools.map((s) => ({ ...s, stage: "primary", ownership: "public", address: `地址${s.code}` }));
    for (const [kind, rows] of [["zones", zoneRows], ["people", people], ["schools", schools]] as const)
      for (const upsert of rosterUpserts(kind, rows as never, now)) await d1.prepare(upsert.sql).bind(...upsert.params).run();

    const counter = { statements: 0, roundTrips: 0 };
    const wrapStatement = (real: D1PreparedStatement): D1PreparedStatement =>
      new Proxy(real, {
        get(target, prop) {
          if (prop === "__real") return target;
          if (prop === "bind") return (...args: unknown[]) => wrapStatement(target.bind(...args));
          if (prop === "first" || prop === "all" || prop === "run" || prop === "raw")
            return (...args: unknown[]) => {
              counter.statements++;
              counter.roundTrips++;
              return (target[prop] as (...a: unknown[]) => unknown)(...args);
            };
          return Reflect.get(target, prop);
        },
      });
    const counting = {
      prepare: (sql: string) => wrapStatement(d1.prepare(sql)),
      batch: (statements: D1PreparedStatement[]) => {
        counter.statements += statements.length;
        counter.roundTrips++;
        return d1.batch(statements.map((s) => (s as unknown as { __real?: D1PreparedStatement }).__real ?? s));
      },
      exec: (sql: string) => d1.exec(sql),
    } as unknown as D1Database;
    const env = {
      DB: counting,
      OUTBOX: { sendBatch: async () => undefined, send: async () => undefined },
      FEISHU_APP_ID: "cli_bench",
      FEISHU_APP_SECRET: "secret",
      FEISHU_VERIFICATION_TOKEN: "token",
      TIMEZONE: "Asia/Shanghai",
    } as unknown as Bindings;
    const services = buildServices(env, now, "bench");
    const outcome = await weeklyPlan.run(services);
    await services.uow.commit();
    return { ...counter, visits: outcome };
  } finally {
    await mf.dispose();
  }
}

export async function benchPlanner(): Promise<{ name: string; value: string }[]> {
  const city = measurePlanner(1, 15);
  const province = measurePlanner(16, 5);
  const queries = await measureQueries(city.roster);
  const cards = /cards=(\d+)/.exec(queries.visits)?.[1] ?? "?";
  const visits = /visits=(\d+)/.exec(queries.visits)?.[1] ?? "?";
  return [
    {
      name: `planner CPU, city week (${city.roster.supervisors.length} supervisors, ${city.roster.schools.length} schools)`,
      value: `${city.median.toFixed(1)} ms (median of 15; ${city.visits} new visits)`,
    },
    {
      name: `planner CPU, province week (${province.roster.supervisors.length} supervisors, ${province.roster.schools.length} schools)`,
      value: `${province.median.toFixed(1)} ms (median of 5; ${province.visits} new visits)`,
    },
    {
      name: "D1 statements, one weekly_plan run (city, first week of a month)",
      value: `${queries.statements} statements in ${queries.roundTrips} round trips (${visits} visits, ${cards} cards)`,
    },
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const row of await benchPlanner()) console.log(`${row.name}: ${row.value}`);
}
