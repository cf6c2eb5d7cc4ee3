package org.zhice.audit;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Every write records who did it and when. Call {@link #record} inside the transaction of the
 * write itself, so that the entry commits or rolls back with it.
 */
@Service
public class AuditLog {

    private final JdbcClient jdbc;
    private final Clock clock;

    AuditLog(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void record(String action, String subjectType, String subjectId, String detail) {
        recordAs(currentActor(), action, subjectType, subjectId, detail);
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void recordAs(String actor, String action, String subjectType, String subjectId, String detail) {
        jdbc.sql("""
                insert into audit_log (at, actor, action, subject_type, subject_id, detail)
                values (:at, :actor, :action, :subjectType, :subjectId, :detail)
                """)
                .param("at", OffsetDateTime.now(clock))
                .param("actor", actor)
                .param("action", action)
                .param("subjectType", subjectType)
                .param("subjectId", subjectId)
                .param("detail", detail)
                .update();
    }

    public List<Entry> recent(int limit) {
        return jdbc.sql("""
                select id, at, actor, action, subject_type, subject_id, detail
                from audit_log order by id desc limit :limit
                """)
                .param("limit", Math.min(Math.max(limit, 1), 1000))
                .query(Entry.class)
                .list();
    }

    public List<Entry> forSubject(String subjectType, String subjectId) {
        return jdbc.sql("""
                select id, at, actor, action, subject_type, subject_id, detail
                from audit_log where subject_type = :t and subject_id = :s order by id
                """)
                .param("t", subjectType)
                .param("s", subjectId)
                .query(Entry.class)
                .list();
    }

    static String currentActor() {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        return auth == null || !auth.isAuthenticated() ? "system" : auth.getName();
    }

    public record Entry(long id, OffsetDateTime at, String actor, String action, String subjectType,
                        String subjectId, String detail) {
    }
}
