package org.zhice.voucher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.zhice.voucher.ReplayFixture.E1;
import static org.zhice.voucher.ReplayFixture.E2;
import static org.zhice.voucher.ReplayFixture.E3;
import static org.zhice.voucher.ReplayFixture.P1;
import static org.zhice.voucher.UsageRulesTest.event;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zhice.shared.Uscc;

/**
 * Spec §5 through the whole replay, starting from the worked example: budget 1,000 元, cap
 * 400 元 an enterprise, ratio 0.30; A1 (E1, C1 GPU-A: 0.30 × 1,000 × 100 = 30,000 fen),
 * A2 (E1, C2 TOK: 0.30 × 400 × 200 = 24,000 fen), A3 (E2, related to P1).
 */
class DecisionRulesTest {

    static final String E4 = Uscc.withCheckCharacter("91330106MA0000001"); // one more enterprise in 330106
    static final String NOBODY = Uscc.withCheckCharacter("91330106MA0000009"); // valid, not in orgs.csv

    @TempDir
    Path temp;

    ReplayFixture fixture() {
        return ReplayFixture.workedExample(temp).append("orgs.csv", E4 + ",e4,enterprise,330106");
    }

    static String program(ReplayFixture fixture, String from, String to) {
        String program = fixture.file("program.yaml");
        if (!program.contains(from)) {
            throw new IllegalArgumentException(from);
        }
        return program.replace(from, to);
    }

    ReplayFixture withBudget(ReplayFixture fixture, String budgetYuan, String capYuan) {
        String program = program(fixture, "budget_yuan: 1000", "budget_yuan: " + budgetYuan)
                .replace("per_enterprise_cap_yuan: 400", "per_enterprise_cap_yuan: " + capYuan);
        return fixture.with("program.yaml", program);
    }

    @Test
    void workedExample() {
        var result = fixture().replay();
        assertThat(result.exit()).isZero();
        assertThat(result.decisions()).isEqualTo(ReplayFixture.expected("decisions.csv"));
        assertThat(result.budget()).isEqualTo(ReplayFixture.expected("budget.json"));
    }

    @Test
    void unknownEnterpriseSkipsTheJurisdictionCheckAndAProviderIsNoEnterprise() {
        var result = fixture()
                .append("contracts.csv", "C4," + NOBODY + "," + P1 + ",2025-03-01,2025-03-01,2025-06-30,TOK,400,10")
                .rows("applications.csv",
                        "A1,2025-03-01T09:00:00+08:00," + NOBODY + ",C4",
                        "A2,2025-03-01T10:00:00+08:00," + NOBODY + ",C1")
                .rows("redemptions.csv")
                .replay();
        assertThat(result.decision("A1")).isEqualTo("application,A1,rejected,0,UNKNOWN_ENTERPRISE");
        assertThat(result.decision("A2")).isEqualTo("application,A2,rejected,0,UNKNOWN_CONTRACT;UNKNOWN_ENTERPRISE");
    }

    @Test
    void unknownContractWhenMissingOrSomeoneElses() {
        var result = fixture()
                .rows("applications.csv",
                        "A1,2025-03-01T09:00:00+08:00," + E1 + ",C404",
                        "A2,2025-03-02T09:00:00+08:00," + E1 + ",C3")
                .rows("redemptions.csv")
                .replay();
        assertThat(result.decision("A1")).isEqualTo("application,A1,rejected,0,UNKNOWN_CONTRACT");
        assertThat(result.decision("A2")).isEqualTo("application,A2,rejected,0,UNKNOWN_CONTRACT");
    }

    @Test
    void outOfJurisdictionByTheEnterprisesRegionCode() {
        var result = fixture()
                .append("contracts.csv", "C4," + E3 + "," + P1 + ",2025-03-01,2025-03-01,2025-06-30,TOK,400,10")
                .rows("applications.csv", "A1,2025-03-01T09:00:00+08:00," + E3 + ",C4")
                .rows("redemptions.csv")
                .replay();
        assertThat(result.decision("A1")).isEqualTo("application,A1,rejected,0,OUT_OF_JURISDICTION");
    }

    @Test
    void providerNotListedOnTheSigningDateForAnyLine() {
        var result = fixture()
                .rows("catalog.csv",
                        P1 + ",GPU-A,compute.domestic,gpu_hour,1000,8,2025-03-05,2025-12-31",
                        P1 + ",TOK,model.filed,million_tokens,500,,2025-01-01,2025-12-31")
                .append("contracts.csv",
                        "C4," + E4 + "," + P1 + ",2025-03-01,2025-03-01,2025-06-30,GPU-A,1000,10",
                        "C4," + E4 + "," + P1 + ",2025-03-01,2025-03-01,2025-06-30,TOK,400,10")
                .rows("applications.csv",
                        "A1,2025-03-01T09:00:00+08:00," + E1 + ",C1",
                        "A4,2025-03-01T09:00:00+08:00," + E4 + ",C4")
                .rows("redemptions.csv")
                .replay();
        // C1's only line is unlisted, so no line has a category at all
        assertThat(result.decision("A1")).isEqualTo("application,A1,rejected,0,CATEGORY_NOT_COVERED;PROVIDER_NOT_LISTED");
        assertThat(result.decision("A4")).isEqualTo("application,A4,rejected,0,PROVIDER_NOT_LISTED");
    }

    @Test
    void relatedPartiesByAPathOfAtMostTwoEdges() {
        var result = fixture()
                .rows("relations.csv",
                        "P:x," + E2 + ",legal_rep", P1 + ",P:x,officer", // E2 - P:x - P1: two edges
                        E1 + "," + P1 + ",shareholder", // direct
                        "P:y," + E4 + ",officer", "P:y,P:z,family", "P:z," + P1 + ",officer") // three edges
                .replay();
        assertThat(result.decision("A1")).isEqualTo("application,A1,rejected,0,RELATED_PARTY");
        assertThat(result.decision("A3")).isEqualTo("application,A3,rejected,0,RELATED_PARTY");
        var far = fixture().rows("relations.csv", "P:y," + E4 + ",officer", "P:y,P:z,family", "P:z," + P1 + ",officer")
                .append("contracts.csv", "C4," + E4 + "," + P1 + ",2025-03-01,2025-03-01,2025-06-30,TOK,400,10")
                .rows("applications.csv", "A4,2025-03-01T09:00:00+08:00," + E4 + ",C4")
                .rows("redemptions.csv").replay();
        assertThat(far.decision("A4")).isEqualTo("application,A4,approved,1200,");
    }

    @Test
    void relatedPartiesMayApplyWhenTheProgramDoesNotExcludeThem() {
        ReplayFixture fixture = fixture();
        var result = fixture.with("program.yaml", program(fixture, "exclude_related_parties: true",
                "exclude_related_parties: false")).replay();
        assertThat(result.decision("A3")).isEqualTo("application,A3,approved,24000,");
    }

    @Test
    void signedOutsideTheProgramPeriod() {
        var result = fixture()
                .rows("catalog.csv", P1 + ",TOK,model.filed,million_tokens,500,,2024-01-01,2025-12-31")
                .append("contracts.csv",
                        "C4," + E4 + "," + P1 + ",2024-12-31,2025-01-01,2025-06-30,TOK,400,10",
                        "C5," + E4 + "," + P1 + ",2025-01-01,2025-01-01,2025-06-30,TOK,400,10")
                .rows("applications.csv",
                        "A4,2025-03-01T09:00:00+08:00," + E4 + ",C4",
                        "A5,2025-03-01T09:00:00+08:00," + E4 + ",C5")
                .rows("redemptions.csv")
                .replay();
        assertThat(result.decision("A4")).isEqualTo("application,A4,rejected,0,SIGNED_OUTSIDE_PERIOD");
        assertThat(result.decision("A5")).isEqualTo("application,A5,approved,1200,");
    }

    @Test
    void contractTermCountsBothEnds() {
        var result = fixture()
                .rows("catalog.csv", P1 + ",TOK,model.filed,million_tokens,500,,2025-01-01,2026-12-31")
                .append("contracts.csv",
                        "C4," + E4 + "," + P1 + ",2025-03-01,2025-03-01,2026-03-01,TOK,400,10",
                        "C5," + E4 + "," + P1 + ",2025-03-01,2025-03-01,2026-03-02,TOK,400,10")
                .rows("applications.csv",
                        "A4,2025-03-01T09:00:00+08:00," + E4 + ",C4",
                        "A5,2025-03-01T09:00:00+08:00," + E4 + ",C5")
                .rows("redemptions.csv")
                .replay();
        assertThat(result.decision("A4")).isEqualTo("application,A4,approved,1200,"); // 366 days
        assertThat(result.decision("A5")).isEqualTo("application,A5,rejected,0,CONTRACT_TERM_TOO_LONG"); // 367
    }

    @Test
    void applicationWindowIsInShanghaiDates() {
        // window 2025-02-01 .. 2025-12-31
        var result = fixture()
                .append("contracts.csv",
                        "C4," + E4 + "," + P1 + ",2025-01-10,2025-01-10,2025-06-30,TOK,400,10",
                        "C5," + E4 + "," + P1 + ",2025-01-10,2025-01-10,2025-06-30,TOK,400,10",
                        "C6," + E4 + "," + P1 + ",2025-01-10,2025-01-10,2025-06-30,TOK,400,10",
                        "C7," + E4 + "," + P1 + ",2025-01-10,2025-01-10,2025-06-30,TOK,400,10")
                .rows("applications.csv",
                        "A4,2025-01-31T15:59:59Z," + E4 + ",C4",
                        "A5,2025-01-31T16:00:00Z," + E4 + ",C5",
                        "A6,2025-12-31T23:59:59+08:00," + E4 + ",C6",
                        "A7,2025-12-31T16:00:00Z," + E4 + ",C7")
                .rows("redemptions.csv")
                .replay();
        assertThat(result.decision("A4")).isEqualTo("application,A4,rejected,0,SUBMITTED_OUTSIDE_WINDOW");
        assertThat(result.decision("A5")).isEqualTo("application,A5,approved,1200,");
        assertThat(result.decision("A6")).isEqualTo("application,A6,approved,1200,");
        assertThat(result.decision("A7")).isEqualTo("application,A7,rejected,0,SUBMITTED_OUTSIDE_WINDOW");
    }

    @Test
    void duplicateApplicationOnlyAfterAnApprovedOrPartialOne() {
        var result = fixture()
                .rows("applications.csv",
                        "A0,2025-01-15T09:00:00+08:00," + E1 + ",C1", // outside the window: rejected
                        "A1,2025-03-01T09:00:00+08:00," + E1 + ",C1",
                        "A2,2025-03-02T09:00:00+08:00," + E1 + ",C2", // partial
                        "A1b,2025-03-03T09:00:00+08:00," + E1 + ",C1",
                        "A2b,2025-03-03T09:00:00+08:00," + E1 + ",C2")
                .rows("redemptions.csv")
                .replay();
        assertThat(result.decisions()).isEqualTo("""
                kind,id,status,amount_fen,reasons
                application,A0,rejected,0,SUBMITTED_OUTSIDE_WINDOW
                application,A1,approved,30000,
                application,A2,partial,10000,CAP_LIMITED
                application,A1b,rejected,0,DUPLICATE_APPLICATION
                application,A2b,rejected,0,DUPLICATE_APPLICATION
                """);
    }

    @Test
    void categoryNotCoveredWhenNoLineIsInAProgramCategory() {
        var result = fixture()
                .rows("catalog.csv",
                        P1 + ",GPU-A,compute.other,gpu_hour,1000,8,2025-01-01,2025-12-31",
                        P1 + ",TOK,model.filed,million_tokens,500,,2025-01-01,2025-12-31")
                .rows("applications.csv", "A1,2025-03-01T09:00:00+08:00," + E1 + ",C1")
                .rows("redemptions.csv")
                .replay();
        assertThat(result.decision("A1")).isEqualTo("application,A1,rejected,0,CATEGORY_NOT_COVERED");
    }

    @Test
    void everyReasonThatAppliesIsListedSorted() {
        var result = fixture()
                .rows("relations.csv", E3 + "," + P1 + ",shareholder")
                .append("contracts.csv", "C4," + E3 + "," + P1 + ",2024-12-01,2024-12-01,2026-12-31,GPU-A,1000,10")
                .rows("applications.csv", "A1,2026-01-01T09:00:00+08:00," + E3 + ",C4")
                .rows("redemptions.csv")
                .replay();
        // signed 2024-12-01, before GPU-A was listed: no line has a unit or a category either
        assertThat(result.decision("A1")).isEqualTo("application,A1,rejected,0,CATEGORY_NOT_COVERED;"
                + "CONTRACT_TERM_TOO_LONG;OUT_OF_JURISDICTION;PROVIDER_NOT_LISTED;RELATED_PARTY;"
                + "SIGNED_OUTSIDE_PERIOD;SUBMITTED_OUTSIDE_WINDOW");
    }

    @Test
    void zeroRequestWhenTheLinesAreWorthNothing() {
        var result = fixture()
                .append("contracts.csv",
                        "C4," + E4 + "," + P1 + ",2025-03-01,2025-03-01,2025-06-30,TOK,400,0",
                        "C5," + E4 + "," + P1 + ",2025-03-01,2025-03-01,2025-06-30,TOK,0,100",
                        "C6," + E4 + "," + P1 + ",2025-03-01,2025-03-01,2025-06-30,TOK,3,1") // 0.9 fen
                .rows("applications.csv",
                        "A4,2025-03-01T09:00:00+08:00," + E4 + ",C4",
                        "A5,2025-03-01T09:00:00+08:00," + E4 + ",C5",
                        "A6,2025-03-01T09:00:00+08:00," + E4 + ",C6")
                .rows("redemptions.csv")
                .replay();
        assertThat(result.decision("A4")).isEqualTo("application,A4,rejected,0,ZERO_REQUEST");
        assertThat(result.decision("A5")).isEqualTo("application,A5,rejected,0,ZERO_REQUEST");
        assertThat(result.decision("A6")).isEqualTo("application,A6,rejected,0,ZERO_REQUEST");
    }

    @Test
    void requestFloorsRatioTimesExactLineValuePerLine() {
        // 0.3333 × 333 × 1.5 = 166.48335 → 166; 0.3333 × 7 × 0.000003 → 0
        ReplayFixture fixture = fixture();
        fixture.with("program.yaml", program(fixture, "model.filed: 0.30", "model.filed: 0.3333"))
                .rows("catalog.csv", P1 + ",TOK,model.filed,million_tokens,500,,2025-01-01,2025-12-31",
                        P1 + ",TOK2,model.filed,million_tokens,500,,2025-01-01,2025-12-31")
                .append("contracts.csv",
                        "C4," + E4 + "," + P1 + ",2025-03-01,2025-03-01,2025-06-30,TOK,333,1.5",
                        "C4," + E4 + "," + P1 + ",2025-03-01,2025-03-01,2025-06-30,TOK2,7,0.000003")
                .rows("applications.csv", "A4,2025-03-01T09:00:00+08:00," + E4 + ",C4")
                .rows("redemptions.csv");
        assertThat(fixture.replay().decision("A4")).isEqualTo("application,A4,approved,166,");
    }

    @Test
    void budgetLimitedWhenTheBudgetIsTheSmallestTerm() {
        var result = withBudget(fixture(), "500", "400")
                .append("contracts.csv", "C4," + E4 + "," + P1 + ",2025-03-01,2025-03-01,2025-06-30,TOK,400,200")
                .append("applications.csv", "A4,2025-03-03T09:00:00+08:00," + E4 + ",C4")
                .rows("redemptions.csv")
                .replay();
        assertThat(result.decisions()).isEqualTo("""
                kind,id,status,amount_fen,reasons
                application,A1,approved,30000,
                application,A2,partial,10000,CAP_LIMITED
                application,A3,rejected,0,RELATED_PARTY
                application,A4,partial,10000,BUDGET_LIMITED
                """);
        assertThat(result.budget()).isEqualTo("{\"budget_fen\":50000,\"reserved_fen\":50000,\"granted_fen\":0,\"available_fen\":0}\n");
    }

    @Test
    void capAndBudgetBothLimitingWhenTheirTermsAreEqual() {
        var result = withBudget(fixture(), "400", "400").rows("redemptions.csv").replay();
        assertThat(result.decision("A2")).isEqualTo("application,A2,partial,10000,BUDGET_LIMITED;CAP_LIMITED");
    }

    @Test
    void capReachedBudgetExhaustedOrBoth() {
        var capOnly = withBudget(fixture(), "1000", "300").rows("redemptions.csv").replay();
        assertThat(capOnly.decision("A2")).isEqualTo("application,A2,rejected,0,ENTERPRISE_CAP_REACHED");

        var budgetOnly = withBudget(fixture(), "300", "400")
                .append("contracts.csv", "C4," + E4 + "," + P1 + ",2025-03-01,2025-03-01,2025-06-30,TOK,400,200")
                .rows("applications.csv",
                        "A1,2025-03-01T09:00:00+08:00," + E1 + ",C1",
                        "A4,2025-03-03T09:00:00+08:00," + E4 + ",C4")
                .rows("redemptions.csv").replay();
        assertThat(budgetOnly.decision("A4")).isEqualTo("application,A4,rejected,0,BUDGET_EXHAUSTED");

        var both = withBudget(fixture(), "300", "300").rows("redemptions.csv").replay();
        assertThat(both.decision("A2")).isEqualTo("application,A2,rejected,0,BUDGET_EXHAUSTED;ENTERPRISE_CAP_REACHED");
    }

    @Test
    void approvedWhenTheRequestEqualsWhatIsLeft() {
        var result = withBudget(fixture(), "540", "540").rows("redemptions.csv").replay();
        assertThat(result.decision("A2")).isEqualTo("application,A2,approved,24000,");
        assertThat(result.budget()).isEqualTo("{\"budget_fen\":54000,\"reserved_fen\":54000,\"granted_fen\":0,\"available_fen\":0}\n");
    }

    @Test
    void theBudgetRunsOutAndIsNeverOversold() {
        ReplayFixture fixture = withBudget(fixture(), "1000.50", "8000");
        StringBuilder orgs = new StringBuilder(fixture.file("orgs.csv"));
        StringBuilder contracts = new StringBuilder(fixture.file("contracts.csv"));
        StringBuilder applications = new StringBuilder("application_id,submitted_at,enterprise_uscc,contract_id\n");
        for (int i = 0; i < 6; i++) {
            String enterprise = Uscc.withCheckCharacter("91330106MB000000" + i);
            orgs.append(enterprise).append(",x,enterprise,330106\n");
            contracts.append("K").append(i).append(',').append(enterprise).append(',').append(P1)
                    .append(",2025-03-01,2025-03-01,2025-06-30,GPU-A,1000,100\n"); // 30,000 fen each
            applications.append("B").append(i).append(",2025-03-0").append(i + 1).append("T09:00:00+08:00,")
                    .append(enterprise).append(",K").append(i).append('\n');
        }
        var result = fixture.with("orgs.csv", orgs.toString()).with("contracts.csv", contracts.toString())
                .with("applications.csv", applications.toString()).rows("redemptions.csv").replay();
        assertThat(result.decisions()).isEqualTo("""
                kind,id,status,amount_fen,reasons
                application,B0,approved,30000,
                application,B1,approved,30000,
                application,B2,approved,30000,
                application,B3,partial,10050,BUDGET_LIMITED
                application,B4,rejected,0,BUDGET_EXHAUSTED
                application,B5,rejected,0,BUDGET_EXHAUSTED
                """);
        assertThat(result.budget()).isEqualTo("{\"budget_fen\":100050,\"reserved_fen\":100050,\"granted_fen\":0,\"available_fen\":0}\n");
    }

    @Test
    void startupsGetTheStartupRatioWhenTheProgramAndTheRegistrySaySo() {
        ReplayFixture fixture = fixture();
        String orgs = fixture.file("orgs.csv").replace("uscc,name,kind,region_code\n", "uscc,name,kind,region_code,startup\n")
                .replace("e1,enterprise,330106\n", "e1,enterprise,330106,true\n")
                .replace("e2,enterprise,330106\n", "e2,enterprise,330106,false\n")
                .replace("e3,enterprise,330201\n", "e3,enterprise,330201,\n")
                .replace("p1,provider,330106\n", "p1,provider,330106,\n")
                .replace("e4,enterprise,330106\n", "e4,enterprise,330106,\n");
        var result = fixture.with("orgs.csv", orgs)
                .with("program.yaml", fixture.file("program.yaml") + "startup_categories: { compute.domestic: 0.60 }\n")
                .replay();
        assertThat(result.exit()).as(result.stderr()).isZero();
        // A1: floor(0.60 × 1000 × 100) = 60,000 > the 40,000 cap; A2 (model.filed keeps 0.30) finds no cap left
        assertThat(result.decisions()).isEqualTo("""
                kind,id,status,amount_fen,reasons
                application,A1,partial,40000,CAP_LIMITED
                application,A2,rejected,0,ENTERPRISE_CAP_REACHED
                application,A3,rejected,0,RELATED_PARTY
                redemption,R1,approved,4800,
                """);
        assertThat(result.budget()).isEqualTo("{\"budget_fen\":100000,\"reserved_fen\":35200,\"granted_fen\":4800,\"available_fen\":60000}\n");
    }

    // ------------------------------------------------------------------ redemptions

    /** 100 million tokens on C2 (price basis 400): 40,000 fen, raw 12,000 against A2's 10,000. */
    static String bigTokens(String id, String day) {
        return event(id, P1, "C2", "TOK", null, "100", day + "T10:00:00+08:00", day + "T11:00:00+08:00");
    }

    @Test
    void noVoucherForAMissingRejectedOrNotYetDecidedApplication() {
        var result = fixture()
                .rows("redemptions.csv",
                        "R0,2025-03-01T00:59:59Z,A1,2025-03-01,2025-03-31,false", // A1 is 01:00Z
                        "0R,2025-03-01T01:00:00Z,A1,2025-03-01,2025-03-31,false", // same instant, "0R" < "A1"
                        "R1,2025-03-01T01:00:00Z,A1,2025-03-01,2025-03-31,false", // "A1" < "R1"
                        "R2,2025-04-01T09:00:00+08:00,A3,2025-03-01,2025-03-31,true",
                        "R3,2025-04-01T09:00:00+08:00,A9,2025-03-01,2025-03-31,true")
                .replay();
        assertThat(result.decisions()).isEqualTo("""
                kind,id,status,amount_fen,reasons
                redemption,R0,rejected,0,NO_VOUCHER
                redemption,0R,rejected,0,NO_VOUCHER
                application,A1,approved,30000,
                redemption,R1,approved,2400,
                application,A2,partial,10000,CAP_LIMITED
                application,A3,rejected,0,RELATED_PARTY
                redemption,R2,rejected,0,NO_VOUCHER
                redemption,R3,rejected,0,NO_VOUCHER
                """);
        assertThat(result.budget()).isEqualTo(ReplayFixture.expected("budget.json"));
    }

    @Test
    void aFinalRedemptionReleasesTheRestEvenWithoutUsageAndClosesTheVoucher() {
        var result = fixture()
                .append("redemptions.csv",
                        "R2,2025-05-01T09:00:00+08:00,A1,2025-04-01,2025-04-30,true",
                        "R3,2025-05-02T09:00:00+08:00,A1,2025-03-01,2025-03-31,true",
                        "R4,2025-05-03T09:00:00+08:00,A1,2025-03-01,2025-03-31,false")
                .append("contracts.csv", "C4," + E1 + "," + P1 + ",2025-04-01,2025-04-01,2025-06-30,GPU-A,1000,100")
                .append("applications.csv", "A4,2025-05-04T09:00:00+08:00," + E1 + ",C4")
                .replay();
        assertThat(result.decision("R2")).isEqualTo("redemption,R2,rejected,0,NO_ELIGIBLE_USAGE");
        assertThat(result.decision("R3")).isEqualTo("redemption,R3,rejected,0,VOUCHER_CLOSED");
        assertThat(result.decision("R4")).isEqualTo("redemption,R4,rejected,0,VOUCHER_CLOSED");
        // E1 holds 10,000 (A2) + 2,400 granted; 27,600 of its 40,000 cap is free again
        assertThat(result.decision("A4")).isEqualTo("application,A4,partial,27600,CAP_LIMITED");
        assertThat(result.budget()).isEqualTo("{\"budget_fen\":100000,\"reserved_fen\":37600,\"granted_fen\":2400,\"available_fen\":60000}\n");
    }

    @Test
    void reservationLimitedThenUsedUpAndAFinalOneReleasesNothingMore() {
        var result = fixture()
                .with("usage.ndjson", bigTokens("t1", "2025-03-05") + "\n" + bigTokens("t2", "2025-04-05") + "\n")
                .rows("redemptions.csv",
                        "R1,2025-04-01T09:00:00+08:00,A2,2025-03-01,2025-03-31,false",
                        "R2,2025-05-01T09:00:00+08:00,A2,2025-04-01,2025-04-30,false",
                        "R3,2025-05-02T09:00:00+08:00,A2,2025-04-01,2025-04-30,true")
                .replay();
        assertThat(result.decision("R1")).isEqualTo("redemption,R1,partial,10000,RESERVATION_LIMITED");
        assertThat(result.decision("R2")).isEqualTo("redemption,R2,rejected,0,RESERVATION_USED_UP");
        // R2 counted April's event though it paid nothing: spent
        assertThat(result.decision("R3")).isEqualTo("redemption,R3,rejected,0,NO_ELIGIBLE_USAGE");
        assertThat(result.budget()).isEqualTo("{\"budget_fen\":100000,\"reserved_fen\":30000,\"granted_fen\":10000,\"available_fen\":60000}\n");
    }

    @Test
    void eventsAreSpentOnceAndTakenByTheShanghaiDateOfTheirStart() {
        var result = fixture()
                .with("usage.ndjson", String.join("\n",
                        event("m", P1, "C1", "GPU-A", 1, "1", "2025-03-31T15:00:00Z", "2025-03-31T16:00:00Z"), // 23:00 local
                        event("a", P1, "C1", "GPU-A", 2, "2", "2025-03-31T16:30:00Z", "2025-03-31T17:30:00Z")) // 00:30 Apr 1
                        + "\n")
                .rows("redemptions.csv",
                        "R1,2025-04-01T09:00:00+08:00,A1,2025-03-01,2025-03-31,false",
                        "R2,2025-04-02T09:00:00+08:00,A1,2025-03-01,2025-03-31,false",
                        "R3,2025-05-01T09:00:00+08:00,A1,2025-03-01,2025-04-30,false")
                .replay();
        assertThat(result.decision("R1")).isEqualTo("redemption,R1,approved,300,"); // 1 × 1000 × 0.30
        assertThat(result.decision("R2")).isEqualTo("redemption,R2,rejected,0,NO_ELIGIBLE_USAGE");
        assertThat(result.decision("R3")).isEqualTo("redemption,R3,approved,600,");
    }

    @Test
    void onlyLinesOfProgramCategoriesAreSubsidisedFlooredPerCategory() {
        // C4: GPU-A (compute.domestic 0.30) and TOK2 (model.other, not in the program)
        var result = fixture()
                .append("catalog.csv", P1 + ",TOK2,model.other,million_tokens,500,,2025-01-01,2025-12-31")
                .append("contracts.csv",
                        "C4," + E4 + "," + P1 + ",2025-03-01,2025-03-01,2025-06-30,GPU-A,1000,10",
                        "C4," + E4 + "," + P1 + ",2025-03-01,2025-03-01,2025-06-30,TOK2,400,10",
                        "C4," + E4 + "," + P1 + ",2025-03-01,2025-03-01,2025-06-30,TOK,400,10")
                .with("usage.ndjson", String.join("\n",
                        event("g", P1, "C4", "GPU-A", 1, "0.001667", "2025-03-05T10:00:00+08:00", "2025-03-05T10:00:06+08:00"),
                        event("h", P1, "C4", "GPU-A", 1, "0.001667", "2025-03-05T11:00:00+08:00", "2025-03-05T11:00:06+08:00"),
                        event("o", P1, "C4", "TOK2", null, "5", "2025-03-05T10:00:00+08:00", "2025-03-05T11:00:00+08:00"),
                        event("t", P1, "C4", "TOK", null, "0.005", "2025-03-05T10:00:00+08:00", "2025-03-05T11:00:00+08:00"))
                        + "\n")
                .rows("applications.csv", "A4,2025-03-01T09:00:00+08:00," + E4 + ",C4")
                .rows("redemptions.csv", "R1,2025-04-01T09:00:00+08:00,A4,2025-03-01,2025-03-31,true")
                .replay();
        // request: 0.30 × 1000 × 10 + 0.30 × 400 × 10 = 3000 + 1200 (TOK2 not covered)
        assertThat(result.decision("A4")).isEqualTo("application,A4,approved,4200,");
        // GPU: 1.667 → 2 fen, twice = 4 fen → floor(1.2) = 1; TOK: 2 fen → floor(0.6) = 0; TOK2 not counted
        assertThat(result.decision("R1")).isEqualTo("redemption,R1,approved,1,");
        assertThat(result.budget()).isEqualTo("{\"budget_fen\":100000,\"reserved_fen\":0,\"granted_fen\":1,\"available_fen\":99999}\n");
    }

    @Test
    void redemptionsOfARejectedOrClosedVoucherChangeNothingEvenWhenFinal() {
        var result = fixture()
                .append("redemptions.csv",
                        "R2,2025-04-02T09:00:00+08:00,A3,2025-03-01,2025-03-31,true",
                        "R3,2025-04-03T09:00:00+08:00,A1,2025-03-01,2025-03-31,true",
                        "R4,2025-04-04T09:00:00+08:00,A1,2025-03-01,2025-03-31,true")
                .replay();
        assertThat(result.decision("R3")).isEqualTo("redemption,R3,rejected,0,NO_ELIGIBLE_USAGE");
        assertThat(result.decision("R4")).isEqualTo("redemption,R4,rejected,0,VOUCHER_CLOSED");
        assertThat(result.budget()).isEqualTo("{\"budget_fen\":100000,\"reserved_fen\":10000,\"granted_fen\":2400,\"available_fen\":87600}\n");
    }
}
