package org.zhice.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/** The audit trail is append-only and hash-chained: concurrent writers keep the chain whole, tampering shows. */
@SpringBootTest
class AuditChainTest {

    @Autowired AuditLog audit;
    @Autowired JdbcClient jdbc;
    @Autowired TransactionTemplate tx;

    @Test
    void concurrentWritersKeepTheChainIntactAndAnAlteredEntryIsNamed() throws Exception {
        var pool = Executors.newFixedThreadPool(8);
        List<Callable<Void>> writes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int n = i;
            writes.add(() -> {
                tx.executeWithoutResult(s -> audit.recordAs("tester", "test.write", "thing", "t" + n, "detail " + n));
                return null;
            });
        }
        for (int i = 0; i < 5; i++) {
            int batch = i;
            writes.add(() -> {
                tx.executeWithoutResult(s -> audit.recordAll(java.util.stream.IntStream.range(0, 50)
                        .mapToObj(n -> new AuditLog.Record("test.bulk", "thing", "b" + batch + "-" + n, null)).toList()));
                return null;
            });
        }
        for (var f : pool.invokeAll(writes)) {
            f.get();
        }
        pool.shutdown();
        AuditLog.Verification before = audit.verify();
        assertThat(before.intact()).isTrue();
        assertThat(before.entriesChecked()).isGreaterThanOrEqualTo(450);

        long victim = jdbc.sql("select seq from audit_log where subject_id = 't77'").query(Long.class).single();
        tx.executeWithoutResult(s -> {
            jdbc.sql("alter table audit_log disable trigger audit_log_no_update").update();
            jdbc.sql("update audit_log set detail = 'forged' where seq = :seq").param("seq", victim).update();
            jdbc.sql("alter table audit_log enable trigger audit_log_no_update").update();
        });
        AuditLog.Verification after = audit.verify();
        assertThat(after.intact()).isFalse();
        assertThat(after.firstBrokenSeq()).isEqualTo(victim);
    }

    @Test
    void entriesSealedAfterTheCommitJoinTheChainOnceAndRolledBackOnesNever() throws Exception {
        var pool = Executors.newFixedThreadPool(8);
        List<Callable<Void>> writes = new ArrayList<>();
        int rolledBack = 0;
        for (int i = 0; i < 300; i++) {
            int n = i;
            if (n % 3 != 0 && n % 10 == 1) {
                rolledBack++;
            }
            writes.add(() -> {
                if (n % 3 == 0) {
                    tx.executeWithoutResult(s -> audit.recordAs("tester", "test.now", "sealed", "n" + n, null));
                } else if (n % 10 == 1) {
                    tx.executeWithoutResult(s -> {
                        audit.recordSealedAfterCommit("tester", "test.later", "sealed", "r" + n, "rolled back");
                        s.setRollbackOnly();
                    });
                } else {
                    tx.executeWithoutResult(s -> audit.recordSealedAfterCommit("tester", "test.later", "sealed", "l" + n,
                            "detail " + n));
                }
                return null;
            });
        }
        for (var f : pool.invokeAll(writes)) {
            f.get();
        }
        pool.shutdown();
        // the sealer thread seals right after each commit; this waits for what it has not reached yet
        audit.sealPending();

        assertThat(jdbc.sql("select count(*) from audit_log where pending").query(Long.class).single()).isZero();
        assertThat(jdbc.sql("select count(*) from audit_log where subject_type = 'sealed' and subject_id like 'r%'")
                .query(Long.class).single()).isZero();
        long committed = jdbc.sql("select count(*) from audit_log where subject_type = 'sealed'").query(Long.class).single();
        assertThat(committed).isEqualTo(300 - rolledBack);
        assertThat(jdbc.sql("select count(distinct seq) from audit_log where subject_type = 'sealed'")
                .query(Long.class).single()).isEqualTo(committed);
        AuditLog.Verification chain = audit.verify();
        assertThat(chain.intact()).isTrue();
        assertThat(chain.entriesChecked()).isEqualTo(jdbc.sql("select count(*) from audit_log").query(Long.class).single());

        // a pending entry's content cannot change, and a seal cannot be set again
        tx.executeWithoutResult(s -> audit.recordSealedAfterCommit("tester", "test.later", "sealed", "p", "before"));
        long sealedId = jdbc.sql("select id from audit_log where subject_id = 'l2'").query(Long.class).single();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> jdbc.sql("""
                update audit_log set seq = 999999, prev_hash = hash, hash = hash, pending = false where id = :id
                """).param("id", sealedId).update()).hasMessageContaining("append-only");
        audit.sealPending();
        long pendingId = jdbc.sql("select id from audit_log where subject_id = 'p'").query(Long.class).single();
        assertThat(jdbc.sql("select pending from audit_log where id = :id").param("id", pendingId)
                .query(Boolean.class).single()).isFalse();
        assertThat(audit.verify().intact()).isTrue();
    }

    @Test
    void theDatabaseRefusesToUpdateOrDeleteEntries() {
        tx.executeWithoutResult(s -> audit.recordAs("tester", "test.write", "thing", "x", null));
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                jdbc.sql("delete from audit_log where subject_id = 'x'").update())
                .hasMessageContaining("append-only");
    }
}
