import { TOPICS } from '@incentive/events';

/** Product topic names: the canonical list lives in `@incentive/events`. */
export { TOPICS };

export type TopicKey = keyof typeof TOPICS;
export type TopicNames = { readonly [K in TopicKey]: string };

/** The product topics with an optional prefix (e.g. `staging.`), for shared clusters and tests. */
export function topicNames(prefix = ''): TopicNames {
  if (prefix !== '' && !/^[a-zA-Z0-9._-]+$/.test(prefix)) {
    throw new Error(`topic prefix: "${prefix}" may only contain letters, digits, '.', '_' and '-'`);
  }
  const out = {} as Record<TopicKey, string>;
  for (const key of Object.keys(TOPICS) as TopicKey[]) out[key] = `${prefix}${TOPICS[key]}`;
  return out;
}
