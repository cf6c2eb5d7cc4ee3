/**
 * Shared kernel: small value types every module may use (USCC, money in fen, errors that
 * name where input went wrong) and the platform's infrastructure (embedded database, clock).
 */
@org.springframework.modulith.ApplicationModule(type = org.springframework.modulith.ApplicationModule.Type.OPEN)
package org.zhice.shared;
