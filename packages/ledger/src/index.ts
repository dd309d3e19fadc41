export {
  COUPON_ALPHABET,
  COUPON_BODY_LENGTH,
  COUPON_ENTROPY_BITS,
  COUPON_RANDOM_LENGTH,
  checkCouponCode,
  compactCouponCode,
  createCouponCodeGenerator,
} from './coupon-code.js';
export type { CouponCodeCheck, CouponCodeGenerator, GeneratedCode, RandomSource } from './coupon-code.js';
export { EMPTY_HEAD, GENESIS_HASH, canonicalEntry, chainEntry, entryHash, entrySlotId, verifyChain } from './hash-chain.js';
export type { ChainBreak, ChainFields, ChainHead, ChainedEntry, EntryLink, EntryType } from './hash-chain.js';
export { createModels, ensureLedgerIndexes, isDuplicateKey, orderSlotId } from './models.js';
export type {
  CouponDoc,
  CouponStatus,
  GiftOrderDoc,
  LedgerModels,
  OrderClawback,
  OrderEarn,
  OrderExpire,
  OrderSlotType,
  OrderPointsDoc,
  PointsEntryDoc,
  RedemptionDoc,
  RedemptionReason,
  RewardDoc,
  RewardStatus,
  WalletDoc,
} from './models.js';
export { toChainedEntry, verifyLedger } from './verify-ledger.js';
export type { LedgerVerification } from './verify-ledger.js';
export { getWalletView } from './wallet-view.js';
export type { WalletView } from './wallet-view.js';
export { connectLedger } from './connect.js';
export type { LedgerConnectionOptions } from './connect.js';
