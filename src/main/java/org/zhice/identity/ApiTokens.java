package org.zhice.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.zhice.audit.AuditLog;

/**
 * Bearer tokens for machine clients (providers push usage with them). The token is shown once;
 * only its SHA-256 is stored, so a leaked database does not leak tokens.
 */
@Service
public class ApiTokens {

    static final String PREFIX = "zt_";
    private final SecureRandom random = new SecureRandom();
    private final JdbcClient jdbc;
    private final Users users;
    private final AuditLog audit;
    private final Clock clock;

    ApiTokens(JdbcClient jdbc, Users users, AuditLog audit, Clock clock) {
        this.jdbc = jdbc;
        this.users = users;
        this.audit = audit;
        this.clock = clock;
    }

    /** Issues a new token for a user and returns it in clear; it cannot be shown again. */
    @Transactional
    public String issue(long userId, String name) {
        byte[] secret = new byte[24];
        random.nextBytes(secret);
        String token = PREFIX + HexFormat.of().formatHex(secret);
        issueKnown(userId, name, token);
        return token;
    }

    /** Stores a token chosen by the caller (demo data prints known tokens in the README). */
    @Transactional
    public void issueKnown(long userId, String name, String token) {
        jdbc.sql("""
                insert into api_token (user_id, name, token_sha256, created_at)
                values (:user, :name, :hash, :at)
                """)
                .param("user", userId)
                .param("name", name)
                .param("hash", sha256(token))
                .param("at", OffsetDateTime.now(clock))
                .update();
        audit.record("api-token.issue", "user", Long.toString(userId), name);
    }

    Optional<ZhiceUserDetails> authenticate(String token) {
        if (token == null || !token.startsWith(PREFIX) || token.length() > 100) {
            return Optional.empty();
        }
        return jdbc.sql("""
                update api_token set last_used_at = :at
                where token_sha256 = :hash and revoked_at is null
                returning user_id
                """)
                .param("at", OffsetDateTime.now(clock))
                .param("hash", sha256(token))
                .query(Long.class)
                .optional()
                .flatMap(users::loadById)
                .filter(ZhiceUserDetails::enabled);
    }

    static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
