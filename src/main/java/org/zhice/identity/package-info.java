/**
 * Identity: users, their roles and organisation, sign-in (form login, sessions, CSRF) and API
 * tokens for machine clients. Other modules ask {@link org.zhice.identity.CurrentUser} who is
 * acting and guard their pages with {@code @PreAuthorize} on {@link org.zhice.identity.Role}s.
 */
@org.springframework.modulith.ApplicationModule
package org.zhice.identity;
