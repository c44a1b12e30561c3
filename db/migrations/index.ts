import type { Migration } from 'kysely';
import * as initial from './20261122_0001_initial';
import * as lifecycle from './20261122_0002_lifecycle';
import * as api from './20261122_0004_api';
import * as queueIndexes from './20261122_0005_queue_indexes';
import * as outboxTicketIndex from './20261122_0006_outbox_ticket_index';
import * as security from './20261122_0007_security';
import * as reliability from './20261127_0008_reliability';
import * as ticketPresence from './20261127_0012_ticket_presence';
import * as staffAccounts from './20261127_0013_staff_accounts';
import * as portal from './20261127_0014_portal';
import * as attachments from './20261127_0015_attachments';
import * as cannedReplies from './20261127_0016_canned_replies';
import * as search from './20261127_0017_search';
import * as managerEdits from './20261127_0018_manager_edits';
import * as policySource from './20261127_0019_policy_source';
import * as searchPlans from './20261128_0021_search_plans';
import * as idempotencyScope from './20261128_0501_idempotency_scope';
import * as searchWords from './20261128_0502_search_words';
import * as searchLongIndex from './20261128_0701_search_long_index';
import * as searchFilterIndex from './20261128_0901_search_filter_index';
import * as searchQueueIndexes from './20261128_0902_search_queue_indexes';

/**
 * Every migration, listed explicitly and named by timestamp so bundlers and readers see the order.
 * Add new ones at the end; never edit one that has landed.
 */
export const migrations: Record<string, Migration> = {
  '20261122_0001_initial': initial,
  '20261122_0002_lifecycle': lifecycle,
  '20261122_0004_api': api,
  '20261122_0005_queue_indexes': queueIndexes,
  '20261122_0006_outbox_ticket_index': outboxTicketIndex,
  '20261122_0007_security': security,
  '20261127_0008_reliability': reliability,
  '20261127_0012_ticket_presence': ticketPresence,
  '20261127_0013_staff_accounts': staffAccounts,
  '20261127_0014_portal': portal,
  '20261127_0015_attachments': attachments,
  '20261127_0016_canned_replies': cannedReplies,
  '20261127_0017_search': search,
  '20261127_0018_manager_edits': managerEdits,
  '20261127_0019_policy_source': policySource,
  '20261128_0021_search_plans': searchPlans,
  '20261128_0501_idempotency_scope': idempotencyScope,
  '20261128_0502_search_words': searchWords,
  '20261128_0701_search_long_index': searchLongIndex,
  '20261128_0901_search_filter_index': searchFilterIndex,
  '20261128_0902_search_queue_indexes': searchQueueIndexes,
};
