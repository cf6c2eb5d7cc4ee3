/**
 * Metering: providers' usage reports turned into trusted, priced usage. Providers push usage
 * events (spec §2 NDJSON, or CSV with the same fields) over {@code POST /api/metering/usage} with
 * their tokens, or upload a file on the provider portal; every event is checked as spec §4 says
 * against what was accepted before it, and its verdict is kept. Enterprises see their usage per
 * contract and day and may dispute a line; the program office resolves disputes.
 *
 * <p>The public face for other modules is {@link org.zhice.metering.Metering} (accepted usage of a
 * contract, marking events counted by a redemption, ingestion without HTTP). Contract lines come
 * from the pool's contracts and from any bean implementing {@link org.zhice.metering.ContractLines}
 * (the voucher module's uploaded contracts). Design notes: {@code docs/metering.md}.
 */
@org.springframework.modulith.ApplicationModule
package org.zhice.metering;
