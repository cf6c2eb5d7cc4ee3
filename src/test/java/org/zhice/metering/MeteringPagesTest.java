package org.zhice.metering;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.transaction.support.TransactionTemplate;
import org.zhice.identity.Role;
import org.zhice.identity.Users;
import org.zhice.metering.MeteringFixtures.World;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrlPattern;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The pages, by role, in Chinese and English: the provider uploads a file and reads a result per
 * line; the enterprise sees its usage per contract and day and disputes a line; the office decides.
 */
@SpringBootTest
@AutoConfigureMockMvc
@Import(MeteringFixtures.FixedClock.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MeteringPagesTest {

    @Autowired MockMvc mvc;
    @Autowired Users users;
    @Autowired JdbcClient jdbc;
    @Autowired TransactionTemplate tx;
    @Autowired Metering metering;

    World world;
    String provider;
    String enterprise;
    String otherEnterprise;
    String office;

    @BeforeAll
    void setUp() {
        world = World.create(tx, jdbc, "PG" + UUID.randomUUID().toString().substring(0, 5));
        World other = World.create(tx, jdbc, "PH" + UUID.randomUUID().toString().substring(0, 5));
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        provider = "page-provider-" + suffix;
        enterprise = "page-enterprise-" + suffix;
        otherEnterprise = "page-other-" + suffix;
        office = "page-office-" + suffix;
        users.create(provider, "secret-pass", "P", Role.PROVIDER, world.provider());
        users.create(enterprise, "secret-pass", "E", Role.ENTERPRISE, world.enterprise());
        users.create(otherEnterprise, "secret-pass", "F", Role.ENTERPRISE, other.enterprise());
        users.create(office, "secret-pass", "O", Role.PROGRAM_OFFICE, null);
    }

    UserDetails as(String username) {
        return users.loadUserByUsername(username);
    }

    @Test
    void fromUploadToDisputeToDecision() throws Exception {
        String file = String.join("\n", List.of(
                world.gpu("pg-1", 4, "8", "2025-03-05T10:00:00+08:00", "2025-03-05T12:00:00+08:00"),
                world.gpu("pg-2", 2, "5", "2025-03-05T12:00:00+08:00", "2025-03-05T14:00:00+08:00"),
                world.gpu("pg-3", 2, "4", "2025-03-05T12:00:00+08:00", "2025-03-05T14:00:00+08:00"),
                "{not json}")) + "\n";
        MockMultipartFile upload = new MockMultipartFile("file", "usage-0305.ndjson", "application/octet-stream",
                file.getBytes(StandardCharsets.UTF_8));
        mvc.perform(get("/metering/uploads").with(user(as(provider))))
                .andExpect(status().isOk())
                .andExpect(content().string(allOf(containsString("用量上报"), containsString("uploadKey"))));
        String location = mvc.perform(multipart("/metering/uploads").file(upload).param("uploadKey", "form-1")
                        .with(user(as(provider))).with(csrf()))
                .andExpect(redirectedUrlPattern("/metering/uploads/*"))
                .andReturn().getResponse().getRedirectedUrl();
        // the same form sent twice stores its events once
        mvc.perform(multipart("/metering/uploads").file(upload).param("uploadKey", "form-1")
                        .with(user(as(provider))).with(csrf()))
                .andExpect(redirectedUrl(location));
        mvc.perform(get(location).with(user(as(provider))))
                .andExpect(status().isOk())
                .andExpect(content().string(allOf(containsString("usage-0305.ndjson"),
                        containsString("共 4 行：接受 2，拒绝 1，错误行 1"), containsString("INCONSISTENT_QUANTITY"),
                        containsString("不是合法的 JSON"))));
        mvc.perform(get(location).param("lang", "en").with(user(as(provider))))
                .andExpect(status().isOk())
                .andExpect(content().string(allOf(containsString("4 lines: 2 accepted, 1 rejected, 1 with errors"),
                        containsString("Not valid JSON"))));
        mvc.perform(get("/metering/uploads").with(user(as(provider))))
                .andExpect(content().string(allOf(containsString(location),
                        containsString("2025-03-20 10:00:00")))); // received at 10:00 in +08:00, not 02:00 UTC

        // the enterprise sees the day and disputes pg-3
        mvc.perform(get("/metering/usage").with(user(as(enterprise))))
                .andExpect(status().isOk())
                .andExpect(content().string(allOf(containsString(world.gpuContract()), containsString("2025-03-05"))));
        String page = mvc.perform(get("/metering/usage").param("contract", world.gpuContract())
                        .param("day", "2025-03-05").with(user(as(enterprise))))
                .andExpect(status().isOk())
                .andExpect(content().string(allOf(containsString("pg-1"), containsString("pg-3"),
                        containsString("提出异议"))))
                .andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
        long pg3 = metering.acceptedUsage(world.gpuContract()).stream().filter(u -> u.eventId().equals("pg-3"))
                .findFirst().orElseThrow().usageId();
        assertThat(page).contains("/metering/usage/" + pg3 + "/dispute");
        mvc.perform(post("/metering/usage/{id}/dispute", pg3).param("reason", "该作业当天未运行")
                        .param("contract", world.gpuContract()).param("day", "2025-03-05")
                        .with(user(as(otherEnterprise))).with(csrf()))
                .andExpect(flash().attributeExists("error"));
        mvc.perform(post("/metering/usage/{id}/dispute", pg3).param("reason", "")
                        .with(user(as(enterprise))).with(csrf()))
                .andExpect(flash().attributeExists("error"));
        mvc.perform(post("/metering/usage/{id}/dispute", pg3).param("reason", "该作业当天未运行")
                        .param("contract", world.gpuContract()).param("day", "2025-03-05")
                        .with(user(as(enterprise))).with(csrf()))
                .andExpect(redirectedUrl("/metering/usage?contract=" + world.gpuContract() + "&day=2025-03-05"))
                .andExpect(flash().attributeExists("notice"));
        assertThat(metering.acceptedUsage(world.gpuContract())).extracting(AcceptedUsage::eventId)
                .as("pg-2 was rejected, pg-3 is disputed").containsExactly("pg-1");
        String overview = mvc.perform(get("/metering/usage").param("lang", "en").with(user(as(enterprise))))
                .andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(overview).as("the line counts pg-1's 8 GPU-hours; pg-3's 4 are shown as disputed")
                .containsPattern("class=\"num\">8</td>\\s*<td class=\"num\">4</td>")
                .contains("Disputed");

        // the office upholds it
        String disputes = mvc.perform(get("/metering/disputes").with(user(as(office))))
                .andExpect(status().isOk())
                .andExpect(content().string(allOf(containsString("该作业当天未运行"), containsString("pg-3"))))
                .andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
        long disputeId = jdbc.sql("select id from usage_dispute where usage_id = :u").param("u", pg3)
                .query(Long.class).single();
        assertThat(disputes).contains("/metering/disputes/" + disputeId + "/uphold");
        mvc.perform(post("/metering/disputes/{id}/uphold", disputeId).param("note", "核实无误")
                        .with(user(as(office))).with(csrf()))
                .andExpect(redirectedUrl("/metering/disputes"));
        mvc.perform(get("/metering/disputes").param("lang", "en").with(user(as(office))))
                .andExpect(content().string(allOf(containsString("No open disputes."), containsString("Dispute upheld"))));
        mvc.perform(get("/metering/usage").param("contract", world.gpuContract()).param("day", "2025-03-05")
                        .param("lang", "en").with(user(as(enterprise))))
                .andExpect(content().string(allOf(containsString("Does not count"),
                        containsString("The enterprise disputed it and the program office upheld the dispute"))));
    }

    @Test
    void eachRoleSeesOnlyItsPages() throws Exception {
        mvc.perform(get("/metering/uploads").with(user(as(enterprise)))).andExpect(status().isForbidden());
        mvc.perform(get("/metering/usage").with(user(as(provider)))).andExpect(status().isForbidden());
        mvc.perform(get("/metering/disputes").with(user(as(provider)))).andExpect(status().isForbidden());
        mvc.perform(get("/metering/disputes").with(user(as(enterprise)))).andExpect(status().isForbidden());
        mvc.perform(get("/metering/usage").with(user(as(otherEnterprise))))
                .andExpect(status().isOk())
                .andExpect(content().string(not(containsString(world.gpuContract()))));
        mvc.perform(get("/metering/uploads/999999").with(user(as(provider)))).andExpect(status().isNotFound());
        mvc.perform(get("/home").with(user(as(provider))))
                .andExpect(content().string(containsString("/metering/uploads")));
        mvc.perform(get("/home").with(user(as(enterprise))))
                .andExpect(content().string(containsString("/metering/usage")));
    }

    @Test
    void aCsvUploadCountsItsEventLinesNotItsHeader() throws Exception {
        String file = "event_id,provider_uscc,contract_id,sku,units,quantity,start,end\n"
                + "csv-1," + world.provider() + "," + world.tokenContract() + ",TOK,,2,2025-03-06T10:00:00+08:00,"
                + "2025-03-06T12:00:00+08:00\n"
                + "csv-2," + world.provider() + "," + world.tokenContract() + ",TOK,,-1,2025-03-06T10:00:00+08:00,"
                + "2025-03-06T12:00:00+08:00\n\n";
        String location = mvc.perform(multipart("/metering/uploads").file(new MockMultipartFile("file", "u.csv",
                                "text/csv", file.getBytes(StandardCharsets.UTF_8)))
                        .param("uploadKey", "form-csv").with(user(as(provider))).with(csrf()))
                .andReturn().getResponse().getRedirectedUrl();
        mvc.perform(get(location).with(user(as(provider))))
                .andExpect(content().string(containsString("共 2 行：接受 1，拒绝 1，错误行 0")));
    }

    @Test
    void aFileThatIsNotUsageIsRefusedWholeAndNamed() throws Exception {
        MockMultipartFile csv = new MockMultipartFile("file", "usage.csv", "text/csv",
                "event_id,contract_id\nx,y\n".getBytes(StandardCharsets.UTF_8));
        mvc.perform(multipart("/metering/uploads").file(csv).param("uploadKey", "form-bad")
                        .with(user(as(provider))).with(csrf()))
                .andExpect(status().isOk())
                .andExpect(content().string(allOf(containsString("文件 usage.csv 未被受理"),
                        containsString("CSV 首行缺少列：provider_uscc, sku, quantity, start, end"))));
    }
}
