/** The roster import as people see it: who a people file leaves out, and what they still hold. */

/** A person a people file leaves out, with their open orders (their schools', or issued by them) and planned visits. */
export interface DeactivationRow {
  code: string;
  name: string;
  role: string;
  orders: number;
  visits: number;
}
