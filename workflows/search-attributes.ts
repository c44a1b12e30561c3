import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Ticket number, for operators looking a ticket up in the Temporal UI. */
export const TicketNumberKey = defineSearchAttributeKey('TicketNumber', SearchAttributeType.INT);
/** Customer id. */
export const CustomerIdKey = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
/** Current priority. */
export const TicketPriorityKey = defineSearchAttributeKey('TicketPriority', SearchAttributeType.KEYWORD);
/** Current lifecycle status. */
export const TicketStatusKey = defineSearchAttributeKey('TicketStatus', SearchAttributeType.KEYWORD);
/** Support level (1 or 2). */
export const TicketLevelKey = defineSearchAttributeKey('TicketLevel', SearchAttributeType.INT);
/** Assigned agent. */
export const AssigneeKey = defineSearchAttributeKey('Assignee', SearchAttributeType.KEYWORD);
/** The next instant the workflow must act on. */
export const NextDueAtKey = defineSearchAttributeKey('NextDueAt', SearchAttributeType.DATETIME);

/** Every custom search attribute Orquesta uses; servers we start register them. */
export const ticketSearchAttributes = [
  TicketNumberKey,
  CustomerIdKey,
  TicketPriorityKey,
  TicketStatusKey,
  TicketLevelKey,
  AssigneeKey,
  NextDueAtKey,
];
