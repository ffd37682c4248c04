import type { Messages } from "../../i18n/index.ts";
import { card, escapeMarkdown, markdown, type Card } from "./kit.ts";

/** The one welcome a person gets the first time they open the bot's chat: who they are, what they will do, the menu. */
export function welcomeCard(t: Messages, person: { name: string; role: string; roleName: string; place: string }): Card {
  const elements = [markdown(escapeMarkdown(t.foundation.welcomeWho(person.name, person.roleName, person.place)))];
  const todo = t.foundation.welcomeDo[person.role];
  if (todo) elements.push(markdown(todo));
  elements.push(markdown(t.foundation.welcomeMenu));
  return card({ title: t.foundation.welcomeTitle, elements });
}
