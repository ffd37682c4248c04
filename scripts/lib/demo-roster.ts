import { seededRandom } from "./seeded-random.ts";
/**
 * A realistic demo roster with generated names and a fixed seed: per city
 * 9 city zones + 70 district zones, 349 supervisors, about 1,750 schools,
 * 20 managers and a school contact for one school in five. Every person has
 * an open_id `ou_demo_<code>` so the local fake Feishu can address them.
 */

const SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤".split("");
const GIVEN = "建国 秀英 伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀兰 霞 平 刚 桂英 文 华 红 玉兰 海燕 志强 晓东 春梅 立新 建华 淑珍 国强 丽娟 晓燕 雪梅 振华".split(" ");
const CITY_NAMES = ["日照", "临沂", "潍坊", "青岛", "烟台", "威海", "济宁", "泰安", "淄博", "枣庄", "东营", "德州", "聊城", "滨州", "菏泽", "济南"];
const DISTRICT_SUFFIX = ["东港区", "岚山区", "五莲县", "莒县", "经开区", "高新区", "山海天", "北经济区", "南湖区", "西城区"];
const STAGES: [string, string, number][] = [
  ["kindergarten", "幼儿园", 30],
  ["primary", "小学", 35],
  ["junior", "中学", 15],
  ["senior", "高级中学", 7],
  ["nine_year", "九年一贯制学校", 6],
  ["twelve_year", "十二年一贯制学校", 2],
  ["vocational", "职业中专", 3],
  ["special", "特殊教育学校", 2],
];
const ORDINALS = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
const PLACES = "海曲 秦楼 新营 北京路 泰安路 烟台路 石臼 奎山 日照街 后村 西湖 三庄 河山 黄墩 碑廓 虎山 涛雒 陈疃 南湖 两城 卧龙 香河 朝阳 金海岸 望海 阳光 实验 育才 明德 文昌".split(" ");


const csvCell = (value: string | number) => {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};
const csv = (header: string[], rows: (string | number)[][]) => [header.join(","), ...rows.map((row) => row.map(csvCell).join(","))].join("\n") + "\n";

export interface DemoRoster {
  offices: string;
  zones: string;
  people: string;
  schools: string;
  counts: { offices: number; zones: number; supervisors: number; managers: number; contacts: number; schools: number };
}

export function generateDemoRoster(options: { cities?: number; seed?: number } = {}): DemoRoster {
  const cities = options.cities ?? 1;
  const random = seededRandom(options.seed ?? 2026);
  const pick = <T,>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const zones: (string | number)[][] = [];
  const people: (string | number)[][] = [];
  const schools: (string | number)[][] = [];
  const offices: (string | number)[][] = [];
  // One city: the city's office (RZ) over one office per district (RZ01…). A province: its office (SD) over each city's.
  if (cities > 1) offices.push(["SD", "省人民政府教育督导室", "省", "", "", ""]);
  let contacts = 0;
  const personName = () => pick(SURNAMES) + pick(GIVEN);

  for (let c = 0; c < cities; c++) {
    const city = CITY_NAMES[c % CITY_NAMES.length]!;
    const prefix = cities === 1 ? "" : `C${String(c + 1).padStart(2, "0")}`;
    const zoneCodes: string[] = [];
    const cityOffice = cities === 1 ? "RZ" : `${prefix}O`;
    offices.push([cityOffice, `${city}市人民政府教育督导室`, city, cities === 1 ? "" : "SD", "", ""]);
    DISTRICT_SUFFIX.forEach((suffix, d) => {
      const district = `${city}${suffix}`;
      offices.push([`${cityOffice}${String(d + 1).padStart(2, "0")}`, `${district}人民政府教育督导室`, suffix.replace(/[区县]$/, ""), cityOffice, district, cities === 1 ? `oc_demo_office_${d + 1}` : ""]);
    });
    for (let z = 0; z < 79; z++) {
      const isCity = z < 9;
      const code = `${prefix}Z${String(z + 1).padStart(3, "0")}`;
      const district = isCity ? "" : `${city}${DISTRICT_SUFFIX[z % DISTRICT_SUFFIX.length]}`;
      zoneCodes.push(code);
      zones.push([code, isCity ? `${city}市第${z + 1}责任区` : `${district}第${Math.floor((z - 9) / DISTRICT_SUFFIX.length) + 1}责任区`, isCity ? "city" : "district", district, ""]);
    }
    // 349 supervisors over 79 zones: 4 or 5 per zone.
    const supervisorsByZone = new Map<string, string[]>();
    for (let s = 0; s < 349; s++) {
      const zone = zoneCodes[s % zoneCodes.length]!;
      const code = `${prefix}S${String(s + 1).padStart(4, "0")}`;
      supervisorsByZone.set(zone, [...(supervisorsByZone.get(zone) ?? []), code]);
      const lang = s % 50 === 7 ? "en" : "zh";
      people.push([code, lang === "en" ? `Supervisor ${s + 1}` : personName(), "supervisor", zone, "", `139${String(c).padStart(2, "0")}${String(s + 1).padStart(6, "0")}`, "", `ou_demo_${code}`, lang, ""]);
    }
    zones.forEach((zone) => {
      if (zone[0]!.toString().startsWith(prefix)) zone[4] = supervisorsByZone.get(String(zone[0]))?.[0] ?? "";
    });
    // M001 the admin and M002 a manager of the city's office; M003…M012 one manager per district office; the rest the city's.
    for (let m = 0; m < 20; m++) {
      const code = `${prefix}M${String(m + 1).padStart(3, "0")}`;
      const office = m >= 2 && m < 2 + DISTRICT_SUFFIX.length ? `${cityOffice}${String(m - 1).padStart(2, "0")}` : cityOffice;
      people.push([code, personName(), m === 0 ? "admin" : "manager", "", "", `138${String(c).padStart(2, "0")}${String(m + 1).padStart(6, "0")}`, "", `ou_demo_${code}`, "zh", office]);
    }
    // About 1,750 schools: 5 per supervisor, one in seven with 4 and one in seven with 6.
    let schoolNumber = 0;
    let supervisorIndex = 0;
    const nameCount = new Map<string, number>();
    for (const [zone, supervisors] of supervisorsByZone) {
      for (const supervisor of supervisors) {
        const count = 5 + (supervisorIndex % 7 === 3 ? 1 : 0) - (supervisorIndex % 7 === 0 ? 1 : 0);
        supervisorIndex++;
        for (let k = 0; k < count; k++) {
          schoolNumber++;
          const code = `${prefix}X${String(schoolNumber).padStart(4, "0")}`;
          let roll = random() * 100;
          const stage = STAGES.find(([, , weight]) => (roll -= weight) < 0) ?? STAGES[1]!;
          const place = pick(PLACES);
          const base = `${city}市${place}${stage[1]}`;
          const seen = (nameCount.get(base) ?? 0) + 1;
          nameCount.set(base, seen);
          const name = seen === 1 ? base : `${city}市${place}第${ORDINALS[seen] ?? seen}${stage[1]}`;
          const ownership = stage[0] === "kindergarten" && random() < 0.5 ? "private" : random() < 0.08 ? "private" : "public";
          schools.push([code, name, zone, supervisor, stage[0], ownership, `${city}市${place}路${schoolNumber}号`, schoolNumber % 25 === 0 ? 2 : 1]);
          if (schoolNumber % 5 === 0) {
            contacts++;
            const contactCode = `${prefix}T${String(schoolNumber).padStart(4, "0")}`;
            people.push([contactCode, personName(), "school_contact", "", code, `137${String(c).padStart(2, "0")}${String(schoolNumber).padStart(6, "0")}`, "", `ou_demo_${contactCode}`, "zh", ""]);
          }
        }
      }
    }
  }
  return {
    offices: csv(["code", "name", "short_name", "parent_code", "district", "digest_chat_id"], offices),
    zones: csv(["code", "name", "level", "district", "lead_code"], zones),
    people: csv(["code", "name", "role", "zone_code", "school_code", "mobile", "email", "open_id", "lang", "office_code"], people),
    schools: csv(["code", "name", "zone_code", "supervisor_code", "stage", "ownership", "address", "visits_per_month"], schools),
    counts: { offices: offices.length, zones: zones.length, supervisors: 349 * cities, managers: 20 * cities, contacts, schools: schools.length },
  };
}
