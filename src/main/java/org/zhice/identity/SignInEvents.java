package org.zhice.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;

import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.event.AbstractAuthenticationFailureEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.zhice.audit.AuditLog;

/**
 * Every sign-in, good or bad, goes to the audit log; too many failures for one username in a
 * short window lock further attempts for a while (a correct password included), which makes
 * guessing passwords slow.
 */
@Component
class SignInEvents {

    static final int MAX_FAILURES = 5;
    static final Duration WINDOW = Duration.ofMinutes(15);

    private final AuditLog audit;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Clock clock;

    SignInEvents(AuditLog audit, JdbcClient jdbc, TransactionTemplate tx, Clock clock) {
        this.audit = audit;
        this.jdbc = jdbc;
        this.tx = tx;
        this.clock = clock;
    }

    @EventListener
    void succeeded(AuthenticationSuccessEvent event) {
        if (event.getAuthentication().getDetails() instanceof WebAuthenticationDetails web) {
            String user = event.getAuthentication().getName();
            tx.executeWithoutResult(s -> audit.recordAs(user, "sign-in.ok", "user", user, web.getRemoteAddress()));
        }
    }

    @EventListener
    void failed(AbstractAuthenticationFailureEvent event) {
        String user = String.valueOf(event.getAuthentication().getPrincipal());
        if (user.length() > 64) {
            user = user.substring(0, 64);
        }
        String address = event.getAuthentication().getDetails() instanceof WebAuthenticationDetails web
                ? web.getRemoteAddress() : null;
        String name = user;
        String reason = event.getException().getClass().getSimpleName();
        tx.executeWithoutResult(s -> audit.recordAs(name, "sign-in.failed", "user", name,
                reason + (address == null ? "" : " from " + address)));
    }

    /** Whether this username has failed too often lately to be allowed another attempt. */
    boolean throttled(String username) {
        long failures = jdbc.sql("""
                select count(*) from audit_log
                where action = 'sign-in.failed' and subject_type = 'user' and subject_id = :u and at > :since
                  and detail like 'BadCredentials%'
                """)
                .param("u", username)
                .param("since", OffsetDateTime.now(clock).minus(WINDOW))
                .query(Long.class)
                .single();
        return failures >= MAX_FAILURES;
    }
}
