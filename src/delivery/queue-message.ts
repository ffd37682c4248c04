/** What the outbox queue carries: the uuid of a row to deliver. Apart, so env.ts can type the binding without importing the outbox. */
export interface OutboxQueueMessage {
  uuid: string;
}
