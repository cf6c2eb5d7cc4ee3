/** Policy: voucher programs as code (spec §1), validated, versioned and stored. */
@org.springframework.modulith.ApplicationModule
package org.zhice.policy;
