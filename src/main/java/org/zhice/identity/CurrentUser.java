package org.zhice.identity;

import java.util.Optional;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The user acting in this request: name, role and, for enterprise and provider users, the
 * USCC of the organisation they act for. Modules scope every query by it.
 */
public record CurrentUser(long id, String username, String displayName, Role role, String orgUscc) {

    public static Optional<CurrentUser> get() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth != null && auth.getPrincipal() instanceof ZhiceUserDetails details) {
            return Optional.of(details.user());
        }
        return Optional.empty();
    }

    public static CurrentUser require() {
        return get().orElseThrow(() -> new IllegalStateException("no signed-in user"));
    }

    public boolean is(Role other) {
        return role == other;
    }

    /** May this user see records of the organisation {@code uscc}? Staff see all. */
    public boolean maySee(String uscc) {
        return role.staff() || (orgUscc != null && orgUscc.equals(uscc));
    }
}
