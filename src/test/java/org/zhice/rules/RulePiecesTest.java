package org.zhice.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.zhice.policy.Program;
import org.zhice.policy.ProgramException;
import org.zhice.policy.ProgramParser;

/** The pieces the online voucher module calls one at a time, without a replay around them. */
class RulePiecesTest {

    static final String E = "913301064JURQ283FH";
    static final String P = "91330106NE8PR7JY36";

    static Program program() throws ProgramException {
        return ProgramParser.parse("p", """
                id: online
                name: n
                funder: f
                region_prefix: "3301"
                period: { start: 2025-01-01, end: 2025-12-31 }
                application_window: { start: 2025-01-01, end: 2025-12-31 }
                budget_yuan: 1000
                per_enterprise_cap_yuan: 400
                categories:
                  compute.domestic: 0.30
                contract_term_days_max: 366
                cap_price_at_reference: true
                exclude_related_parties: true
                notice_working_days: 5
                startup_categories: { compute.domestic: 0.60 }
                """);
    }

    @Test
    void eligibilityRulesOnOneApplication() throws ProgramException {
        Program program = program();
        Catalog catalog = new Catalog(List.of(new CatalogRow(P, "GPU-A", "compute.domestic", Unit.GPU_HOUR, 1000, 8,
                LocalDate.of(2025, 1, 1), LocalDate.of(2025, 12, 31))));
        Contract contract = new Contract("C1", E, P, LocalDate.of(2025, 3, 1), LocalDate.of(2025, 3, 1),
                LocalDate.of(2025, 6, 30), List.of(new ContractLine("GPU-A", 1200, 100_000_000)));
        Org enterprise = new Org(E, "e", Org.Kind.ENTERPRISE, "330106", true);
        Application application = new Application("A1", Instant.parse("2025-03-01T01:00:00Z"), E, "C1");
        RelatedParties none = new RelatedParties(List.of());

        ApplicationCase eligible = ApplicationCase.of(program, application, enterprise, contract, catalog, none, false);
        assertThat(EligibilityRules.check(eligible)).isEmpty();
        assertThat(eligible.lines().get(0).priceBasisFen()).isEqualTo(1000);
        // a start-up gets 0.60: floor(0.60 × 1000 × 100)
        assertThat(Reservation.request(program, eligible.lines(), eligible.startup())).isEqualTo(60_000);

        RelatedParties viaPerson = new RelatedParties(List.of(new Relation("P:x", E, "legal_rep"), new Relation(P, "P:x", "officer")));
        ApplicationCase related = ApplicationCase.of(program, application, enterprise, contract, catalog, viaPerson, true);
        assertThat(EligibilityRules.check(related))
                .containsExactly(DecisionReason.DUPLICATE_APPLICATION, DecisionReason.RELATED_PARTY);

        ApplicationCase nothing = ApplicationCase.of(program, application, null, null, catalog, none, false);
        assertThat(EligibilityRules.check(nothing))
                .containsExactly(DecisionReason.UNKNOWN_CONTRACT, DecisionReason.UNKNOWN_ENTERPRISE);
    }

    @Test
    void usageVerdictsOverALogBuiltEventByEvent() throws ProgramException {
        Program program = program();
        Catalog catalog = new Catalog(List.of(new CatalogRow(P, "GPU-A", "compute.domestic", Unit.GPU_HOUR, 1000, 8,
                LocalDate.of(2025, 1, 1), LocalDate.of(2025, 12, 31))));
        Contract contract = new Contract("C1", E, P, LocalDate.of(2025, 3, 1), LocalDate.of(2025, 3, 1),
                LocalDate.of(2025, 6, 30), List.of(new ContractLine("GPU-A", 1200, 100_000_000)));
        UsageLog log = new UsageLog(4); // grows
        long hour = 3_600_000_000_000L;
        long start = ShanghaiTime.startOfDayNanos(LocalDate.of(2025, 3, 5)) + 10 * hour;
        for (int i = 0; i < 40; i++) {
            log.add("e" + i, P, "C1", "GPU-A", 1, 1_000_000, start + i * hour, start + (i + 1) * hour);
        }
        log.add("e0", P, "C1", "GPU-A", 1, 1_000_000, start, start + hour);
        log.add("x", P, "C1", "GPU-A", 9, 9_000_000, start, start + hour);
        UsageVerdicts verdicts = UsageVerdicts.check(program, List.of(contract), catalog, log);
        assertThat(verdicts.reason(0)).isNull();
        assertThat(verdicts.reason(39)).isNull();
        assertThat(verdicts.reason(40)).isEqualTo(UsageReason.DUPLICATE_EVENT);
        assertThat(verdicts.reason(41)).isEqualTo(UsageReason.CAPACITY_EXCEEDED);
        // 40 GPU-hours × 1000 fen (the reference price) in March
        assertThat(verdicts.take("C1", LocalDate.of(2025, 3, 1), LocalDate.of(2025, 3, 31)))
                .containsExactly(Map.entry("compute.domestic", 40_000L));
        assertThat(verdicts.take("C1", LocalDate.of(2025, 3, 1), LocalDate.of(2025, 3, 31))).isEmpty(); // spent
    }

    @Test
    void reservationTerms() {
        assertThat(Reservation.compute(0, 0, 0)).isEqualTo(new Reservation(Status.REJECTED, 0, List.of(DecisionReason.ZERO_REQUEST)));
        assertThat(Reservation.compute(100, 100, 100)).isEqualTo(new Reservation(Status.APPROVED, 100, List.of()));
        assertThat(Reservation.compute(100, 40, 60).reasons()).containsExactly(DecisionReason.CAP_LIMITED);
        assertThat(Reservation.compute(100, 60, 40).reasons()).containsExactly(DecisionReason.BUDGET_LIMITED);
        assertThat(Reservation.compute(100, 40, 40))
                .isEqualTo(new Reservation(Status.PARTIAL, 40, List.of(DecisionReason.BUDGET_LIMITED, DecisionReason.CAP_LIMITED)));
        assertThat(Reservation.compute(100, 0, 40).reasons()).containsExactly(DecisionReason.ENTERPRISE_CAP_REACHED);
        assertThat(Reservation.compute(100, 40, 0).reasons()).containsExactly(DecisionReason.BUDGET_EXHAUSTED);
        assertThat(Reservation.compute(100, 0, 0).reasons())
                .containsExactly(DecisionReason.BUDGET_EXHAUSTED, DecisionReason.ENTERPRISE_CAP_REACHED);
    }

    @Test
    void subsidyFloorsPerCategoryAndIsLimitedByTheReservation() throws ProgramException {
        Program program = program();
        // floor(0.30 × 7) = 2; an uncovered category counts nothing
        assertThat(Subsidy.raw(program, Map.of("compute.domestic", 7L, "model.other", 1000L), false)).isEqualTo(2);
        assertThat(Subsidy.raw(program, Map.of("compute.domestic", 7L), true)).isEqualTo(4);
        assertThat(Subsidy.compute(0, 10)).isEqualTo(new Subsidy(Status.REJECTED, 0, List.of(DecisionReason.NO_ELIGIBLE_USAGE)));
        assertThat(Subsidy.compute(5, 0)).isEqualTo(new Subsidy(Status.REJECTED, 0, List.of(DecisionReason.RESERVATION_USED_UP)));
        assertThat(Subsidy.compute(5, 3)).isEqualTo(new Subsidy(Status.PARTIAL, 3, List.of(DecisionReason.RESERVATION_LIMITED)));
        assertThat(Subsidy.compute(5, 5)).isEqualTo(new Subsidy(Status.APPROVED, 5, List.of()));
    }

    @Test
    void capacitySweepOnItsOwn() {
        CapacitySweep sweep = new CapacitySweep();
        assertThat(sweep.admit(0, 10, 6, 8, true)).isTrue();
        assertThat(sweep.admit(5, 15, 3, 8, true)).isFalse();
        assertThat(sweep.admit(5, 15, 3, 8, false)).isTrue(); // not checked, but it joins
        assertThat(sweep.activeUnits()).isEqualTo(9);
        assertThat(sweep.admit(10, 20, 5, 8, true)).isTrue(); // the first one ended at 10
        assertThat(sweep.activeUnits()).isEqualTo(8);
    }

    @Test
    void halfAFenRoundsUp() {
        assertThat(Fen.amount(1_250, 400)).isEqualTo(1); // 0.00125 × 400 = 0.5
        assertThat(Fen.amount(1_249, 400)).isEqualTo(0);
        assertThat(Fen.amount(8_000_000, 1000)).isEqualTo(8000);
    }

    @Property(tries = 2000)
    void eventAmountIsExactRoundHalfUp(@ForAll @LongRange(min = 0, max = 9_000_000_000_000_000L) long micros,
                                       @ForAll @LongRange(min = 0, max = 10_000_000) long price) {
        BigDecimal exact = BigDecimal.valueOf(micros, 6).multiply(BigDecimal.valueOf(price)).setScale(0, RoundingMode.HALF_UP);
        if (exact.toBigIntegerExact().bitLength() < 63) {
            assertThat(Fen.amount(micros, price)).isEqualTo(exact.longValueExact());
        }
    }

    @Property(tries = 3000)
    void gpuQuantityCheckIsExactAtTheEdge(@ForAll @IntRange(min = 0, max = 100_000) int units,
                                          @ForAll @LongRange(min = 1, max = 200L * 365 * 86_400 * 1_000_000_000L) long nanos,
                                          @ForAll @IntRange(min = -10_010, max = 10_010) int offMicros) {
        // a quantity within about 0.01 GPU-hour of units × hours, where the answer flips
        long micros = Math.max(1, BigDecimal.valueOf(units).multiply(BigDecimal.valueOf(nanos))
                .divide(BigDecimal.valueOf(3_600_000L), 0, RoundingMode.FLOOR).longValueExact() + offMicros);
        // |q/10⁶ − units·nanos/3.6·10¹²| > 0.01, times 3.6·10¹⁸, without division
        BigDecimal difference = BigDecimal.valueOf(micros).multiply(BigDecimal.valueOf(3_600_000_000_000L))
                .subtract(BigDecimal.valueOf(units).multiply(BigDecimal.valueOf(nanos)).multiply(BigDecimal.valueOf(1_000_000)));
        boolean expected = difference.abs().compareTo(new BigDecimal("36000000000000000")) > 0;
        long start = -4_000_000_000_000_000_000L;
        assertThat(UsageChecks.inconsistentQuantity(Unit.GPU_HOUR, units, micros, start, start + nanos))
                .as("q=%s units=%d nanos=%d", Quantities.format(micros), units, nanos).isEqualTo(expected);
    }
}
