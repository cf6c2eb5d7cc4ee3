package org.zhice.voucher;

import java.util.Objects;

import org.zhice.identity.CurrentUser;
import org.zhice.identity.Role;

/**
 * Who does something in the voucher flow: a signed-in user (page or API token) or, for the demo
 * and the rules themselves, a named actor. Services take it explicitly, so that they never
 * depend on a request being in progress.
 */
record Actor(String username, Role role, String orgUscc) {

    /** The name recorded for decisions the rules make alone (an ineligible application). */
    static final String RULES = "rules";

    Actor {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(role, "role");
    }

    static Actor of(CurrentUser user) {
        return new Actor(user.username(), user.role(), user.orgUscc());
    }

    static Actor current() {
        return of(CurrentUser.require());
    }

    boolean is(Role other) {
        return role == other;
    }

    /** May this actor see records of the organisation {@code uscc}? Staff see all. */
    boolean maySee(String uscc) {
        return role.staff() || (orgUscc != null && orgUscc.equals(uscc));
    }
}
