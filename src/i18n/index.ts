import { common as enCommon } from "./en/common.ts";
import { delivery as enDelivery } from "./en/delivery.ts";
import { foundation as enFoundation } from "./en/foundation.ts";
import { roster as enRoster } from "./en/roster.ts";
import { orders as enOrders } from "./en/orders.ts";
import { reports as enReports } from "./en/reports.ts";
import { planning as enPlanning } from "./en/planning.ts";
import { digest as enDigest } from "./en/digest.ts";
import { exports as enExports } from "./en/exports.ts";
import { offices as enOffices } from "./en/offices.ts";
import { photos as enPhotos } from "./en/photos.ts";
import { schools as enSchools } from "./en/schools.ts";
import { stats as enStats } from "./en/stats.ts";
import { excel as enExcel } from "./en/excel.ts";
import { common as zhCommon } from "./zh/common.ts";
import { delivery as zhDelivery } from "./zh/delivery.ts";
import { foundation as zhFoundation } from "./zh/foundation.ts";
import { roster as zhRoster } from "./zh/roster.ts";
import { orders as zhOrders } from "./zh/orders.ts";
import { reports as zhReports } from "./zh/reports.ts";
import { planning as zhPlanning } from "./zh/planning.ts";
import { digest as zhDigest } from "./zh/digest.ts";
import { exports as zhExports } from "./zh/exports.ts";
import { offices as zhOffices } from "./zh/offices.ts";
import { photos as zhPhotos } from "./zh/photos.ts";
import { schools as zhSchools } from "./zh/schools.ts";
import { stats as zhStats } from "./zh/stats.ts";
import { excel as zhExcel } from "./zh/excel.ts";

/**
 * Every user-facing string, one file per feature under zh/ and en/.
 * Chinese is the reference; the English files are typed against it.
 */
const zh = { common: zhCommon, delivery: zhDelivery, foundation: zhFoundation, roster: zhRoster, orders: zhOrders, reports: zhReports, planning: zhPlanning, digest: zhDigest, exports: zhExports, offices: zhOffices, photos: zhPhotos, schools: zhSchools, stats: zhStats, excel: zhExcel };
export type Messages = typeof zh;
const en: Messages = { common: enCommon, delivery: enDelivery, foundation: enFoundation, roster: enRoster, orders: enOrders, reports: enReports, planning: enPlanning, digest: enDigest, exports: enExports, offices: enOffices, photos: enPhotos, schools: enSchools, stats: enStats, excel: enExcel };

export type Lang = "zh" | "en";

export function messages(lang: Lang | string | null | undefined): Messages {
  return lang === "en" ? en : zh;
}
