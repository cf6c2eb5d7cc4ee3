package org.zhice.identity;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.zhice.audit.AuditLog;

/** The platform's users. Passwords are stored only as salted hashes (bcrypt by default). */
@Service
public class Users {

    private final JdbcClient jdbc;
    private final PasswordEncoder passwords;
    private final AuditLog audit;
    private final Clock clock;

    Users(JdbcClient jdbc, PasswordEncoder passwords, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.passwords = passwords;
        this.audit = audit;
        this.clock = clock;
    }

    @Transactional
    public long create(String username, String password, String displayName, Role role, String orgUscc) {
        if (role.boundToOrganisation() != (orgUscc != null)) {
            throw new IllegalArgumentException("role " + role + " and organisation " + orgUscc + " do not fit");
        }
        long id = jdbc.sql("""
                insert into app_user (username, password_hash, display_name, role, org_uscc, created_at)
                values (:username, :hash, :displayName, :role, :org, :at) returning id
                """)
                .param("username", username)
                .param("hash", passwords.encode(password))
                .param("displayName", displayName)
                .param("role", role.name())
                .param("org", orgUscc)
                .param("at", OffsetDateTime.now(clock))
                .query(Long.class)
                .single();
        audit.record("user.create", "user", username, role + (orgUscc == null ? "" : " " + orgUscc));
        return id;
    }

    public boolean any() {
        return jdbc.sql("select exists (select 1 from app_user)").query(Boolean.class).single();
    }

    public Optional<CurrentUser> find(String username) {
        return jdbc.sql("""
                select id, username, display_name, role, org_uscc from app_user where username = :u
                """)
                .param("u", username)
                .query((rs, n) -> new CurrentUser(rs.getLong(1), rs.getString(2), rs.getString(3),
                        Role.valueOf(rs.getString(4)), rs.getString(5)))
                .optional();
    }

    public List<CurrentUser> all() {
        return jdbc.sql("select id, username, display_name, role, org_uscc from app_user order by role, username")
                .query((rs, n) -> new CurrentUser(rs.getLong(1), rs.getString(2), rs.getString(3),
                        Role.valueOf(rs.getString(4)), rs.getString(5)))
                .list();
    }

    /** The user as Spring Security sees it (tests sign in with it). */
    public UserDetails loadUserByUsername(String username) {
        return details(username);
    }

    ZhiceUserDetails details(String username) {
        return jdbc.sql("""
                select id, username, display_name, role, org_uscc, password_hash, enabled
                from app_user where username = :u
                """)
                .param("u", username)
                .query((rs, n) -> new ZhiceUserDetails(
                        new CurrentUser(rs.getLong(1), rs.getString(2), rs.getString(3),
                                Role.valueOf(rs.getString(4)), rs.getString(5)),
                        rs.getString(6), rs.getBoolean(7)))
                .optional()
                .orElseThrow(() -> new UsernameNotFoundException(username));
    }

    Optional<ZhiceUserDetails> loadById(long id) {
        String username = jdbc.sql("select username from app_user where id = :id").param("id", id)
                .query(String.class).optional().orElse(null);
        return username == null ? Optional.empty() : Optional.of(details(username));
    }
}
