/**
 * Rules: the one engine that decides money (spec §3–5) — eligibility, reservation, subsidy and
 * the checks of usage evidence. Pure Java, no Spring, no I/O, so that the online flow
 * (voucher, metering) and the offline replay use the same code and cannot disagree.
 */
@org.springframework.modulith.ApplicationModule
package org.zhice.rules;
