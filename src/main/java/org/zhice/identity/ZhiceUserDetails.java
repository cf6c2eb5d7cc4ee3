package org.zhice.identity;

import java.util.Collection;
import java.util.List;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;

record ZhiceUserDetails(CurrentUser user, String passwordHash, boolean enabled, boolean locked) implements UserDetails {

    ZhiceUserDetails(CurrentUser user, String passwordHash, boolean enabled) {
        this(user, passwordHash, enabled, false);
    }

    ZhiceUserDetails lockedFor() {
        return new ZhiceUserDetails(user, passwordHash, enabled, true);
    }

    @Override
    public boolean isAccountNonLocked() {
        return !locked;
    }

    @Override
    public Collection<? extends GrantedAuthority> getAuthorities() {
        return List.of(new SimpleGrantedAuthority(user.role().authority()));
    }

    @Override
    public String getPassword() {
        return passwordHash;
    }

    @Override
    public String getUsername() {
        return user.username();
    }

    @Override
    public boolean isEnabled() {
        return enabled;
    }
}
