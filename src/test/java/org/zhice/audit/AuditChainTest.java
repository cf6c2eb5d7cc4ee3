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
    void theDatabaseRefusesToUpdateOrDeleteEntries() {
        tx.executeWithoutResult(s -> audit.recordAs("tester", "test.write", "thing", "x", null));
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                jdbc.sql("delete from audit_log where subject_id = 'x'").update())
                .hasMessageContaining("append-only");
    }
}
