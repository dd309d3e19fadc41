import type { Consumer } from 'kafkajs';

/** A consumer's group membership and liveness, as health and readiness endpoints report them. */
export interface GroupMembership {
  /** In the group with partitions assigned (false while rebalancing, stopped or crashed). */
  joined: boolean;
  /** Crashed and kafkajs will not restart it. */
  crashed: boolean;
  /** Last heartbeat, fetch or batch start (liveness: a stuck consumer stops moving it). */
  lastActivityMs: number;
  /** Group joins so far (rebalances the member went through, plus one). */
  joins: number;
}

/** The logger slice used (`@incentive/platform`'s `Logger` fits). */
export interface MembershipLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface TrackGroupMembershipDeps {
  log: MembershipLogger;
  /** After every join: e.g. caches of partition-owned state may be stale. */
  onJoin?: (() => void) | undefined;
  /** A crash; `restart` false means kafkajs gave up on this consumer. */
  onCrash?: ((err: unknown, restart: boolean) => void) | undefined;
}

/**
 * Keeps a consumer's `GroupMembership` up to date from kafkajs's instrumentation events. Returns the
 * live object (copy it out to report it; its owner may also set `joined = false` once it has
 * stopped the consumer) and `touch`, for activity the events do not show (a retry loop that
 * heartbeats by hand).
 */
export function trackGroupMembership(consumer: Pick<Consumer, 'on' | 'events'>, deps: TrackGroupMembershipDeps): { membership: GroupMembership; touch: () => void } {
  const membership: GroupMembership = { joined: false, crashed: false, lastActivityMs: Date.now(), joins: 0 };
  const touch = () => {
    membership.lastActivityMs = Date.now();
  };
  consumer.on(consumer.events.HEARTBEAT, touch);
  consumer.on(consumer.events.FETCH_START, touch);
  consumer.on(consumer.events.START_BATCH_PROCESS, touch);
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    touch();
    membership.joined = true;
    membership.crashed = false;
    membership.joins += 1;
    deps.onJoin?.();
    deps.log.info({ memberId: e.payload.memberId, assignment: e.payload.memberAssignment }, 'joined consumer group');
  });
  const left = () => {
    membership.joined = false;
  };
  consumer.on(consumer.events.REBALANCING, left);
  consumer.on(consumer.events.STOP, left);
  consumer.on(consumer.events.CRASH, (e) => {
    membership.joined = false;
    membership.crashed = !e.payload.restart;
    deps.log.error({ err: e.payload.error, restart: e.payload.restart }, 'consumer crashed');
    deps.onCrash?.(e.payload.error, e.payload.restart);
  });
  return { membership, touch };
}
