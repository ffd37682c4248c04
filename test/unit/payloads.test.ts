import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cardActionSchema, envelopeSchema, messageReceivedSchema, urlVerificationSchema } from "../../src/feishu/payloads.ts";

/** The documented payload shapes (test/fixtures/feishu, copied from the shared fixtures) parse with our schemas. */
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/feishu/${name}`, import.meta.url), "utf8"));

describe("Feishu payload schemas", () => {
  it("accept the url_verification challenge", () => {
    expect(urlVerificationSchema.parse(fixture("url_verification.json")).challenge).toBe("ajls384kdjx98XX");
  });

  it.each(["im.message.receive_v1.p2p_text.json", "im.message.receive_v1.group_mention.json", "im.message.receive_v1.p2p_file.json"])(
    "accept %s",
    (name) => {
      const envelope = envelopeSchema.parse(fixture(name));
      expect(envelope.header.event_type).toBe("im.message.receive_v1");
      const event = messageReceivedSchema.parse(envelope.event);
      expect(event.message.message_id).toMatch(/^om_/);
      expect(event.sender.sender_id.open_id).toMatch(/^ou_/);
    },
  );

  it.each(["card.action.trigger.button.json", "card.action.trigger.form_submit.json"])("accept %s", (name) => {
    const envelope = envelopeSchema.parse(fixture(name));
    const action = cardActionSchema.parse(envelope.event);
    expect(action.operator.open_id).toMatch(/^ou_/);
    expect(typeof action.action.value?.action).toBe("string");
  });

  it("keep a form's values in Feishu's shapes", () => {
    const action = cardActionSchema.parse(envelopeSchema.parse(fixture("card.action.trigger.form_submit.json")).event);
    expect(action.action.form_value).toMatchObject({ visit_date: "2026-12-01 +0800", methods: ["class_observation", "walkthrough"], fixed_on_spot: false });
  });
});
