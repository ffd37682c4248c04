import { describe, expect, it } from "vitest";
import { deliveryAlertCard } from "../../src/feishu/cards/delivery-alert-card.ts";
import { cardMessageBodyBytes, checkCard, countCardElements, MAX_CARD_BODY_BYTES, MAX_CARD_ELEMENTS } from "../../src/feishu/conformance.ts";
import { messages } from "../../src/i18n/index.ts";
import { summarise } from "../../src/usecases/delivery-alerts.ts";

const dead = (id: number, lastError: string, personName: string | null = null, receiveId: string | null = `ou_${id}`) => ({ id, lastError, personName, receiveId, updatedAt: 0, office: "" });

describe("the admins' delivery alert", () => {
  it("counts the dead by cause and names each person outside the availability range once", () => {
    const alert = summarise([
      dead(3, "feishu 400 code 230013: Bot has NO availability to this user.", "李秀英"),
      dead(9, "feishu 400 code 230013: Bot has NO availability to this user.", "李秀英"),
      dead(4, "feishu 400 code 230013: Bot has NO availability to this user.", null, "ou_not_in_roster"),
      dead(5, "expired: feishu 500 code 1: internal error"),
      dead(6, "unsure: network: The operation was aborted due to timeout"),
      dead(7, "feishu 400 code 230001: invalid receive_id"),
    ]);
    expect(alert).toEqual({
      total: 6,
      unavailable: { count: 3, names: ["李秀英", "ou_not_in_roster"] },
      expired: 1,
      unsure: 1,
      rejected: { count: 1, sample: "feishu 400 code 230001: invalid receive_id" },
      maxId: 9,
    });
  });

  it("at its largest (hundreds of people, every cause, markdown in names) is a card Feishu accepts, in both languages", () => {
    const rows = Array.from({ length: 500 }, (_, i) => dead(i + 1, "feishu 400 code 230013: Bot has NO availability to this user.", `*张_${i}*[x](y)`));
    rows.push(dead(600, "expired: feishu 500"), dead(601, "unsure: network: lost"), dead(602, `feishu 400 code 230099: ${"坏".repeat(400)}`));
    for (const lang of ["zh", "en"] as const) {
      const built = deliveryAlertCard(messages(lang), summarise(rows));
      expect(checkCard(built), lang).toEqual([]);
      expect(countCardElements(built)).toBeLessThanOrEqual(MAX_CARD_ELEMENTS);
      expect(cardMessageBodyBytes(built)).toBeLessThanOrEqual(MAX_CARD_BODY_BYTES);
      const text = JSON.stringify(built);
      expect(text).toContain(lang === "zh" ? "等 480 人" : "and 480 more");
      expect(text).not.toContain("*张_0*");
    }
  });
});
