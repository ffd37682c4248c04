import { z } from "zod";

/** A numeric id in a card value: a positive integer or its decimal string; never an array, a boolean or "12abc". */
export const cardId = z.union([z.number().int().positive(), z.string().regex(/^[1-9]\d{0,14}$/).transform(Number)]);
