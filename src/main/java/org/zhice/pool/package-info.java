/**
 * Pool: the public compute pool (公共算力池). Providers list offerings (the catalog of spec §2,
 * reviewed by the program office, kept as history: the row in force on a date is the one the
 * voucher rules use); enterprises post demands and see offers ranked by price net of their
 * voucher; accepting an offer signs the contract on the platform and reserves the capacity.
 *
 * <p>The public face for other modules is {@link org.zhice.pool.ComputePool} (the catalog and the
 * contracts); {@link org.zhice.pool.Matcher} is the pure matching logic; {@link
 * org.zhice.pool.PoolDemo} loads demo offerings, demands and contracts. Design notes:
 * {@code docs/pool.md}.
 */
@org.springframework.modulith.ApplicationModule
package org.zhice.pool;
