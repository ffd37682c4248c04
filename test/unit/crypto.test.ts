import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { constantTimeEqual, decryptFeishu, encryptFeishu, feishuSignature } from "../../src/feishu/crypto.ts";
import { encryptLikeFeishu } from "../support/feishu-signing.ts";

const vectors = JSON.parse(readFileSync(new URL("../fixtures/feishu/crypto-vectors.json", import.meta.url), "utf8"));

describe("Feishu crypto", () => {
  it("decrypts the documented AES example", async () => {
    const { encrypt_key, encrypt, plaintext } = vectors.aes_docs_example;
    expect(await decryptFeishu(encrypt_key, encrypt)).toBe(plaintext);
  });

  it("computes the documented signature over the raw body", async () => {
    const v = vectors.signature_example;
    expect(await feishuSignature(v.timestamp, v.nonce, v.encrypt_key, new TextEncoder().encode(v.raw_body))).toBe(v.signature);
  });

  it("round-trips with Node's crypto in both directions", async () => {
    const text = '{"hello":"督学"}';
    expect(await decryptFeishu("k", encryptLikeFeishu("k", text))).toBe(text);
    expect(await decryptFeishu("k", await encryptFeishu("k", text))).toBe(text);
  });

  it("refuses a wrong key or a tampered ciphertext", async () => {
    const sealed = encryptLikeFeishu("right", '{"a":1}');
    await expect(decryptFeishu("wrong", sealed)).rejects.toThrow();
    const bytes = Buffer.from(sealed, "base64");
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    await expect(decryptFeishu("right", bytes.toString("base64"))).rejects.toThrow();
    await expect(decryptFeishu("right", "short")).rejects.toThrow();
  });

  it("compares tokens exactly", () => {
    expect(constantTimeEqual("abc", "abc")).toBe(true);
    expect(constantTimeEqual("abc", "abd")).toBe(false);
    expect(constantTimeEqual("abc", "abcd")).toBe(false);
    expect(constantTimeEqual("", "a")).toBe(false);
  });
});
