package org.zhice.voucher;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.transaction.support.TransactionTemplate;
import org.zhice.identity.Role;
import org.zhice.identity.Users;
import org.zhice.ledger.Account;
import org.zhice.ledger.Ledger;
import org.zhice.metering.AcceptedUsage;
import org.zhice.metering.IngestResult;
import org.zhice.metering.Metering;
import org.zhice.metering.UsageLine;
import org.zhice.policy.ProgramCatalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;
import static org.zhice.voucher.VoucherFixtures.APPROVER;
import static org.zhice.voucher.VoucherFixtures.APPROVER_2;
import static org.zhice.voucher.VoucherFixtures.OFFICE;
import static org.zhice.voucher.VoucherFixtures.PDF;
import static org.zhice.voucher.VoucherFixtures.REVIEWER;
import static org.zhice.voucher.VoucherFixtures.enterprise;

/**
 * The life of a voucher on real PostgreSQL, through the services, the ledger, metering and the
 * pages: apply → review → reserve → redeem on metered usage → 公示 → disburse; maker-checker;
 * invoice numbers once across programs; objections that hold; clawbacks offset; privacy.
 */
@SpringBootTest
@AutoConfigureMockMvc
@Import(VoucherFixtures.Clocks.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VoucherFlowTest {

    static final String PROGRAM = "tv-2025-compute";
    static final String OTHER_PROGRAM = "tw-2025-compute";
    static final String DEDUCT_PROGRAM = "td-2025-compute";

    @Autowired MockMvc mvc;
    @Autowired JdbcClient jdbc;
    @Autowired TransactionTemplate tx;
    @Autowired Users users;
    @Autowired ProgramCatalog programs;
    @Autowired Ledger ledger;
    @Autowired Metering metering;
    @Autowired VoucherFixtures.MovableClock clock;
    @Autowired UploadedContracts uploads;
    @Autowired Applications applications;
    @Autowired Redemptions redemptions;
    @Autowired Objections objections;
    @Autowired Disbursements disbursements;
    @Autowired Clawbacks clawbacks;
    @Autowired org.zhice.identity.ApiTokens tokens;
    @Autowired org.springframework.context.MessageSource messages;
    @Autowired RiskFlags riskFlags;

    String e1;
    String e2;
    String related;
    String provider;
    int events;

    @BeforeAll
    void setUp() {
        tx.executeWithoutResult(s -> {
            e1 = VoucherFixtures.organisation(jdbc, "enterprise", "330106", "甲智能科技有限公司");
            e2 = VoucherFixtures.organisation(jdbc, "enterprise", "330108", "乙数据科技有限公司");
            related = VoucherFixtures.organisation(jdbc, "enterprise", "330110", "丙网络科技有限公司");
            provider = VoucherFixtures.organisation(jdbc, "provider", "330110", "丁算力有限公司");
            String person = VoucherFixtures.person(jdbc, "张三");
            VoucherFixtures.relation(jdbc, person, related, "legal_rep");
            VoucherFixtures.relation(jdbc, person, provider, "shareholder");
            VoucherFixtures.offering(jdbc, provider, "T-910B", "compute.domestic", 1_000, 64,
                    LocalDate.of(2025, 1, 1), LocalDate.of(2025, 12, 31));
            VoucherFixtures.offering(jdbc, provider, "T-QWEN", "model.filed", 2_000, null,
                    LocalDate.of(2025, 1, 1), LocalDate.of(2025, 12, 31));
            users.create("ent-a", "secret-pass", "甲", Role.ENTERPRISE, e1);
            users.create("ent-b", "secret-pass", "乙", Role.ENTERPRISE, e2);
            users.create("ent-related", "secret-pass", "丙", Role.ENTERPRISE, related);
            users.create("flow-reviewer", "secret-pass", "R", Role.REVIEWER, null);
            users.create("flow-approver", "secret-pass", "A", Role.APPROVER, null);
            users.create("flow-office", "secret-pass", "O", Role.PROGRAM_OFFICE, null);
            users.create("flow-provider", "secret-pass", "P", Role.PROVIDER, provider);
        });
        VoucherFixtures.storeProgram(programs, PROGRAM, 1_000_000, 50_000, "claim_after_payment");
        VoucherFixtures.storeProgram(programs, OTHER_PROGRAM, 1_000_000, 50_000, "claim_after_payment");
        VoucherFixtures.storeProgram(programs, DEDUCT_PROGRAM, 1_000_000, 50_000, "provider_deducts");
    }

    void at(int month, int day, int hour) {
        clock.set(LocalDateTime.of(2025, month, day, hour, 0));
    }

    /** E's contract with the provider: 1,000 GPU-hours of T-910B at 12 元 (reference 10 元). */
    String contract(String enterprise, LocalDate signed) {
        return uploads.store(enterprise(enterprise), enterprise, new UploadedContracts.Upload(provider, "HT-1",
                signed.toString(), signed.toString(), signed.plusDays(200).toString(),
                "sku,unit_price_fen,quantity_max\nT-910B,1200,1000\n", "contract.pdf", PDF));
    }

    /** An approved voucher of 300 元 (floor(0.30 × min(1200, 1000) × 1000) = 300,000 fen). */
    ApplicationRecord voucher(String enterprise, String program, String contractId) {
        ApplicationRecord applied = applications.apply(enterprise(enterprise), program, contractId);
        applications.prepare(REVIEWER, applied.id(), "approve", null);
        return applications.decide(APPROVER, applied.id(), true, null);
    }

    /** GPU usage of 8 GPUs for {@code hours} starting on the day at 09:00 (+08:00). */
    void usage(String contractId, LocalDate day, int hours) {
        Instant start = day.atTime(9, 0).atZone(VoucherFixtures.SHANGHAI).toInstant();
        IngestResult result = metering.ingest(provider, List.of(new UsageLine("ev-" + (++events), provider, contractId,
                "T-910B", 8, BigDecimal.valueOf(8L * hours), start, start.plusSeconds(3600L * hours))));
        assertThat(result.accepted()).as(result.toString()).isEqualTo(1);
    }

    RedemptionRecord redeem(String enterprise, String applicationId, LocalDate from, LocalDate to, boolean last,
                            String invoice) {
        RedemptionRecord filed = redemptions.file(enterprise(enterprise),
                new Redemptions.Claim(applicationId, from, to, last, List.of(invoice)));
        redemptions.prepare(REVIEWER, filed.id(), "approve", null);
        return redemptions.decide(APPROVER, filed.id(), true, null);
    }

    Account account(java.util.UUID id) {
        return ledger.balances(id).orElseThrow();
    }

    @Test
    void oneUploadAgainstSeveralUploadedContractsPricesEachEventByItsOwnContract() {
        at(3, 26, 10);
        // 12 元 against the reference 10 元: price basis 10 元; 8 元: basis 8 元 (spec §3)
        String dear = contract(e1, LocalDate.of(2025, 3, 20));
        String cheap = uploads.store(enterprise(e2), e2, new UploadedContracts.Upload(provider, "HT-8",
                "2025-03-20", "2025-03-20", "2025-10-06", "sku,unit_price_fen,quantity_max\nT-910B,800,1000\n",
                "contract.pdf", PDF));
        Instant start = LocalDate.of(2025, 3, 25).atTime(9, 0).atZone(VoucherFixtures.SHANGHAI).toInstant();
        Instant end = start.plusSeconds(3 * 3600);
        IngestResult result = metering.ingest(provider, List.of(
                new UsageLine("several-1", provider, dear, "T-910B", 2, BigDecimal.valueOf(6), start, end),
                new UsageLine("several-2", provider, cheap, "T-910B", 2, BigDecimal.valueOf(6), start, end),
                new UsageLine("several-3", provider, "UC2025-999999", "T-910B", 2, BigDecimal.valueOf(6), start, end),
                new UsageLine("several-4", provider, cheap, "T-QWEN", null, BigDecimal.ONE, start, end)));

        assertThat(result.results()).extracting(IngestResult.LineResult::outcome, IngestResult.LineResult::code)
                .containsExactly(tuple(IngestResult.Outcome.ACCEPTED, null), tuple(IngestResult.Outcome.ACCEPTED, null),
                        tuple(IngestResult.Outcome.REJECTED, "UNKNOWN_CONTRACT_LINE"),
                        tuple(IngestResult.Outcome.REJECTED, "UNKNOWN_CONTRACT_LINE"));
        assertThat(metering.acceptedUsage(dear)).extracting(AcceptedUsage::eventId, AcceptedUsage::amountFen)
                .containsExactly(tuple("several-1", 6_000L));
        assertThat(metering.acceptedUsage(cheap)).extracting(AcceptedUsage::eventId, AcceptedUsage::amountFen)
                .containsExactly(tuple("several-2", 4_800L));
    }

    @Test
    void fromApplicationToPaymentOnTheLedger() throws Exception {
        at(3, 3, 10);
        String contract = contract(e1, LocalDate.of(2025, 3, 1));
        ApplicationRecord applied = applications.apply(enterprise(e1), PROGRAM, contract);
        assertThat(applied.stage()).isEqualTo("pending");
        assertThat(applied.requestFen()).isEqualTo(300_000);
        assertThat(applications.prepare(REVIEWER, applied.id(), "approve", "材料齐全").stage()).isEqualTo("prepared");
        ApplicationRecord approved = applications.decide(APPROVER, applied.id(), true, null);
        assertThat(approved.status()).isEqualTo("approved");
        assertThat(approved.reservationFen()).isEqualTo(300_000);

        Account pool = account(VoucherAccounts.budgetPool(PROGRAM));
        assertThat(pool.creditsPostedFen()).isEqualTo(100_000_000);
        assertThat(pool.debitsPendingFen()).isGreaterThanOrEqualTo(300_000);
        assertThat(account(VoucherAccounts.reserved(PROGRAM, e1)).creditsPendingFen()).isEqualTo(300_000);

        // 8 GPUs × 10 h on 2025-03-04 at the reference price 10 元: 800 元 of usage, 240 元 of subsidy
        at(3, 6, 10);
        usage(contract, LocalDate.of(2025, 3, 4), 10);
        RedemptionRecord redeemed = redeem(e1, applied.id(), LocalDate.of(2025, 3, 1), LocalDate.of(2025, 3, 31), false,
                "INV-2025-0001");
        assertThat(redeemed.status()).isEqualTo("approved");
        assertThat(redeemed.subsidyFen()).isEqualTo(24_000);
        // 公示: 5 working days after Thursday 2025-03-06 → Thursday 2025-03-13
        assertThat(redeemed.noticeUntil()).isEqualTo(LocalDate.of(2025, 3, 13));
        ApplicationRecord voucher = applications.find(applied.id()).orElseThrow();
        assertThat(voucher.leftFen()).isEqualTo(276_000);
        assertThat(voucher.grantedFen()).isEqualTo(24_000);
        assertThat(account(VoucherAccounts.reserved(PROGRAM, e1)).creditsPendingFen()).isEqualTo(276_000);
        assertThat(account(VoucherAccounts.reserved(PROGRAM, e1)).creditsPostedFen()).isEqualTo(24_000);
        mvc.perform(get("/public/notices")).andExpect(status().isOk())
                .andExpect(content().string(containsString(redeemed.id())))
                .andExpect(content().string(containsString("甲智能科技有限公司")));

        // not payable before the window has passed, payable the next day
        at(3, 13, 18);
        assertThat(disbursements.ready(PROGRAM, LocalDate.of(2025, 3, 13))).extracting(RedemptionRecord::id)
                .doesNotContain(redeemed.id());
        at(3, 14, 9);
        Disbursements.Batch batch = disbursements.run(OFFICE, PROGRAM);
        assertThat(disbursements.lines(batch.id())).extracting(Disbursements.Line::redemptionId).contains(redeemed.id());
        assertThat(redemptions.find(redeemed.id()).orElseThrow().stage()).isEqualTo("paid");
        String file = disbursements.bankFile(batch.id()).orElseThrow();
        assertThat(file).startsWith(BankFile.HEADER + "\n").contains(e1 + ",甲智能科技有限公司,,,240.00,ZHICE-" + redeemed.id());
        assertThat(account(VoucherAccounts.bank(PROGRAM)).creditsPostedFen()).isGreaterThanOrEqualTo(24_000);
        assertThat(account(VoucherAccounts.payable(PROGRAM, e1)).debitsPostedFen())
                .isEqualTo(account(VoucherAccounts.payable(PROGRAM, e1)).creditsPostedFen());

        // the enterprise sees where it stands; another enterprise sees nothing of it
        mvc.perform(get("/vouchers/mine").with(user(users.loadUserByUsername("ent-a"))))
                .andExpect(status().isOk()).andExpect(content().string(containsString(applied.id())));
        mvc.perform(get("/vouchers/applications/{id}", applied.id()).with(user(users.loadUserByUsername("ent-b"))))
                .andExpect(status().isNotFound());
        mvc.perform(get("/vouchers/redemptions/{id}", redeemed.id()).with(user(users.loadUserByUsername("ent-b"))))
                .andExpect(status().isNotFound());
        mvc.perform(get("/vouchers/mine").with(user(users.loadUserByUsername("ent-b"))))
                .andExpect(status().isOk()).andExpect(content().string(org.hamcrest.Matchers.not(containsString(applied.id()))));
        assertThat(ledger.verify().ok()).isTrue();
    }

    @Test
    void theOneWhoPreparesMayNotDecide() {
        at(4, 1, 10);
        String contract = contract(e2, LocalDate.of(2025, 3, 20));
        ApplicationRecord applied = applications.apply(enterprise(e2), PROGRAM, contract);
        applications.prepare(APPROVER_2, applied.id(), "approve", null);
        assertThatThrownBy(() -> applications.decide(APPROVER_2, applied.id(), true, null))
                .isInstanceOf(VoucherException.class)
                .satisfies(e -> assertThat(((VoucherException) e).problems().get(0).code())
                        .isEqualTo("voucher.error.makerChecker"));
        assertThat(applications.find(applied.id()).orElseThrow().stage()).isEqualTo("prepared");
        // and the database itself refuses it, whatever the code does
        assertThatThrownBy(() -> jdbc.sql("""
                        update voucher_application set stage = 'decided', status = 'rejected', decided_by = prepared_by,
                            decided_at = now() where id = :id""")
                .param("id", applied.id()).update())
                .isInstanceOf(DataIntegrityViolationException.class)
                .hasMessageContaining("voucher_application_maker_checker");
        assertThat(applications.decide(APPROVER, applied.id(), true, null).status()).isEqualTo("approved");
    }

    @Test
    void twoProgramsApprovingOneContractAtOnceGiveOneVoucherAndAClearConflict() throws Exception {
        at(4, 2, 10);
        // both programs funded already, so that neither decision below waits before its rules have run
        for (String program : List.of(PROGRAM, OTHER_PROGRAM)) {
            ApplicationRecord other = applications.apply(enterprise(e1), program, contract(e1, LocalDate.of(2025, 4, 1)));
            applications.prepare(REVIEWER, other.id(), "reject", "测试");
            applications.decide(APPROVER, other.id(), false, "测试");
        }
        String contract = contract(e2, LocalDate.of(2025, 4, 1));
        ApplicationRecord a1 = applications.apply(enterprise(e2), PROGRAM, contract);
        ApplicationRecord a2 = applications.apply(enterprise(e2), OTHER_PROGRAM, contract);
        applications.prepare(REVIEWER, a1.id(), "approve", null);
        applications.prepare(REVIEWER, a2.id(), "approve", null);

        // the first decision is made and held uncommitted while the second one runs its rules
        java.util.concurrent.CountDownLatch decided = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.Future<ApplicationRecord> first = threads.submit(() -> tx.execute(s -> {
                ApplicationRecord d = applications.decide(APPROVER, a1.id(), true, null);
                decided.countDown();
                try {
                    release.await(60, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return d;
            }));
            assertThat(decided.await(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            java.util.concurrent.Future<ApplicationRecord> second = threads.submit(
                    () -> applications.decide(APPROVER_2, a2.id(), true, null));
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (jdbc.sql("select count(*) from pg_stat_activity where wait_event_type = 'Lock'")
                    .query(Integer.class).single() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            release.countDown();
            assertThat(first.get(60, java.util.concurrent.TimeUnit.SECONDS).status()).isEqualTo("approved");
            assertThatThrownBy(() -> second.get(60, java.util.concurrent.TimeUnit.SECONDS))
                    .hasCauseInstanceOf(VoucherException.class)
                    .satisfies(e -> {
                        VoucherException refused = (VoucherException) e.getCause();
                        assertThat(refused.kind()).isEqualTo(VoucherException.Kind.CONFLICT);
                        assertThat(refused.problems().get(0).code()).isEqualTo("voucher.error.contractVoucheredMeanwhile");
                        assertThat(messages.getMessage(refused.problems().get(0).code(), refused.problems().get(0).args(),
                                java.util.Locale.ENGLISH)).contains(contract).contains("another program");
                    });
        } finally {
            release.countDown();
            threads.shutdownNow();
        }
        // nothing of the refused decision was kept; decided again, the rules see the voucher
        ApplicationRecord refused = applications.find(a2.id()).orElseThrow();
        assertThat(refused.stage()).isEqualTo("prepared");
        assertThat(refused.reservationFen()).isZero();
        assertThat(jdbc.sql("select count(*) from voucher_application where contract_id = :c and status in ('approved', 'partial')")
                .param("c", contract).query(Integer.class).single()).isEqualTo(1);
        ApplicationRecord again = applications.decide(APPROVER_2, a2.id(), true, null);
        assertThat(again.status()).isEqualTo("rejected");
        assertThat(again.reasons()).containsExactly("DUPLICATE_APPLICATION");
        assertThat(ledger.verify().ok()).isTrue();
    }

    @Test
    void relatedPartiesAreRejectedAtOnceWithThePathShown() throws Exception {
        at(4, 2, 10);
        String contract = uploads.store(enterprise(related), related, new UploadedContracts.Upload(provider, null,
                "2025-04-01", "2025-04-01", "2025-06-30", "sku,unit_price_fen,quantity_max\nT-QWEN,2000,500\n",
                "c.png", new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3}));
        ApplicationRecord applied = applications.apply(enterprise(related), PROGRAM, contract);
        assertThat(applied.status()).isEqualTo("rejected");
        assertThat(applied.reasons()).containsExactly("RELATED_PARTY");
        assertThat(applied.decidedBy()).isEqualTo(Actor.RULES);
        mvc.perform(get("/vouchers/applications/{id}", applied.id()).with(user(users.loadUserByUsername("ent-related"))))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("企业与服务商存在关联关系")))
                .andExpect(content().string(containsString("丙网络科技有限公司 —法定代表人— 张三 —股东— 丁算力有限公司")));
        mvc.perform(get("/vouchers/applications/{id}", applied.id()).param("lang", "en")
                        .with(user(users.loadUserByUsername("ent-related"))))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("related parties")));
    }

    @Test
    void anInvoiceNumberCountsOnceAcrossAllPrograms() {
        at(5, 6, 10);
        String c1 = contract(e1, LocalDate.of(2025, 5, 1));
        String c2 = contract(e2, LocalDate.of(2025, 5, 1));
        ApplicationRecord v1 = voucher(e1, PROGRAM, c1);
        ApplicationRecord v2 = voucher(e2, OTHER_PROGRAM, c2);
        usage(c1, LocalDate.of(2025, 5, 2), 5);
        RedemptionRecord first = redemptions.file(enterprise(e1), new Redemptions.Claim(v1.id(), LocalDate.of(2025, 5, 1),
                LocalDate.of(2025, 5, 31), false, List.of("FP 3301-2025 7777")));
        long before = jdbc.sql("select count(*) from voucher_redemption").query(Long.class).single();
        // another program, another enterprise, the same number written differently
        assertThatThrownBy(() -> redemptions.file(enterprise(e2), new Redemptions.Claim(v2.id(), LocalDate.of(2025, 5, 1),
                LocalDate.of(2025, 5, 31), false, List.of("fp3301２０２５7777"))))
                .isInstanceOf(VoucherException.class)
                .satisfies(e -> assertThat(((VoucherException) e).problems().get(0).code())
                        .isEqualTo("voucher.error.invoice.used"));
        assertThat(jdbc.sql("select count(*) from voucher_redemption").query(Long.class).single()).isEqualTo(before);
        // a rejected redemption gives its numbers back
        redemptions.prepare(REVIEWER, first.id(), "reject", "发票与合同不符");
        redemptions.decide(APPROVER, first.id(), false, "发票与合同不符");
        RedemptionRecord again = redemptions.file(enterprise(e2), new Redemptions.Claim(v2.id(), LocalDate.of(2025, 5, 1),
                LocalDate.of(2025, 5, 31), false, List.of("fp3301２０２５7777")));
        assertThat(redemptions.invoiceNumbers(again.id())).containsExactly("fp3301２０２５7777");
    }

    @Test
    void anObjectionHoldsTheItemUntilTheOfficeResolvesIt() throws Exception {
        at(6, 3, 10);
        String contract = contract(e2, LocalDate.of(2025, 6, 3));
        ApplicationRecord v = voucher(e2, PROGRAM, contract);
        at(6, 9, 10);
        usage(contract, LocalDate.of(2025, 6, 4), 10);
        usage(contract, LocalDate.of(2025, 6, 5), 10);
        RedemptionRecord dismissedOne = redeem(e2, v.id(), LocalDate.of(2025, 6, 4), LocalDate.of(2025, 6, 4), false,
                "OBJ-1");
        RedemptionRecord upheldOne = redeem(e2, v.id(), LocalDate.of(2025, 6, 5), LocalDate.of(2025, 6, 5), false,
                "OBJ-2");
        assertThat(dismissedOne.subsidyFen()).isEqualTo(24_000);
        assertThat(upheldOne.subsidyFen()).isEqualTo(24_000);
        long poolAvailable = account(VoucherAccounts.budgetPool(PROGRAM)).headroomFen();

        // anyone objects, without signing in, through the public page
        mvc.perform(post("/public/notices/{id}/objections", dismissedOne.id()).with(csrf())
                        .param("contact", "138 0000 0000").param("text", "该企业六月并未使用这些算力,请核实。"))
                .andExpect(status().is3xxRedirection());
        long upheldObjection = objections.file(upheldOne.id(), new Objections.Form(null, "a@b.cn",
                "用量记录与实际不符,请核实。"), "10.0.0.9");
        // bad input names the field and stores nothing
        mvc.perform(post("/public/notices/{id}/objections", upheldOne.id()).with(csrf()).param("lang", "en")
                        .param("contact", "x").param("text", "short"))
                .andExpect(status().isUnprocessableContent())
                .andExpect(content().string(containsString("How to reach you")));

        // the window passes; the held items are not paid
        at(6, 30, 10);
        assertThat(disbursements.ready(PROGRAM, LocalDate.of(2025, 6, 30))).extracting(RedemptionRecord::id)
                .doesNotContain(dismissedOne.id(), upheldOne.id());
        mvc.perform(get("/public/notices")).andExpect(content().string(containsString("notice-" + dismissedOne.id())));

        long dismissedObjection = objections.ofRedemption(dismissedOne.id()).get(0).id();
        objections.resolve(OFFICE, dismissedObjection, false, "经核实用量属实");
        assertThat(disbursements.ready(PROGRAM, LocalDate.of(2025, 6, 30))).extracting(RedemptionRecord::id)
                .contains(dismissedOne.id()).doesNotContain(upheldOne.id());

        objections.resolve(OFFICE, upheldObjection, true, "用量造假");
        RedemptionRecord rejected = redemptions.find(upheldOne.id()).orElseThrow();
        assertThat(rejected.status()).isEqualTo("rejected");
        assertThat(rejected.reasons()).containsExactly(Redemptions.OBJECTION_UPHELD);
        // the subsidy went back to the voucher's reservation: the pool's headroom is unchanged
        ApplicationRecord after = applications.find(v.id()).orElseThrow();
        assertThat(after.grantedFen()).isEqualTo(24_000);
        assertThat(after.leftFen()).isEqualTo(v.reservationFen() - 24_000);
        assertThat(account(VoucherAccounts.budgetPool(PROGRAM)).headroomFen()).isEqualTo(poolAvailable);
        assertThat(account(VoucherAccounts.reserved(PROGRAM, e2)).creditsPendingFen())
                .isEqualTo(jdbc.sql("select sum(left_fen) from voucher_application where enterprise_uscc = :e and program_id = :p")
                        .param("e", e2).param("p", PROGRAM).query(Long.class).single());
        assertThat(ledger.verify().ok()).isTrue();
    }

    @Test
    void aClawbackIsOffsetAgainstTheNextSubsidy() {
        at(7, 1, 10);
        String contract = contract(e1, LocalDate.of(2025, 7, 1));
        ApplicationRecord v = voucher(e1, PROGRAM, contract);
        at(7, 3, 10);
        usage(contract, LocalDate.of(2025, 7, 2), 10);
        RedemptionRecord first = redeem(e1, v.id(), LocalDate.of(2025, 7, 2), LocalDate.of(2025, 7, 2), false, "CB-1");
        at(7, 14, 10);
        disbursements.run(OFFICE, PROGRAM);
        assertThat(redemptions.find(first.id()).orElseThrow().paidFen()).isEqualTo(24_000);

        // 100 元 clawed back: a receivable of the enterprise
        long owedElsewhere = riskFlags.receivableElsewhereFen(OTHER_PROGRAM, e1);
        assertThatThrownBy(() -> clawbacks.record(OFFICE, first.id(), 24_001, "超额"))
                .isInstanceOf(VoucherException.class);
        clawbacks.record(OFFICE, first.id(), 10_000, "用量核减");
        assertThat(clawbacks.receivableFen(PROGRAM, e1)).isEqualTo(10_000);
        // offset only in its own program; elsewhere the reviewer is told of the debt, nothing more
        assertThat(riskFlags.receivableElsewhereFen(OTHER_PROGRAM, e1)).isEqualTo(owedElsewhere + 10_000);

        usage(contract, LocalDate.of(2025, 7, 10), 5);
        RedemptionRecord second = redeem(e1, v.id(), LocalDate.of(2025, 7, 10), LocalDate.of(2025, 7, 10), true, "CB-2");
        assertThat(second.subsidyFen()).isEqualTo(12_000);
        at(7, 28, 10);
        Disbursements.Batch batch = disbursements.run(OFFICE, PROGRAM);
        Disbursements.Line line = disbursements.lines(batch.id()).stream()
                .filter(l -> l.redemptionId().equals(second.id())).findFirst().orElseThrow();
        assertThat(line.grossFen()).isEqualTo(12_000);
        assertThat(line.offsetFen()).isEqualTo(10_000);
        assertThat(line.netFen()).isEqualTo(2_000);
        assertThat(clawbacks.receivableFen(PROGRAM, e1)).isZero();
        assertThat(riskFlags.receivableElsewhereFen(OTHER_PROGRAM, e1)).isEqualTo(owedElsewhere);
        assertThat(disbursements.bankFile(batch.id()).orElseThrow()).contains(",20.00,ZHICE-" + second.id());
        // the final redemption released what was left of the voucher
        ApplicationRecord closed = applications.find(v.id()).orElseThrow();
        assertThat(closed.closed()).isTrue();
        assertThat(closed.leftFen()).isZero();
        assertThat(closed.grantedFen()).isEqualTo(36_000);
        assertThat(ledger.verify().ok()).isTrue();
    }

    @Test
    void everyApiPostIsIdempotentUnderItsKey() throws Exception {
        at(8, 4, 10);
        String contract = contract(e1, LocalDate.of(2025, 8, 1));
        String token = tokens.issue(users.find("ent-a").orElseThrow().id(), "test");
        String body = "{\"programId\":\"" + PROGRAM + "\",\"contractId\":\"" + contract + "\"}";
        long before = jdbc.sql("select count(*) from voucher_application").query(Long.class).single();
        String first = mvc.perform(post("/api/vouchers/applications").header("Authorization", "Bearer " + token)
                        .header("Idempotency-Key", "apply-8-4").contentType("application/json").content(body))
                .andExpect(status().isCreated())
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.header()
                        .string("Idempotent-Replayed", "false"))
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath("$.stage")
                        .value("pending"))
                .andReturn().getResponse().getContentAsString();
        String again = mvc.perform(post("/api/vouchers/applications").header("Authorization", "Bearer " + token)
                        .header("Idempotency-Key", "apply-8-4").contentType("application/json").content(body))
                .andExpect(status().isCreated())
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.header()
                        .string("Idempotent-Replayed", "true"))
                .andReturn().getResponse().getContentAsString();
        assertThat(again).isEqualTo(first);
        assertThat(jdbc.sql("select count(*) from voucher_application").query(Long.class).single()).isEqualTo(before + 1);
        // the same key with another body: 409 naming the key; nothing done
        mvc.perform(post("/api/vouchers/applications").header("Authorization", "Bearer " + token)
                        .header("Idempotency-Key", "apply-8-4").contentType("application/json")
                        .content(body.replace(PROGRAM, OTHER_PROGRAM)))
                .andExpect(status().isConflict())
                .andExpect(content().contentTypeCompatibleWith("application/problem+json"))
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath("$.idempotencyKey")
                        .value("apply-8-4"))
                .andExpect(content().string(containsString("apply-8-4")));
        // no key: 400
        mvc.perform(post("/api/vouchers/applications").header("Authorization", "Bearer " + token)
                        .contentType("application/json").content(body))
                .andExpect(status().isBadRequest())
                .andExpect(content().string(containsString("Idempotency-Key")));
        // bad input: 422 naming the field; the key is not used up by it
        mvc.perform(post("/api/vouchers/applications").header("Authorization", "Bearer " + token)
                        .header("Idempotency-Key", "apply-bad").header("Accept-Language", "en")
                        .contentType("application/json").content("{\"programId\":\"no-such-program\"}"))
                .andExpect(status().isUnprocessableContent())
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath("$.errors[0].field")
                        .value("programId"));
        assertThat(jdbc.sql("select count(*) from voucher_api_request where idempotency_key = 'apply-bad'")
                .query(Long.class).single()).isZero();
        assertThat(jdbc.sql("select count(*) from voucher_application").query(Long.class).single()).isEqualTo(before + 1);
        // another enterprise's token cannot read it
        String id = first.replaceAll(".*\"id\":\"(VA[0-9-]+)\".*", "$1");
        String other = tokens.issue(users.find("ent-b").orElseThrow().id(), "test");
        mvc.perform(get("/api/vouchers/applications/{id}", id).header("Authorization", "Bearer " + other))
                .andExpect(status().isNotFound());
        mvc.perform(get("/api/vouchers/applications/{id}", id).header("Authorization", "Bearer " + token))
                .andExpect(status().isOk());
        // the description of the API
        mvc.perform(get("/v3/api-docs")).andExpect(status().isOk())
                .andExpect(content().string(containsString("/api/vouchers/applications")))
                .andExpect(content().string(containsString("/api/vouchers/redemptions/{id}/decision")));
    }

    @Test
    void theReviewAndOfficePagesShowEvidenceFlagsAndCharts() throws Exception {
        at(9, 1, 10);
        String contract = contract(e2, LocalDate.of(2025, 8, 30));
        ApplicationRecord applied = applications.apply(enterprise(e2), PROGRAM, contract);
        mvc.perform(get("/vouchers/queue").with(user(users.loadUserByUsername("flow-reviewer"))))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString(applied.id())))
                .andExpect(content().string(containsString("线下合同,请核对扫描件")))
                .andExpect(content().string(containsString("高于目录参考价")));
        mvc.perform(get("/vouchers/queue/applications/{id}", applied.id()).with(user(users.loadUserByUsername("flow-reviewer"))))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("id=\"prepare-form\"")))
                .andExpect(content().string(containsString("/vouchers/contracts/" + contract + "/document")));
        mvc.perform(post("/vouchers/queue/applications/{id}/prepare", applied.id()).with(csrf())
                        .with(user(users.loadUserByUsername("flow-reviewer"))).param("recommendation", "approve"))
                .andExpect(status().is3xxRedirection());
        mvc.perform(post("/vouchers/queue/applications/{id}/decide", applied.id()).with(csrf())
                        .with(user(users.loadUserByUsername("flow-approver"))).param("decision", "approve"))
                .andExpect(status().is3xxRedirection());
        assertThat(applications.find(applied.id()).orElseThrow().decided()).isTrue();
        mvc.perform(get("/vouchers/queue").with(user(users.loadUserByUsername("ent-a")))).andExpect(status().isForbidden());
        mvc.perform(get("/vouchers/office").param("program", PROGRAM).with(user(users.loadUserByUsername("flow-office"))))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("voucher-time-chart")))
                .andExpect(content().string(containsString("/js/voucher.js")))
                .andExpect(content().string(org.hamcrest.Matchers.not(containsString("<script>"))));
        mvc.perform(get("/vouchers/office/data").param("program", PROGRAM).with(user(users.loadUserByUsername("flow-office"))))
                .andExpect(status().isOk())
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath("$.budgetFen")
                        .value(100_000_000))
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath("$.districts[0].name")
                        .isString());
        String json = mvc.perform(get("/vouchers/office/data").param("program", PROGRAM)
                .with(user(users.loadUserByUsername("flow-office")))).andReturn().getResponse().getContentAsString();
        long available = Long.parseLong(json.replaceAll(".*\"availableFen\":([0-9]+).*", "$1"));
        long ledgerAvailable = Long.parseLong(json.replaceAll(".*\"ledgerAvailableFen\":([0-9]+).*", "$1"));
        assertThat(available).isEqualTo(ledgerAvailable);
        mvc.perform(get("/vouchers/office/calendar").param("year", "2025").with(user(users.loadUserByUsername("flow-office"))))
                .andExpect(status().isOk()).andExpect(content().string(containsString("2025-10-08")));
        mvc.perform(get("/vouchers/office").param("lang", "en").with(user(users.loadUserByUsername("flow-office"))))
                .andExpect(status().isOk()).andExpect(content().string(containsString("When the pool runs out")));
    }

    @Test
    void whereTheProviderDeductsItFilesTheRedemptionAndIsPaid() throws Exception {
        at(10, 9, 10);
        String contract = contract(e1, LocalDate.of(2025, 10, 9));
        ApplicationRecord v = voucher(e1, DEDUCT_PROGRAM, contract);
        at(10, 13, 10);
        usage(contract, LocalDate.of(2025, 10, 10), 10);
        Redemptions.Claim claim = new Redemptions.Claim(v.id(), LocalDate.of(2025, 10, 1), LocalDate.of(2025, 10, 31),
                false, List.of("DEDUCT-1"));
        assertThatThrownBy(() -> redemptions.file(enterprise(e1), claim))
                .isInstanceOf(VoucherException.class)
                .satisfies(e -> assertThat(((VoucherException) e).problems().get(0).code())
                        .isEqualTo("voucher.error.providerDeducts"));
        // another provider may not file on it either
        assertThatThrownBy(() -> redemptions.file(VoucherFixtures.provider(e2), claim))
                .isInstanceOf(VoucherException.class);
        RedemptionRecord filed = redemptions.file(VoucherFixtures.provider(provider), claim);
        assertThat(filed.payeeUscc()).isEqualTo(provider);
        assertThat(filed.mode()).isEqualTo("provider_deducts");
        redemptions.prepare(REVIEWER, filed.id(), "approve", null);
        RedemptionRecord decided = redemptions.decide(APPROVER, filed.id(), true, null);
        assertThat(decided.subsidyFen()).isEqualTo(24_000);
        at(10, 27, 10);
        Disbursements.Batch batch = disbursements.run(OFFICE, DEDUCT_PROGRAM);
        assertThat(disbursements.lines(batch.id())).singleElement()
                .satisfies(l -> assertThat(l.payeeUscc()).isEqualTo(provider));
        assertThat(disbursements.bankFile(batch.id()).orElseThrow())
                .contains(provider + ",丁算力有限公司,,,240.00,ZHICE-" + filed.id());
        assertThat(account(VoucherAccounts.payable(DEDUCT_PROGRAM, provider)).creditsPostedFen()).isEqualTo(24_000);
        // the provider sees the vouchers on its contracts and its redemption; the enterprise sees its voucher
        mvc.perform(get("/vouchers/mine").with(user(users.loadUserByUsername("flow-provider"))))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString(v.id())))
                .andExpect(content().string(containsString(filed.id())));
        mvc.perform(get("/vouchers/redemptions/{id}", filed.id()).with(user(users.loadUserByUsername("ent-a"))))
                .andExpect(status().isOk()).andExpect(content().string(containsString("240.00元")));
    }

    /**
     * The provider portal: a provider sees the redemptions on its contracts, whoever filed them
     * (the enterprise after payment, or itself where it deducts), with the usage counted, the
     * subsidy, and when and to whom it was paid; on the page, in the API and in the detail. A
     * provider of other contracts sees nothing of them, and they nothing of its.
     */
    @Test
    void theProviderSeesTheRedemptionsPaidOnItsContractsAndNoOtherProviderDoes() throws Exception {
        String claimProgram = "tp-2025-provider-claim";
        String deductProgram = "tp-2025-provider-deduct";
        VoucherFixtures.storeProgram(programs, claimProgram, 1_000_000, 50_000, "claim_after_payment");
        VoucherFixtures.storeProgram(programs, deductProgram, 1_000_000, 50_000, "provider_deducts");
        String[] created = new String[1];
        tx.executeWithoutResult(s -> {
            created[0] = VoucherFixtures.organisation(jdbc, "provider", "330106", "戊对照算力有限公司");
            VoucherFixtures.offering(jdbc, created[0], "Q-H20", "compute.domestic", 1_000, 64,
                    LocalDate.of(2025, 1, 1), LocalDate.of(2025, 12, 31));
            users.create("other-provider", "secret-pass", "Q", Role.PROVIDER, created[0]);
        });
        String q = created[0];
        at(12, 1, 10);
        String claimed = contract(e1, LocalDate.of(2025, 12, 1));
        ApplicationRecord onClaim = voucher(e1, claimProgram, claimed);
        String deducted = contract(e2, LocalDate.of(2025, 12, 1));
        ApplicationRecord onDeduct = voucher(e2, deductProgram, deducted);
        String othersContract = uploads.store(enterprise(e1), e1, new UploadedContracts.Upload(q, "HT-Q",
                "2025-12-01", "2025-12-01", "2026-06-01", "sku,unit_price_fen,quantity_max\nQ-H20,1000,1000\n",
                "contract.pdf", PDF));
        ApplicationRecord onOthers = voucher(e1, claimProgram, othersContract);

        // 8 GPUs × 10 h at 10 元: 800 元 of usage, 240 元 of subsidy; × 5 h: 400 元, 120 元
        at(12, 2, 10);
        usage(claimed, LocalDate.of(2025, 12, 1), 10);
        usage(deducted, LocalDate.of(2025, 12, 1), 5);
        Instant start = LocalDate.of(2025, 12, 1).atTime(9, 0).atZone(VoucherFixtures.SHANGHAI).toInstant();
        assertThat(metering.ingest(q, List.of(new UsageLine("q-ev-1", q, othersContract, "Q-H20", 8,
                BigDecimal.valueOf(16), start, start.plusSeconds(7200)))).accepted()).isEqualTo(1);
        RedemptionRecord byEnterprise = redeem(e1, onClaim.id(), LocalDate.of(2025, 12, 1), LocalDate.of(2025, 12, 31),
                false, "PROV-RED-1");
        RedemptionRecord filed = redemptions.file(VoucherFixtures.provider(provider), new Redemptions.Claim(
                onDeduct.id(), LocalDate.of(2025, 12, 1), LocalDate.of(2025, 12, 31), false, List.of("PROV-RED-2")));
        redemptions.prepare(REVIEWER, filed.id(), "approve", null);
        RedemptionRecord byProvider = redemptions.decide(APPROVER, filed.id(), true, null);
        RedemptionRecord ofOthers = redeem(e1, onOthers.id(), LocalDate.of(2025, 12, 1), LocalDate.of(2025, 12, 31),
                false, "PROV-RED-3");
        assertThat(byEnterprise.subsidyFen()).isEqualTo(24_000);
        assertThat(byProvider.subsidyFen()).isEqualTo(12_000);
        assertThat(ofOthers.subsidyFen()).isEqualTo(4_800);

        var p = user(users.loadUserByUsername("flow-provider"));
        var other = user(users.loadUserByUsername("other-provider"));
        // decided, in 公示, not paid yet
        mvc.perform(get("/vouchers/mine").with(p)).andExpect(status().isOk())
                .andExpect(content().string(containsString(byEnterprise.id())))
                .andExpect(content().string(containsString("尚未拨付(收款方:企业,先付后补)")));

        // 公示 until Tuesday 2025-12-09; both batches run on Wednesday 2025-12-10
        at(12, 10, 9);
        Disbursements.Batch claimBatch = disbursements.run(OFFICE, claimProgram);
        Disbursements.Batch deductBatch = disbursements.run(OFFICE, deductProgram);
        assertThat(claimBatch.valueDate()).isEqualTo(LocalDate.of(2025, 12, 10));

        // (other tests of the class leave redemptions on this provider's contracts too: all of them
        // are on its contracts, none on another's)
        List<Redemptions.OnContract> onItsContracts = redemptions.ofProvider(provider);
        assertThat(onItsContracts).allSatisfy(c -> assertThat(c.providerUscc()).isEqualTo(provider))
                .extracting(c -> c.redemption().id()).doesNotContain(ofOthers.id());
        assertThat(jdbc.sql("""
                        select count(*) from voucher_redemption r join voucher_application a on a.id = r.application_id
                        where a.provider_uscc = :p""").param("p", provider).query(Long.class).single())
                .isEqualTo(onItsContracts.size());
        assertThat(onItsContracts)
                .extracting(c -> c.redemption().id(), Redemptions.OnContract::contractId, Redemptions.OnContract::usageFen,
                        c -> c.redemption().paidFen(), Redemptions.OnContract::paidOn, Redemptions.OnContract::paidToUscc)
                .contains(
                        tuple(byEnterprise.id(), claimed, 80_000L, 24_000L, claimBatch.valueDate(), e1),
                        tuple(byProvider.id(), deducted, 40_000L, 12_000L, deductBatch.valueDate(), provider));
        assertThat(redemptions.ofProvider(q)).extracting(c -> c.redemption().id()).containsExactly(ofOthers.id());

        // the page: enterprise, contract, usage, subsidy, paid, when and to whom; in both languages
        mvc.perform(get("/vouchers/mine").with(p)).andExpect(status().isOk())
                .andExpect(content().string(containsString(byEnterprise.id())))
                .andExpect(content().string(containsString(byProvider.id())))
                .andExpect(content().string(containsString(claimed)))
                .andExpect(content().string(containsString("800.00")))
                .andExpect(content().string(containsString("240.00")))
                .andExpect(content().string(containsString("2025-12-10 拨付给 甲智能科技有限公司(企业,先付后补)")))
                .andExpect(content().string(containsString("2025-12-10 拨付给 丁算力有限公司(本公司,销售时已抵扣)")))
                .andExpect(content().string(org.hamcrest.Matchers.not(containsString(ofOthers.id()))))
                .andExpect(content().string(org.hamcrest.Matchers.not(containsString(othersContract))))
                // the provider's menu leads to its offerings, contracts and these redemptions
                .andExpect(content().string(containsString("href=\"/pool/offerings\"")))
                .andExpect(content().string(containsString("href=\"/pool/contracts\"")))
                .andExpect(content().string(containsString("href=\"/vouchers/mine\"")));
        mvc.perform(get("/vouchers/mine").param("lang", "en").with(p)).andExpect(status().isOk())
                .andExpect(content().string(containsString("Redemptions on our contracts")))
                .andExpect(content().string(containsString(
                        "paid on 2025-12-10 to 甲智能科技有限公司 (the enterprise, which paid and claims)")));
        mvc.perform(get("/vouchers/redemptions/{id}", byEnterprise.id()).with(p))
                .andExpect(status().isOk()).andExpect(content().string(containsString("240.00")));

        // the API, with the provider's token
        String token = tokens.issue(users.find("flow-provider").orElseThrow().id(), "test");
        mvc.perform(get("/api/vouchers/redemptions").header("Authorization", "Bearer " + token))
                .andExpect(status().isOk())
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath("$.length()")
                        .value(onItsContracts.size()))
                .andExpect(content().string(org.hamcrest.Matchers.not(containsString(ofOthers.id()))))
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath(
                        "$[?(@.id == '%s')].paidFen".formatted(byEnterprise.id())).value(24_000))
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath(
                        "$[?(@.id == '%s')].usageFen".formatted(byEnterprise.id())).value(80_000))
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath(
                        "$[?(@.id == '%s')].paidOn".formatted(byEnterprise.id())).value("2025-12-10"))
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath(
                        "$[?(@.id == '%s')].paidToUscc".formatted(byEnterprise.id())).value(e1))
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath(
                        "$[?(@.id == '%s')].enterpriseName".formatted(byEnterprise.id())).value("甲智能科技有限公司"))
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath(
                        "$[?(@.id == '%s')].contractId".formatted(byEnterprise.id())).value(claimed))
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath(
                        "$[?(@.id == '%s')].paidToUscc".formatted(byProvider.id())).value(provider));
        mvc.perform(get("/api/vouchers/redemptions/{id}", byEnterprise.id()).header("Authorization", "Bearer " + token))
                .andExpect(status().isOk())
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath("$.paidFen")
                        .value(24_000));

        // another provider sees nothing of them: not on its page, not in its API, not by id
        String otherToken = tokens.issue(users.find("other-provider").orElseThrow().id(), "test");
        for (RedemptionRecord r : List.of(byEnterprise, byProvider)) {
            mvc.perform(get("/vouchers/redemptions/{id}", r.id()).with(other)).andExpect(status().isNotFound());
            mvc.perform(get("/api/vouchers/redemptions/{id}", r.id()).header("Authorization", "Bearer " + otherToken))
                    .andExpect(status().isNotFound());
        }
        mvc.perform(get("/vouchers/mine").with(other)).andExpect(status().isOk())
                .andExpect(content().string(containsString(ofOthers.id())))
                .andExpect(content().string(org.hamcrest.Matchers.not(containsString(byEnterprise.id()))))
                .andExpect(content().string(org.hamcrest.Matchers.not(containsString(byProvider.id()))))
                .andExpect(content().string(org.hamcrest.Matchers.not(containsString(claimed))));
        String othersApi = mvc.perform(get("/api/vouchers/redemptions").header("Authorization", "Bearer " + otherToken))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(othersApi).contains(ofOthers.id()).doesNotContain(byEnterprise.id(), byProvider.id(), claimed,
                deducted, "PROV-RED-1", "PROV-RED-2");
        // and the first provider nothing of the other's redemption, though the enterprise is the same
        mvc.perform(get("/vouchers/redemptions/{id}", ofOthers.id()).with(p)).andExpect(status().isNotFound());
    }

    @Test
    void theBankFileDefusesFormulasAndWritesExactYuan() {
        String file = BankFile.write(List.of(new BankFile.Payment("91330106MA2XXXXX1X", "=HYPERLINK(\"x\")", "@bank",
                "-123", 1_234_567_801L, "+ref")));
        assertThat(file).isEqualTo(BankFile.HEADER + "\n"
                + "91330106MA2XXXXX1X,\"'=HYPERLINK(\"\"x\"\")\",'@bank,'-123,12345678.01,'+ref\n");
        assertThat(BankFile.yuan(5)).isEqualTo("0.05");
        assertThat(BankFile.yuan(100)).isEqualTo("1.00");
    }

    @Test
    void everyPageRendersInBothLanguagesAndFormsNameTheirErrors() throws Exception {
        at(11, 3, 10);
        String contract = contract(e1, LocalDate.of(2025, 11, 1));
        ApplicationRecord v = voucher(e1, PROGRAM, contract);
        var ent = user(users.loadUserByUsername("ent-a"));
        var office = user(users.loadUserByUsername("flow-office"));
        for (String lang : List.of("zh-CN", "en")) {
            for (String path : List.of("/vouchers/mine", "/vouchers/apply", "/vouchers/contracts/new",
                    "/vouchers/applications/" + v.id(), "/vouchers/applications/" + v.id() + "/redeem")) {
                mvc.perform(get(path).param("lang", lang).with(ent)).andExpect(status().isOk());
            }
            for (String path : List.of("/vouchers/office", "/vouchers/office/calendar", "/vouchers/office/objections",
                    "/vouchers/office/disbursements", "/vouchers/office/clawbacks", "/vouchers/queue",
                    "/vouchers/queue/applications/" + v.id())) {
                mvc.perform(get(path).param("lang", lang).with(office)).andExpect(status().isOk());
            }
            mvc.perform(get("/public/notices").param("lang", lang)).andExpect(status().isOk());
        }
        // the upload form names the row and column of a bad line, and stores nothing
        long contracts = jdbc.sql("select count(*) from voucher_contract").query(Long.class).single();
        mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart("/vouchers/contracts")
                        .file(new org.springframework.mock.web.MockMultipartFile("document", "c.pdf", "application/pdf", PDF))
                        .param("providerUscc", provider).param("signedOn", "2025-11-01").param("startOn", "2025-11-01")
                        .param("endOn", "2025-12-31").param("lines", "sku,unit_price_fen,quantity_max\nT-910B,12.5,10\n")
                        .param("lang", "en").with(ent).with(csrf()))
                .andExpect(status().isUnprocessableContent())
                .andExpect(content().string(containsString("Row 2, column 2: price &quot;12.5&quot;")));
        mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart("/vouchers/contracts")
                        .file(new org.springframework.mock.web.MockMultipartFile("document", "c.exe", "application/pdf",
                                new byte[] {'M', 'Z', 0, 0}))
                        .param("providerUscc", "not-a-code").param("signedOn", "2025-11-01").param("startOn", "2025-11-01")
                        .param("endOn", "2025-10-31").param("lines", "sku,unit_price_fen,quantity_max\nT-910B,1200,10\n")
                        .with(ent).with(csrf()))
                .andExpect(status().isUnprocessableContent())
                .andExpect(content().string(containsString("扫描件须为 PDF、PNG 或 JPEG 文件")))
                .andExpect(content().string(containsString("不是有效的统一社会信用代码")))
                .andExpect(content().string(containsString("结束日期不能早于开始日期")));
        assertThat(jdbc.sql("select count(*) from voucher_contract").query(Long.class).single()).isEqualTo(contracts);
        // a good upload through the page, then applying with it
        mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart("/vouchers/contracts")
                        .file(new org.springframework.mock.web.MockMultipartFile("document", "c.pdf", "application/pdf", PDF))
                        .param("providerUscc", provider).param("signedOn", "2025-11-01").param("startOn", "2025-11-01")
                        .param("endOn", "2025-12-31").param("lines", "sku,unit_price_fen,quantity_max\nT-QWEN,2000,50\n")
                        .with(ent).with(csrf()))
                .andExpect(status().is3xxRedirection());
        String uploaded = jdbc.sql("select max(contract_id) from voucher_contract where enterprise_uscc = :e")
                .param("e", e1).query(String.class).single();
        mvc.perform(post("/vouchers/apply").param("programId", PROGRAM).param("contractId", uploaded).with(ent).with(csrf()))
                .andExpect(status().is3xxRedirection());
        // the office edits the calendar: a working Saturday
        mvc.perform(post("/vouchers/office/calendar").param("day", "2025-11-29").param("kind", "working")
                        .param("note", "调休").with(office).with(csrf()))
                .andExpect(status().is3xxRedirection());
        assertThat(jdbc.sql("select working from voucher_calendar_day where day = '2025-11-29'").query(Boolean.class)
                .single()).isTrue();
    }
}
