package org.zhice.identity;

import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.stereotype.Service;

/** What form login checks a password against: the user, locked while sign-in is throttled. */
@Service
class SignInAccounts implements UserDetailsService {

    private final Users users;
    private final SignInEvents events;

    SignInAccounts(Users users, SignInEvents events) {
        this.users = users;
        this.events = events;
    }

    @Override
    public UserDetails loadUserByUsername(String username) {
        ZhiceUserDetails user = users.details(username);
        return events.throttled(username) ? user.lockedFor() : user;
    }
}
