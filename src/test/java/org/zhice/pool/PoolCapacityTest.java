package org.zhice.pool;

import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.MessageSource;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.transaction.support.TransactionTemplate;
import org.zhice.identity.Role;
import org.zhice.identity.Users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;
import static org.zhice.pool.PoolFixtures.TODAY;
import static org.zhice.pool.PoolFixtures.gpu;
import static org.zhice.pool.PoolFixtures.gpuDemand;

/**
 * A new version of an offering never holds fewer GPUs than signed contracts reserve within its
 * listing, neither at submission nor at approval, nor against an accept running at the same
 * time; and it keeps the SKU's unit, category and resource. (Same context as PoolPagesTest.)
 */
@SpringBootTest
@AutoConfigureMockMvc
@Import(PoolFixtures.FixedClock.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PoolCapacityTest {

    static final String OFFICE = "cap-office";

    @Autowired MockMvc mvc;
    @Autowired Users users;
    @Autowired JdbcClient jdbc;
    @Autowired TransactionTemplate tx;
    @Autowired Offerings offerings;
    @Autowired Demands demands;
    @Autowired Contracts contracts;
    @Autowired MessageSource messages;

    String enterprise;

    @BeforeAll
    void setUp() {
        tx.executeWithoutResult(s -> {
            enterprise = PoolFixtures.organisation(jdbc, "enterprise", "330106", "容量企业");
            users.create(OFFICE, "secret-pass", "O", Role.PROGRAM_OFFICE, null);
        });
    }

    String provider() {
        return tx.execute(s -> PoolFixtures.organisation(jdbc, "provider", "330106", "容量算力"));
    }

    Offering listed(String provider, Offerings.Draft draft) {
        return offerings.approve(offerings.submit(provider, draft, "p").id(), OFFICE);
    }

    String reserve(Offering offering, int gpus, LocalDate start, LocalDate end) {
        PoolDemand d = demands.post(enterprise, gpuDemand(offering.resourceName(), gpus, 24, start, end, "330106",
                false, 100_000_000), "e");
        return contracts.accept(enterprise, d.id(), offering.id(), "e").contractId();
    }

    /** Everything that approving or submitting could change, for "nothing changed". */
    String state(String provider) {
        return jdbc.sql("""
                select string_agg(version || ':' || status || ':' || listed_from || ':' || listed_to, ' ' order by id)
                from pool_offering where provider_uscc = :p
                """).param("p", provider).query(String.class).single()
                + " audit " + jdbc.sql("select count(*) from audit_log where action like 'pool.offering.%'")
                .query(Long.class).single();
    }

    static PoolException.Problem problem(Throwable e) {
        assertThat(e).isInstanceOf(PoolException.class);
        return ((PoolException) e).problems().get(0);
    }

    String shown(Throwable e, Locale locale) {
        return String.join("\n", FormInput.shown(((PoolException) e).problems(), messages, locale));
    }

    @Test
    void aCapacityBelowThePeakReservationIsRefusedAtSubmissionAndApprovalAndEqualIsAccepted() throws Exception {
        String provider = provider();
        Offering v1 = listed(provider, gpu("ASC-910B", "昇腾910B-cap", true, 32, "330106", 1_000, TODAY,
                TODAY.plusDays(365)));
        String big = reserve(v1, 16, TODAY.plusDays(1), TODAY.plusDays(40));
        String small = reserve(v1, 2, TODAY.plusDays(1), TODAY.plusDays(10));
        LocalDate from = TODAY.plusDays(5);

        // submission: 4 < 16 + 2 held from the version's first day; the error names SKU, capacity, peak, day, contracts
        String before = state(provider);
        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> offerings.submitVersion(provider,
                v1.id(), gpu(null, "昇腾910B-cap", true, 4, "330106", 900, from, TODAY.plusDays(365)), "p"));
        assertThat(problem(refused).code()).isEqualTo("pool.offering.capacityBelowReserved");
        assertThat(problem(refused).field()).isEqualTo("capacity");
        String contractsText = List.of(big, small).stream().sorted().reduce((a, b) -> a + ", " + b).orElseThrow();
        assertThat(shown(refused, Locale.ENGLISH)).isEqualTo("Capacity (GPUs at once): The new capacity 4 of ASC-910B"
                + " is below the GPUs signed contracts reserve within the new listing: 18 on " + from
                + " (contracts " + contractsText + "). Raise the capacity, or start the version after those"
                + " reservations end.");
        assertThat(shown(refused, Locale.SIMPLIFIED_CHINESE))
                .contains("ASC-910B", "新容量 4", "峰值", from + " 共预留 18 个", contractsText);
        assertThat(state(provider)).isEqualTo(before);

        // after the small contract ends only the big one counts: 16 ≤ 16 is fine, 15 is not
        assertThat(problem(org.assertj.core.api.Assertions.catchThrowable(() -> offerings.submitVersion(provider,
                v1.id(), gpu(null, "昇腾910B-cap", true, 15, "330106", 900, TODAY.plusDays(11), TODAY.plusDays(365)),
                "p"))).args()).containsExactly("ASC-910B", 15, 16, TODAY.plusDays(11), big);

        // submitted at exactly the peak (18); then another contract reserves 1 more under v1 in its window
        Offering v2 = offerings.submitVersion(provider, v1.id(),
                gpu(null, "昇腾910B-cap", true, 18, "330106", 900, from, TODAY.plusDays(365)), "p");
        mvc.perform(get("/pool/review").with(user(users.loadUserByUsername(OFFICE))).param("lang", "en"))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("Signed contracts reserve at most 18 within its listing ("
                        + from + ")")));
        String third = reserve(v1, 1, TODAY.plusDays(6), TODAY.plusDays(8));
        mvc.perform(get("/pool/review").with(user(users.loadUserByUsername(OFFICE))))
                .andExpect(content().string(containsString("已签合同在其上架期内预留峰值 19(" + TODAY.plusDays(6) + ")")))
                .andExpect(content().string(containsString("badge bad")));

        // approval: 18 < 19; refused through the page in the office's language, nothing changes
        before = state(provider);
        mvc.perform(post("/pool/review/{id}/approve", v2.id()).with(user(users.loadUserByUsername(OFFICE)))
                        .with(csrf()).param("lang", "en"))
                .andExpect(flash().attribute("errors", List.of("The capacity 18 of ASC-910B v2 is below the GPUs"
                        + " signed contracts reserve: 19 on " + TODAY.plusDays(6) + " (contracts "
                        + List.of(big, small, third).stream().sorted().reduce((a, b) -> a + ", " + b).orElseThrow()
                        + "). Approving it would put those contracts over capacity; not approved.")));
        Throwable notApproved = org.assertj.core.api.Assertions.catchThrowable(() -> offerings.approve(v2.id(), OFFICE));
        assertThat(problem(notApproved).code()).isEqualTo("pool.review.capacityBelowReserved");
        assertThat(shown(notApproved, Locale.SIMPLIFIED_CHINESE)).contains("ASC-910B v2 的容量 18", "19 个", third);
        assertThat(state(provider)).isEqualTo(before);
        assertThat(offerings.find(v2.id()).orElseThrow().pending()).isTrue();
        assertThat(offerings.find(v1.id()).orElseThrow().listedTo()).isEqualTo(TODAY.plusDays(365));

        // a version at exactly the peak of 19 is submitted and approved; v1 ends the day before
        Offering v3 = offerings.submitVersion(provider, v1.id(),
                gpu(null, "昇腾910B-cap", true, 19, "330106", 900, from, TODAY.plusDays(365)), "p");
        assertThat(offerings.approve(v3.id(), OFFICE).approved()).isTrue();
        assertThat(offerings.find(v1.id()).orElseThrow().listedTo()).isEqualTo(from.minusDays(1));
        int peak = jdbc.sql("""
                select max(load) from (select day, sum(gpus) as load from pool_reservation r
                    cross join lateral generate_series(greatest(r.start_on, :from), r.end_on, interval '1 day') day
                    where r.provider_uscc = :p group by day) d
                """).param("from", from).param("p", provider).query(Integer.class).single();
        assertThat(peak).isLessThanOrEqualTo(19);
    }

    @Test
    void anApprovalWaitsForAConcurrentAcceptAndThenCountsItsReservation() throws Exception {
        String provider = provider();
        Offering v1 = listed(provider, gpu("RACE-910B", "昇腾910B-race", true, 32, "330106", 1_000, TODAY,
                TODAY.plusDays(365)));
        reserve(v1, 10, TODAY.plusDays(1), TODAY.plusDays(40));
        Offering v2 = offerings.submitVersion(provider, v1.id(),
                gpu(null, "昇腾910B-race", true, 10, "330106", 900, TODAY.plusDays(5), TODAY.plusDays(365)), "p");
        PoolDemand more = demands.post(enterprise, gpuDemand("昇腾910B-race", 4, 24, TODAY.plusDays(20),
                TODAY.plusDays(30), "330106", false, 100_000_000), "e");

        ExecutorService threads = Executors.newFixedThreadPool(2);
        CountDownLatch accepted = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        try {
            // the accept holds v1's lock, its reservation written but not committed
            Future<String> accept = threads.submit(() -> tx.execute(s -> {
                String id = contracts.accept(enterprise, more.id(), v1.id(), "e").contractId();
                accepted.countDown();
                try {
                    assertThat(commit.await(30, TimeUnit.SECONDS)).isTrue();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return id;
            }));
            assertThat(accepted.await(30, TimeUnit.SECONDS)).isTrue();
            Future<Offering> approve = threads.submit(() -> offerings.approve(v2.id(), OFFICE));
            Thread.sleep(500);
            assertThat(approve.isDone()).as("the approval waits for the accept's lock").isFalse();
            commit.countDown();
            String contract = accept.get(30, TimeUnit.SECONDS);
            Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> approve.get(30, TimeUnit.SECONDS));
            assertThat(refused.getCause()).isInstanceOf(PoolException.class);
            assertThat(problem(refused.getCause()).code()).isEqualTo("pool.review.capacityBelowReserved");
            assertThat(problem(refused.getCause()).args()).contains(14, TODAY.plusDays(20));
            assertThat(shown(refused.getCause(), Locale.ENGLISH)).contains(contract);
        } finally {
            commit.countDown();
            threads.shutdown();
        }
        assertThat(offerings.find(v2.id()).orElseThrow().pending()).isTrue();
        assertThat(offerings.find(v1.id()).orElseThrow().listedTo()).isEqualTo(TODAY.plusDays(365));
    }

    @Test
    void aNewVersionKeepsTheUnitCategoryAndResourceAndTokenServicesHaveNoCapacityCheck() {
        String provider = provider();
        Offering v1 = listed(provider, gpu("GPU-SKU", "昇腾910B-unit", true, 8, "330106", 1_000, TODAY,
                TODAY.plusDays(365)));
        reserve(v1, 8, TODAY.plusDays(1), TODAY.plusDays(40));
        String before = state(provider);
        Offerings.Draft tokens = new Offerings.Draft(null, "model.filed", "DeepSeek-V3", true, Offering.MILLION_TOKENS,
                null, "330106", 800L, TODAY.plusDays(5), TODAY.plusDays(365));
        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(
                () -> offerings.submitVersion(provider, v1.id(), tokens, "p"));
        assertThat(((PoolException) refused).problems()).extracting(PoolException.Problem::field)
                .containsExactlyInAnyOrder("unit", "category", "resourceName");
        assertThat(((PoolException) refused).problems()).extracting(PoolException.Problem::code)
                .containsOnly("pool.offering.versionKeeps");
        assertThat(shown(refused, Locale.ENGLISH))
                .contains("Unit: A new version cannot change this (it was \"GPU-hours\"); list a new SKU instead.")
                .contains("GPU model or model name: A new version cannot change this (it was \"昇腾910B-unit\")");
        assertThat(shown(refused, Locale.SIMPLIFIED_CHINESE))
                .contains("计量单位:新版本不能改变此项(原为“GPU 小时”)", "原为“国产智能算力”");
        // another GPU model under the same SKU is refused too
        assertThatThrownBy(() -> offerings.submitVersion(provider, v1.id(),
                gpu(null, "H20", false, 8, "330106", 1_000, TODAY.plusDays(5), TODAY.plusDays(365)), "p"))
                .satisfies(e -> assertThat(((PoolException) e).problems()).extracting(PoolException.Problem::field)
                        .contains("resourceName", "category"));
        assertThat(state(provider)).isEqualTo(before);

        // a pending row that changes the unit (submitted before this check existed) is not approved either
        Offering legacy = tx.execute(s -> offerings.insert(provider,
                new Offerings.Draft("GPU-SKU", "model.filed", "DeepSeek-V3", true, Offering.MILLION_TOKENS, null,
                        "330106", 800L, TODAY.plusDays(5), TODAY.plusDays(365)), 2, v1.id(), Offering.PENDING, "p"));
        before = state(provider);
        Throwable notApproved = org.assertj.core.api.Assertions.catchThrowable(
                () -> offerings.approve(legacy.id(), OFFICE));
        assertThat(problem(notApproved).code()).isEqualTo("pool.review.versionChanged");
        assertThat(shown(notApproved, Locale.ENGLISH)).startsWith("GPU-SKU v2 changes the Unit of v1");
        assertThat(state(provider)).isEqualTo(before);

        // token services: no capacity, nothing reserved, a new version is unaffected
        Offering service = listed(provider, new Offerings.Draft("DSV3-CAP", "model.filed", "DeepSeek-V3", true,
                Offering.MILLION_TOKENS, null, "330106", 800L, TODAY, TODAY.plusDays(365)));
        Offering next = offerings.submitVersion(provider, service.id(), new Offerings.Draft(null, "model.filed",
                "DeepSeek-V3", true, Offering.MILLION_TOKENS, null, "330106", 700L, TODAY.plusDays(5),
                TODAY.plusDays(365)), "p");
        assertThat(offerings.approve(next.id(), OFFICE).approved()).isTrue();
    }
}
