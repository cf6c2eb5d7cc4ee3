package org.zhice.metering;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionTemplate;
import org.zhice.metering.MeteringFixtures.World;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the voucher module relies on: an event is counted by at most one redemption, in the
 * redemption's transaction; a disputed event does not count until the program office decides.
 */
@SpringBootTest
@Import(MeteringFixtures.FixedClock.class)
class CountingAndDisputesTest {

    @Autowired Metering metering;
    @Autowired Disputes disputes;
    @Autowired UsageIngestion ingestion;
    @Autowired JdbcClient jdbc;
    @Autowired TransactionTemplate tx;

    World world() {
        return World.create(tx, jdbc, "Z" + UUID.randomUUID().toString().substring(0, 6));
    }

    List<Long> push(World w, String... lines) {
        return pushResult(w, lines).results().stream().map(IngestResult.LineResult::usageId).toList();
    }

    @Test
    void anEventIsCountedOnceAndOnlyInsideTheRedemptionsTransaction() {
        World w = world();
        List<Long> ids = push(w,
                w.gpu("k1", 2, "4", "2025-03-08T10:00:00+08:00", "2025-03-08T12:00:00+08:00"),
                w.gpu("k2", 2, "4", "2025-03-08T12:00:00+08:00", "2025-03-08T14:00:00+08:00"),
                w.gpu("k3", 2, "4", "2025-03-08T14:00:00+08:00", "2025-03-08T16:00:00+08:00"));

        assertThatThrownBy(() -> metering.markCounted("R-A", List.of(ids.get(0))))
                .as("Propagation.MANDATORY").isInstanceOf(IllegalTransactionStateException.class);

        tx.executeWithoutResult(s -> metering.markCounted("R-A", List.of(ids.get(0), ids.get(1))));
        assertThatThrownBy(() -> tx.executeWithoutResult(s -> metering.markCounted("R-B", List.of(ids.get(1), ids.get(2)))))
                .isInstanceOf(UsageAlreadyCountedException.class)
                .satisfies(e -> assertThat(((UsageAlreadyCountedException) e).usageIds()).containsExactly(ids.get(1)));
        assertThat(metering.acceptedUsage(w.gpuContract())).extracting(AcceptedUsage::countedBy)
                .as("a refusal marks nothing, not even the countable k3").containsExactly("R-A", "R-A", null);

        // a caller that swallows the refusal cannot commit: its transaction is rollback-only
        assertThatThrownBy(() -> tx.executeWithoutResult(s -> {
            try {
                metering.markCounted("R-C", List.of(ids.get(2), 999_999_999L));
            } catch (UsageAlreadyCountedException expected) {
                // the redemption tries to go on without these events
            }
        })).isInstanceOf(org.springframework.transaction.UnexpectedRollbackException.class);
        assertThat(metering.acceptedUsage(w.gpuContract()).get(2).countedBy()).isNull();
        tx.executeWithoutResult(s -> metering.markCounted("R-C", List.of(ids.get(2))));
        assertThat(metering.acceptedUsage(w.gpuContract())).extracting(AcceptedUsage::countedBy)
                .containsExactly("R-A", "R-A", "R-C");
        assertThatThrownBy(() -> jdbc.sql("update usage_event set counted_by = 'R-X' where usage_id = :u")
                .param("u", ids.get(0)).update())
                .as("the table refuses a second count too").hasMessageContaining("counted by redemption R-A");
        assertThatThrownBy(() -> jdbc.sql("update usage_event set quantity_micros = 1 where usage_id = :u")
                .param("u", ids.get(0)).update())
                .hasMessageContaining("cannot change");
    }

    @Test
    void aDisputedEventDoesNotCountUntilTheOfficeDecides() {
        World w = world();
        List<Long> ids = push(w,
                w.gpu("d1", 2, "4", "2025-03-08T10:00:00+08:00", "2025-03-08T12:00:00+08:00"),
                w.gpu("d2", 2, "6", "2025-03-08T12:00:00+08:00", "2025-03-08T15:00:00+08:00"));
        long lineBefore = lineTotal(w);

        long first = disputes.raise(w.enterprise(), ids.get(0), "作业未运行", "ent-user");
        long second = disputes.raise(w.enterprise(), ids.get(1), "只用了两小时", "ent-user");
        assertThat(metering.acceptedUsage(w.gpuContract())).as("both disputed").isEmpty();
        assertThatThrownBy(() -> tx.executeWithoutResult(s -> metering.markCounted("R-1", List.of(ids.get(0)))))
                .isInstanceOf(UsageAlreadyCountedException.class);

        disputes.dismiss(first, "日志显示作业已运行", "office");
        assertThat(metering.acceptedUsage(w.gpuContract())).extracting(AcceptedUsage::eventId).containsExactly("d1");

        disputes.uphold(second, null, "office");
        assertThat(metering.acceptedUsage(w.gpuContract())).extracting(AcceptedUsage::eventId).containsExactly("d1");
        assertThat(jdbc.sql("select status || ' ' || reason from usage_event where usage_id = :u")
                .param("u", ids.get(1)).query(String.class).single()).isEqualTo("rejected DISPUTE_UPHELD");
        assertThat(lineTotal(w)).isEqualTo(lineBefore - 6_000_000);

        assertThatThrownBy(() -> disputes.raise(w.enterprise(), ids.get(0), "again", "ent-user"))
                .isInstanceOf(MeteringException.class).hasMessage("metering.dispute.once");
        assertThatThrownBy(() -> disputes.uphold(second, null, "office"))
                .isInstanceOf(MeteringException.class).hasMessage("metering.dispute.notOpen");
        World stranger = world();
        assertThatThrownBy(() -> disputes.raise(stranger.enterprise(), ids.get(0), "not mine", "x"))
                .isInstanceOf(MeteringException.class).hasMessage("metering.dispute.notFound");
    }

    @Test
    void countedEventsCannotBeDisputedAndADisputedOneCannotBeCorrectedAway() {
        World w = world();
        List<Long> ids = push(w,
                w.gpu("e1", 2, "4", "2025-03-08T10:00:00+08:00", "2025-03-08T12:00:00+08:00"),
                w.gpu("e2", 2, "4", "2025-03-08T12:00:00+08:00", "2025-03-08T14:00:00+08:00"));
        tx.executeWithoutResult(s -> metering.markCounted("R-9", List.of(ids.get(0))));
        assertThatThrownBy(() -> disputes.raise(w.enterprise(), ids.get(0), "late", "ent-user"))
                .isInstanceOf(MeteringException.class).hasMessage("metering.dispute.counted");
        long lineBefore = lineTotal(w);

        // the provider cannot close the enterprise's dispute with a correction: the office decides first
        long dispute = disputes.raise(w.enterprise(), ids.get(1), "只用了一小时", "ent-user");
        IngestResult refused = pushResult(w, MeteringFixtures.event("e2-fix", w.provider(), w.gpuContract(), "GPU-A",
                2, "2", "2025-03-08T12:00:00+08:00", "2025-03-08T13:00:00+08:00", "e2"));
        assertThat(refused.results()).extracting(IngestResult.LineResult::code)
                .containsExactly("ADJUSTED_EVENT_DISPUTED");
        assertThat(metering.acceptedUsage(w.gpuContract())).extracting(AcceptedUsage::eventId).containsExactly("e1");
        assertThat(jdbc.sql("select resolution is null from usage_dispute where id = :id").param("id", dispute)
                .query(Boolean.class).single()).as("still open").isTrue();
        assertThat(lineTotal(w)).isEqualTo(lineBefore);

        // once the office has dismissed the dispute, the provider may correct the event
        disputes.dismiss(dispute, "日志显示作业已运行", "office");
        IngestResult corrected = pushResult(w, MeteringFixtures.event("e2-fix2", w.provider(), w.gpuContract(),
                "GPU-A", 2, "2", "2025-03-08T12:00:00+08:00", "2025-03-08T13:00:00+08:00", "e2"));
        assertThat(corrected.accepted()).isEqualTo(1);
        assertThat(metering.acceptedUsage(w.gpuContract())).extracting(AcceptedUsage::eventId)
                .containsExactly("e1", "e2-fix2");
        assertThat(jdbc.sql("select resolution from usage_dispute where id = :id").param("id", dispute)
                .query(String.class).single()).isEqualTo("dismissed");
        assertThat(lineTotal(w)).isEqualTo(lineBefore - 2_000_000);
    }

    IngestResult pushResult(World w, String... lines) {
        byte[] body = MeteringFixtures.ndjson(List.of(lines));
        return ingestion.ingest(new UsageIngestion.Upload(w.provider(), "test", "api", null,
                Metering.sha256(body), "ndjson", null), UsageParsing.ndjson(body, UsageIngestion.MAX_LINES));
    }

    long lineTotal(World w) {
        return jdbc.sql("select accepted_micros from metering_line where contract_id = :c")
                .param("c", w.gpuContract()).query(Long.class).single();
    }
}
