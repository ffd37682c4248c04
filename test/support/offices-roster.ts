import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { seedRoster } from "./roster.ts";
import type { TestWorker } from "./worker.ts";

/**
 * A small city with two district offices, for the walls between offices: 日照市督导室 (RZ, the top office) over
 * 东港区督导室 (DG) and 岚山区督导室 (LS). Each office has an admin and a manager; each district a zone, a
 * supervisor and a school (东港's with a contact); the city a city-level zone with its own school.
 */
export const OFFICES_ROSTER = {
  offices: `code,name,short_name,parent_code,district,digest_chat_id
RZ,日照市督导室,日照,,,
DG,东港区督导室,东港,RZ,东港区,
LS,岚山区督导室,岚山,RZ,岚山区,
`,
  zones: `code,name,level,district,lead_code
Z-C01,市第一责任区,city,,
Z-A01,东港第一责任区,district,东港区,
Z-B01,岚山第一责任区,district,岚山区,
`,
  people: `code,name,role,zone_code,school_code,mobile,email,open_id,lang,office_code
A000,市管理员,admin,,,,,ou_a_city,zh,RZ
M000,市科长,manager,,,,,ou_m_city,zh,RZ
A001,东港管理员,admin,,,,,ou_a_dg,zh,DG
M001,东港科长,manager,,,,,ou_m_dg,zh,DG
A002,岚山管理员,admin,,,,,ou_a_ls,zh,LS
M002,岚山科长,manager,,,,,ou_m_ls,zh,LS
S000,市督学,supervisor,Z-C01,,,,ou_s_city,zh,
S001,东港督学,supervisor,Z-A01,,,,ou_s_dg,zh,
S002,岚山督学,supervisor,Z-B01,,,,ou_s_ls,zh,
T001,东港联系人,school_contact,,X-A01,,,ou_t_dg,zh,
`,
  schools: `code,name,zone_code,supervisor_code,stage,ownership,address,visits_per_month
X-C01,日照市实验中学,Z-C01,S000,junior,public,市中心路1号,1
X-A01,东港第一小学,Z-A01,S001,primary,public,东港路1号,1
X-B01,岚山第一小学,Z-B01,S002,primary,public,岚山路1号,1
`,
};

export const OPEN_IDS = {
  cityAdmin: "ou_a_city",
  cityManager: "ou_m_city",
  dgAdmin: "ou_a_dg",
  dgManager: "ou_m_dg",
  lsAdmin: "ou_a_ls",
  lsManager: "ou_m_ls",
  dgSupervisor: "ou_s_dg",
  lsSupervisor: "ou_s_ls",
  dgContact: "ou_t_dg",
} as const;

/** Seeds OFFICES_ROSTER through the import's own parser and upserts. */
export async function seedOfficesRoster(worker: TestWorker): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "duxue-walls-"));
  try {
    for (const [kind, text] of Object.entries(OFFICES_ROSTER)) writeFileSync(join(dir, `${kind}.csv`), text);
    await seedRoster(worker, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
