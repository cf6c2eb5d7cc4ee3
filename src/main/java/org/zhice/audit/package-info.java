/** Audit: an append-only record of every write, who made it and when. */
@org.springframework.modulith.ApplicationModule
package org.zhice.audit;
