package org.zhice.pool;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.transaction.support.TransactionTemplate;
import org.zhice.identity.Role;
import org.zhice.identity.Users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrlPattern;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;
import static org.zhice.pool.PoolFixtures.TODAY;
import static org.zhice.pool.PoolFixtures.gpu;
import static org.zhice.pool.PoolFixtures.gpuDemand;

/**
 * The pool's pages, as each role sees them, in Chinese and English: who may see what, forms that
 * refuse bad input by field, the whole flow from listing to contract, and the public page.
 */
@SpringBootTest
@AutoConfigureMockMvc
@Import(PoolFixtures.FixedClock.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PoolPagesTest {

    @Autowired MockMvc mvc;
    @Autowired Users users;
    @Autowired JdbcClient jdbc;
    @Autowired TransactionTemplate tx;
    @Autowired Offerings offerings;
    @Autowired Demands demands;
    @Autowired Contracts contracts;

    String enterpriseA;
    String enterpriseB;
    String provider;
    String otherProvider;
    Offering offering;
    PoolDemand demandOfA;
    PoolContract contractOfA;

    @BeforeAll
    void setUp() {
        tx.executeWithoutResult(s -> {
            enterpriseA = PoolFixtures.organisation(jdbc, "enterprise", "330106", "甲企业");
            enterpriseB = PoolFixtures.organisation(jdbc, "enterprise", "330108", "乙企业");
            provider = PoolFixtures.organisation(jdbc, "provider", "330110", "丙算力");
            otherProvider = PoolFixtures.organisation(jdbc, "provider", "330110", "丁算力");
            users.create("pool-a", "secret-pass", "A", Role.ENTERPRISE, enterpriseA);
            users.create("pool-b", "secret-pass", "B", Role.ENTERPRISE, enterpriseB);
            users.create("pool-provider", "secret-pass", "P", Role.PROVIDER, provider);
            users.create("pool-other-provider", "secret-pass", "Q", Role.PROVIDER, otherProvider);
            users.create("pool-office", "secret-pass", "O", Role.PROGRAM_OFFICE, null);
        });
        Offering submitted = offerings.submit(provider,
                gpu("WEB-910B", "昇腾910B", true, 32, "330110", 1_600, TODAY, TODAY.plusDays(300)), "pool-provider");
        offering = offerings.approve(submitted.id(), "pool-office");
        demandOfA = demands.post(enterpriseA,
                gpuDemand("昇腾910B", 8, 100, TODAY.plusDays(3), TODAY.plusDays(20), "330106", false, 2_000_000), "pool-a");
        PoolDemand second = demands.post(enterpriseA,
                gpuDemand("昇腾910B", 4, 48, TODAY.plusDays(3), TODAY.plusDays(20), "330106", false, 2_000_000), "pool-a");
        contractOfA = contracts.accept(enterpriseA, second.id(), offering.id(), "pool-a");
    }

    UserDetails as(String username) {
        return users.loadUserByUsername(username);
    }

    @Test
    void anEnterpriseSeesOnlyItsOwnDemandsAndContracts() throws Exception {
        mvc.perform(get("/pool/demands/{id}", demandOfA.id()).with(user(as("pool-b")))).andExpect(status().isNotFound());
        mvc.perform(get("/pool/contracts/{id}", contractOfA.contractId()).with(user(as("pool-b"))))
                .andExpect(status().isNotFound());
        mvc.perform(post("/pool/demands/{id}/accept", demandOfA.id()).param("offeringId", Long.toString(offering.id()))
                        .with(user(as("pool-b"))).with(csrf()))
                .andExpect(status().isNotFound());
        mvc.perform(get("/pool/demands").with(user(as("pool-b"))))
                .andExpect(status().isOk())
                .andExpect(content().string(not(containsString("/pool/demands/" + demandOfA.id() + "\""))));
        mvc.perform(get("/pool/contracts").with(user(as("pool-b"))))
                .andExpect(status().isOk())
                .andExpect(content().string(not(containsString(contractOfA.contractId()))));
        // a provider that is not a party does not see it either; the provider that is does
        mvc.perform(get("/pool/contracts/{id}", contractOfA.contractId()).with(user(as("pool-other-provider"))))
                .andExpect(status().isNotFound());
        mvc.perform(get("/pool/contracts/{id}", contractOfA.contractId()).with(user(as("pool-provider"))))
                .andExpect(status().isOk());
        mvc.perform(get("/pool/contracts/{id}", contractOfA.contractId()).with(user(as("pool-a"))))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString(contractOfA.csvRows().get(0))));
        // roles: an enterprise cannot review, a provider cannot post demands
        mvc.perform(get("/pool/review").with(user(as("pool-a")))).andExpect(status().isForbidden());
        mvc.perform(get("/pool/demands/new").with(user(as("pool-provider")))).andExpect(status().isForbidden());
        assertThat(demands.find(demandOfA.id()).orElseThrow().open()).isTrue();
    }

    @Test
    void fromListingToContractThroughThePages() throws Exception {
        // the provider lists a new offering; the office approves it
        mvc.perform(post("/pool/offerings").with(user(as("pool-provider"))).with(csrf())
                        .param("sku", "WEB-H20").param("unit", "gpu_hour").param("category", "compute.other")
                        .param("resourceName", "H20").param("capacity", "24").param("regionCode", "330110")
                        .param("referencePriceYuan", "12.50").param("listedFrom", TODAY.toString())
                        .param("listedTo", TODAY.plusDays(200).toString()))
                .andExpect(redirectedUrl("/pool/offerings"));
        Offering h20 = offerings.ofProvider(provider).stream().filter(o -> o.sku().equals("WEB-H20")).findFirst()
                .orElseThrow();
        assertThat(h20.referencePriceFen()).isEqualTo(1_250);
        mvc.perform(get("/pool/review").with(user(as("pool-office"))))
                .andExpect(status().isOk()).andExpect(content().string(containsString("WEB-H20")));
        mvc.perform(post("/pool/review/{id}/approve", h20.id()).with(user(as("pool-office"))).with(csrf()))
                .andExpect(redirectedUrl("/pool/review"));
        assertThat(offerings.find(h20.id()).orElseThrow().approved()).isTrue();
        mvc.perform(get("/pool/offerings").with(user(as("pool-provider"))).param("lang", "en"))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("Submit a new version")))
                .andExpect(content().string(containsString("WEB-H20")));

        // the enterprise posts a demand and sees the offer net of its voucher
        String location = mvc.perform(post("/pool/demands").with(user(as("pool-b"))).with(csrf())
                        .param("unit", "gpu_hour").param("resourceName", "H20").param("gpus", "2")
                        .param("hours", "10").param("startOn", TODAY.plusDays(1).toString())
                        .param("endOn", TODAY.plusDays(5).toString()).param("regionCode", "330108")
                        .param("budgetYuan", "500"))
                .andExpect(redirectedUrlPattern("/pool/demands/*"))
                .andReturn().getResponse().getRedirectedUrl();
        mvc.perform(get(location).with(user(as("pool-b"))))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("id=\"offer-" + h20.id() + "\"")))
                .andExpect(content().string(containsString("250.00元")));
        long demandId = Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
        mvc.perform(post("/pool/demands/{id}/accept", demandId).param("offeringId", Long.toString(h20.id()))
                        .with(user(as("pool-b"))).with(csrf()))
                .andExpect(redirectedUrlPattern("/pool/contracts/PC2025-*"));
        assertThat(contracts.ofEnterprise(enterpriseB)).singleElement()
                .satisfies(c -> assertThat(c.lines().get(0).quantityMax()).isEqualByComparingTo("20"));
    }

    @Test
    void formsRefuseBadInputNamingTheFieldInTheUsersLanguage() throws Exception {
        mvc.perform(post("/pool/offerings").with(user(as("pool-provider"))).with(csrf()).param("lang", "en")
                        .param("sku", "OK-1").param("unit", "gpu_hour").param("category", "compute.other")
                        .param("resourceName", "H20").param("capacity", "many").param("regionCode", "330110")
                        .param("referencePriceYuan", "12.345").param("listedFrom", "tomorrow")
                        .param("listedTo", TODAY.plusDays(10).toString()))
                .andExpect(status().isUnprocessableContent())
                .andExpect(content().string(containsString("Capacity (GPUs at once): &quot;many&quot; is not a whole number")))
                .andExpect(content().string(containsString("at most two decimals")))
                .andExpect(content().string(not(containsString("referencePriceFen"))))
                .andExpect(content().string(not(containsString("must be above 0"))))
                .andExpect(content().string(containsString("Listed from: &quot;tomorrow&quot; is not a date")));
        mvc.perform(post("/pool/demands").with(user(as("pool-a"))).with(csrf()).param("lang", "zh-CN")
                        .param("unit", "gpu_hour").param("resourceName", "H20").param("gpus", "0")
                        .param("hours", "10").param("startOn", TODAY.minusDays(1).toString())
                        .param("endOn", TODAY.plusDays(5).toString()).param("regionCode", "330106")
                        .param("budgetYuan", "500"))
                .andExpect(status().isUnprocessableContent())
                .andExpect(content().string(containsString("同时使用的 GPU 数:GPU 数须为 1 至 10000 之间的整数")))
                .andExpect(content().string(containsString("开始日期不能早于今天(2025-06-02)")));
        assertThat(offerings.ofProvider(provider).stream().noneMatch(o -> o.sku().equals("OK-1"))).isTrue();
    }

    @Test
    void theOfficeSeesAMatchingRoundProposalOverTheOpenDemands() throws Exception {
        mvc.perform(get("/pool/matching").with(user(as("pool-office"))))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("id=\"matching-summary\"")))
                .andExpect(content().string(containsString("WEB-910B")));
        mvc.perform(get("/pool/matching").with(user(as("pool-a")))).andExpect(status().isForbidden());
    }

    @Test
    void thePublicPoolPageAndItsDataNeedNoSignIn() throws Exception {
        mvc.perform(get("/public/pool"))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("公共算力池")))
                .andExpect(content().string(containsString("WEB-910B")))
                .andExpect(content().string(containsString("/dist/echarts.min.js")))
                .andExpect(content().string(containsString("/js/pool.js")))
                .andExpect(content().string(not(containsString("<script>"))));
        mvc.perform(get("/public/pool").param("lang", "en"))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("Public compute pool")));
        mvc.perform(get("/public/pool/data"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.today").value("2025-06-02"))
                .andExpect(jsonPath("$.days.length()").value(121))
                .andExpect(jsonPath("$.capacityGpus[60]").isNumber())
                .andExpect(jsonPath("$.resources[0].resource").isString());
        // the contract of A holds 4 GPUs from day +3 to +20
        String json = mvc.perform(get("/public/pool/data")).andReturn().getResponse().getContentAsString();
        assertThat(json).contains("\"昇腾910B\"");
        mvc.perform(get("/public/pool/catalog.csv"))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString(CatalogEntry.CSV_HEADER + "\n")))
                .andExpect(content().string(containsString(provider + ",WEB-910B,compute.domestic,gpu_hour,1600,32,")));
        mvc.perform(get("/webjars/echarts/dist/echarts.min.js")).andExpect(status().isOk());
    }
}
