/**
 * The nameplate tests' roster: the city office and 东港's (each with its public telephone, 监督电话), a district
 * zone and a city zone, 东港's manager and a supervisor in each zone; the schools are the test's own.
 */
export function nameplateRoster(schools: string): Record<string, string> {
  return {
    offices: `code,name,short_name,parent_code,district,digest_chat_id,监督电话
RZ,日照市督导室,日照,,,,0633-1234567
DG,东港区督导室,东港,RZ,东港区,,0633-7654321
`,
    zones: `code,name,level,district,lead_code
Z-A01,东港第一责任区,district,东港区,
Z-C01,市第一责任区,city,,
`,
    people: `code,name,role,zone_code,school_code,mobile,email,open_id,lang,office_code
M001,东港科长,manager,,,,,ou_m_dg,zh,DG
S001,李督学,supervisor,Z-A01,,13900001111,li@example.org,ou_sup_a,zh,
S002,王督学,supervisor,Z-C01,,13900002222,,ou_sup_b,zh,
`,
    schools: `code,name,zone_code,supervisor_code,stage,ownership,address,visits_per_month
${schools.trim()}
`,
  };
}
