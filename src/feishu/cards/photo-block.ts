/** Photos in cards: one block (a heading and one image component) that any card can append. */
import type { Messages } from "../../i18n/index.ts";
import { button, card, markdown, plainText, type Card, type CardElement } from "./kit.ts";

/**
 * A heading and the images: one `img` for a single photo, else one `img_combination`
 * (bisect: up to 6, trisect: up to 9; its `img_list` entries are not tagged elements).
 * `total` may exceed the images shown (photos whose image key could not be had).
 */
export function photoBlock(t: Messages, imageKeys: readonly string[], total: number): CardElement[] {
  if (total === 0) return [];
  const elements: CardElement[] = [markdown(t.photos.heading(total))];
  const shown = imageKeys.slice(0, 9);
  if (shown.length === 1) {
    elements.push({ tag: "img", img_key: shown[0], alt: plainText(t.photos.addedTitle), scale_type: "fit_horizontal", preview: true });
  } else if (shown.length > 1) {
    elements.push({
      tag: "img_combination",
      combination_mode: shown.length === 2 ? "double" : shown.length <= 6 && shown.length % 3 !== 0 ? "bisect" : "trisect",
      corner_radius: "4px",
      img_list: shown.map((img_key) => ({ img_key })),
    });
  }
  if (shown.length < total) elements.push(markdown(t.photos.unavailable(total - shown.length)));
  return elements;
}

/** Appends the photo block to a card (a new card object; the input is left as it was). */
export function withPhotos(base: Card, t: Messages, imageKeys: readonly string[], total: number): Card {
  const block = photoBlock(t, imageKeys, total);
  return block.length ? { ...base, body: { ...base.body, elements: [...base.body.elements, ...block] } } : base;
}

/** The answer to one batch of photos: its lines, then the photos of the place they went to. */
export function photosAddedCard(t: Messages, lines: readonly string[], imageKeys: readonly string[], total: number): Card {
  return withPhotos(card({ title: t.photos.addedTitle, template: "green", elements: [markdown(lines.join("\n"))] }), t, imageKeys, total);
}

export interface ChoiceOption {
  kind: "report" | "order";
  id: number;
  label: string;
}

/** Held photos: the sender's recent reports and open orders as buttons; a click attaches the photos to it. */
export function choosePlaceCard(t: Messages, count: number, reports: readonly ChoiceOption[], orders: readonly ChoiceOption[], extraLines: readonly string[]): Card {
  const optionButton = (option: ChoiceOption): CardElement =>
    button({ text: option.label, value: { action: "photo_attach", kind: option.kind, id: option.id } });
  const elements: CardElement[] = [markdown([t.photos.chooseIntro(count), ...extraLines].join("\n"))];
  if (reports.length) elements.push(markdown(t.photos.chooseReports), ...reports.map(optionButton));
  if (orders.length) elements.push(markdown(t.photos.chooseOrders), ...orders.map(optionButton));
  return card({ title: t.photos.chooseTitle, template: "wathet", elements });
}
