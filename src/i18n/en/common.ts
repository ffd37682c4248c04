import type { common as zh } from "../zh/common.ts";

export const common: typeof zh = {
  roles: { supervisor: "Supervisor", manager: "Manager", school_contact: "School contact", admin: "Administrator" },
  zoneLevels: { city: "city", district: "district" },
  notRegistered: (adminHint: string) =>
    `Hello! You are not on Duxue's roster yet, so the bot cannot serve you. Please ask the supervision office's manager to add you${adminHint}.`,
  notAllowed: (command: string) => `Sorry, only managers may use "${command}". Send "help" to see the commands you can use.`,
  unknownCommand: (text: string, suggestion: string | null) =>
    suggestion ? `There is no command "${text}". Did you mean "${suggestion}"? Send "help" for all commands.` : `There is no command "${text}". Send "help" for all commands.`,
  groupOnly: "Please use this command in a direct chat with the bot.",
  internalError: (ref: string) => `Sorry, something went wrong. Please try again later; if you need help, give the manager this reference: ${ref}.`,
  unsupportedMessage: 'The bot understands text commands, roster files (CSV) and photos. Send "help" for all commands.',
  sentPrivately: "Sent to you in a direct message.",
  inputTooLong: "What you entered is too long; please shorten it and submit again.",
  cardExpired: "This card is out of date. Send the command again for a fresh card.",
  cardStranger: "This card was not sent to you, so you cannot act on it.",
  none: "none",
  and: ", ",
  notRegisteredWithId: (openId: string) =>
    `Hello! You are not on Duxue's roster yet, so the bot cannot serve you. Your open_id is: ${openId}\nSend it to the supervision office's manager: once they add you to the roster (or add it to ADMIN_OPEN_IDS) you can use the bot. The bot will not answer your other messages today.`,
  tooManyMessages: (perMinute: number) => `You are sending too fast (at most ${perMinute} messages a minute); please try again in a minute. Your other messages this minute get no answer.`,
  deferred: (ref: string) => `Sorry, the system is busy right now. Your message has been received and will be handled and answered automatically shortly; no need to send it again. Reference: ${ref}.`,
};
