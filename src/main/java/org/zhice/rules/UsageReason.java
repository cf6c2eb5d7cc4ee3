package org.zhice.rules;

/**
 * Why a usage event does not count (spec §4). Checked in declaration order; an event gets at
 * most one, the first that applies. The names are the spec's codes, written as they are.
 */
public enum UsageReason {
    /** An earlier event in file order has the same {@code (provider_uscc, event_id)}. */
    DUPLICATE_EVENT,
    /** No contract line {@code (contract_id, sku)}, or the line's provider differs. */
    UNKNOWN_CONTRACT_LINE,
    /** Starts before the contract's first day or ends after the end of its last day. */
    OUTSIDE_CONTRACT_TERM,
    /** Quantity not above 0, end not after start, or GPU-hours off units × hours by more than 0.01. */
    INCONSISTENT_QUANTITY,
    /** With it, the provider's GPUs in use for the SKU would exceed the listed capacity. */
    CAPACITY_EXCEEDED,
    /** With it, the line's accepted quantity would pass the contract's {@code quantity_max}. */
    OVER_CONTRACT_QUANTITY
}
