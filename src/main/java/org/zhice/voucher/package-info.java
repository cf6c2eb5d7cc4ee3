/** Vouchers: the rules engine of spec §3–5, the replay command, and (later) the online flow. */
@org.springframework.modulith.ApplicationModule
package org.zhice.voucher;
