/**
 * `status.notifications` of an Application: what the notification queue delivered, so a
 * restarted controller does not send the same revision and state again (the latest per
 * provider and event).
 */
import { z } from 'zod';

export const DeliveredSchema = z.object({
  provider: z.string().describe('namespace/name of the NotificationProvider.'),
  event: z.string().describe('The event, or the commit state posted (pending, success, failure).'),
  key: z.string().describe('What identifies this occurrence: the revision (or revision@time for drift).'),
  at: z.string().describe('When it was delivered.'),
});
export type Delivered = z.infer<typeof DeliveredSchema>;

/** Entries kept at most (providers × events of one app). */
export const MAX_DELIVERED = 64;
