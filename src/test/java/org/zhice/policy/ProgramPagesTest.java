package org.zhice.policy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.zhice.identity.Role;
import org.zhice.identity.Users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;
import static org.zhice.policy.ProgramFixtures.program;

/** The program pages, signed in as real users of each role and as a visitor, on a real PostgreSQL. */
@SpringBootTest
@AutoConfigureMockMvc
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProgramPagesTest {

    final MockMvc mvc;
    final Users users;
    final ProgramCatalog catalog;

    @Autowired
    ProgramPagesTest(MockMvc mvc, Users users, ProgramCatalog catalog) {
        this.mvc = mvc;
        this.users = users;
        this.catalog = catalog;
    }

    @BeforeAll
    void usersAndPresets() {
        users.create("pages-office", "office password", "项目办 王", Role.PROGRAM_OFFICE, null);
        users.create("pages-enterprise", "enterprise password", "企业 李", Role.ENTERPRISE, "91330106NE8PR7JY36");
        assertThat(catalog.loadPresets().ok()).isTrue();
    }

    @Test
    void theProgramOfficeUploadsAProgramAndThenANewVersionOfIt() throws Exception {
        mvc.perform(get("/programs/upload").with(as("pages-office")))
                .andExpect(status().isOk())
                .andExpect(content().string(allOf(containsString("id=\"program-file\""),
                        containsString("id=\"program-submit\""))));

        mvc.perform(upload("uploaded.yaml", program("uploaded", "1000000", "0.30")).with(as("pages-office")))
                .andExpect(status().is3xxRedirection())
                .andExpect(redirectedUrl("/programs/uploaded/versions/1"))
                .andExpect(flash().attribute("stored", "created"));
        mvc.perform(upload("uploaded.yaml", program("uploaded", "1000000", "0.30")).with(as("pages-office")))
                .andExpect(redirectedUrl("/programs/uploaded/versions/1"))
                .andExpect(flash().attribute("stored", "unchanged"));
        mvc.perform(upload("uploaded-2.yaml", program("uploaded", "3000000", "0.25")).with(as("pages-office")))
                .andExpect(redirectedUrl("/programs/uploaded/versions/2"));

        assertThat(catalog.current("uploaded").orElseThrow().uploadedBy()).isEqualTo("pages-office");
        // the current version, with what changed since version 1
        mvc.perform(get("/programs/uploaded").with(as("pages-enterprise")))
                .andExpect(status().isOk())
                .andExpect(content().string(allOf(containsString("第 2 版"), containsString("300万元"),
                        containsString("id=\"program-changes\""), containsString("国产智能算力"),
                        containsString("<pre class=\"code\" id=\"program-yaml\">"),
                        containsString("budget_yuan: 3000000"))));
        // version 1 stays readable as it was
        mvc.perform(get("/programs/uploaded/versions/1").with(as("pages-enterprise")))
                .andExpect(status().isOk())
                .andExpect(content().string(allOf(containsString("id=\"program-old\""), containsString("100万元"),
                        containsString("budget_yuan: 1000000"))));
    }

    @Test
    void aBadUploadListsEveryErrorWithFileLineAndKeyInTheReadersLanguageAndStoresNothing() throws Exception {
        String bad = program("rejected").replace("compute.domestic: 0.30", "compute.domestic: 1.5") + "surprise: 1\n";
        mvc.perform(upload("rejected.yaml", bad).with(as("pages-office")))
                .andExpect(status().isUnprocessableContent())
                .andExpect(content().string(allOf(containsString("id=\"program-errors\""),
                        containsString("rejected.yaml:10"), containsString("categories.compute.domestic"),
                        containsString("比例应大于 0 且不超过 1:1.5"),
                        containsString("rejected.yaml:16"), containsString("不认识的键"))));
        mvc.perform(upload("rejected.yaml", bad).param("lang", "en").with(as("pages-office")))
                .andExpect(status().isUnprocessableContent())
                .andExpect(content().string(allOf(containsString("a ratio must be above 0 and at most 1: 1.5"),
                        containsString("unknown key"))));
        mvc.perform(multipart("/programs/upload")
                        .file(new MockMultipartFile("file", "latin1.yaml", "application/yaml",
                                "name: caf\u00e9".getBytes(StandardCharsets.ISO_8859_1)))
                        .with(csrf()).with(as("pages-office")).param("lang", "zh-CN"))
                .andExpect(status().isUnprocessableContent())
                .andExpect(content().string(allOf(containsString("latin1.yaml:1"), containsString("文件不是 UTF-8 编码"))));
        assertThat(catalog.current("rejected")).isEmpty();
    }

    @Test
    void onlyTheProgramOfficeMayUpload() throws Exception {
        mvc.perform(get("/programs/upload").with(as("pages-enterprise"))).andExpect(status().isForbidden());
        mvc.perform(upload("sneaky.yaml", program("sneaky")).with(as("pages-enterprise")))
                .andExpect(status().isForbidden());
        assertThat(catalog.current("sneaky")).isEmpty();
        mvc.perform(get("/programs").with(as("pages-enterprise")))
                .andExpect(status().isOk())
                .andExpect(content().string(not(containsString("id=\"program-upload-link\""))));
        mvc.perform(get("/programs").with(as("pages-office")))
                .andExpect(content().string(containsString("id=\"program-upload-link\"")));
    }

    @Test
    void signedInUsersSeeEveryProgramWithBudgetInYuanAndRatiosInPercent() throws Exception {
        mvc.perform(get("/programs").with(as("pages-enterprise")))
                .andExpect(status().isOk())
                .andExpect(content().string(allOf(containsString("杭州市2025年度市级算力券"), containsString("2.5亿元"),
                        containsString("800万元"), containsString("国产智能算力 30%"), containsString("深圳市2025年度训力券"),
                        containsString("初创企业 国产智能算力 60%"))));
        mvc.perform(get("/programs/hz-2025-compute").with(as("pages-enterprise")).param("lang", "en"))
                .andExpect(status().isOk())
                .andExpect(content().string(allOf(containsString("¥250,000,000.00"), containsString("Domestic"),
                        containsString("Foundation models"), containsString("id=\"program-yaml\""))));
        mvc.perform(get("/programs/no-such-program").with(as("pages-enterprise"))).andExpect(status().isNotFound());
        mvc.perform(get("/programs/hz-2025-compute/versions/9").with(as("pages-enterprise")))
                .andExpect(status().isNotFound());
        mvc.perform(get("/programs")).andExpect(status().is3xxRedirection());
    }

    @Test
    void visitorsReadEachProgramInPlainWordsWithoutSigningIn() throws Exception {
        mvc.perform(get("/public/programs"))
                .andExpect(status().isOk())
                .andExpect(content().string(allOf(containsString("杭州市2025年度市级算力券"),
                        containsString("面向注册在杭州市的用户企业"), containsString("/public/programs/sz-2025-training"))));
        mvc.perform(get("/public/programs/hz-2025-compute"))
                .andExpect(status().isOk())
                .andExpect(content().string(allOf(containsString("谁可以申请"), containsString("以 3301 开头"),
                        containsString("合同期限不超过 366 天"), containsString("每家企业在本政策内累计获得的补贴不超过 800万元"),
                        containsString("按 30% 可获补贴 30万元"), containsString("公示 5 个工作日"),
                        containsString("凭发票按实际用量申请兑付"), containsString("id=\"program-sm3\""))));
        mvc.perform(get("/public/programs/cd-2024-compute"))
                .andExpect(content().string(containsString("在账单中直接扣减补贴金额")));
        mvc.perform(get("/public/programs/sz-2025-training").param("lang", "en"))
                .andExpect(status().isOk())
                .andExpect(content().string(allOf(containsString("Who can apply"), containsString("Start-ups get a higher ratio"),
                        containsString("60%"), containsString("¥10,000,000.00"))));
        mvc.perform(get("/public/programs/no-such-program")).andExpect(status().isNotFound());
    }

    private org.springframework.test.web.servlet.request.MockMultipartHttpServletRequestBuilder upload(String name,
                                                                                                     String yaml) {
        return (org.springframework.test.web.servlet.request.MockMultipartHttpServletRequestBuilder) multipart(
                "/programs/upload")
                .file(new MockMultipartFile("file", name, "application/yaml", yaml.getBytes(StandardCharsets.UTF_8)))
                .with(csrf());
    }

    private RequestPostProcessor as(String username) {
        UserDetails details = users.loadUserByUsername(username);
        return user(details);
    }
}
