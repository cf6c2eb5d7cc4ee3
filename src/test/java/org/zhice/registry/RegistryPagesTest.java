package org.zhice.registry;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.springframework.transaction.support.TransactionTemplate;
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
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** The registry's pages: who may see what, search, detail and import, in both languages. */
@SpringBootTest
@AutoConfigureMockMvc
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryPagesTest {

    final MockMvc mvc;
    final Users users;
    final RegistryImport imports;
    final TransactionTemplate tx;
    final Registry registry;

    @Autowired
    RegistryPagesTest(MockMvc mvc, Users users, RegistryImport imports, TransactionTemplate tx, Registry registry) {
        this.mvc = mvc;
        this.users = users;
        this.imports = imports;
        this.tx = tx;
        this.registry = registry;
    }

    final String own = TestCodes.uscc("330108");
    final String other = TestCodes.uscc("330110");
    final String rep = TestCodes.person();

    @BeforeAll
    void data() {
        String orgs = "uscc,name,kind,region_code,industry\n" + own + ",页面测试自有科技有限公司,enterprise,330108,人工智能\n"
                + other + ",页面测试他人算力有限公司,provider,330110,智能算力服务\n";
        assertThat(imports.run(ImportKind.ORGANISATIONS, "pages.csv", orgs.getBytes(StandardCharsets.UTF_8)).ok()).isTrue();
        assertThat(imports.run(ImportKind.PEOPLE, "pages-people.csv",
                ("person_id,name,id_number\n" + rep + ",孙页面,11010519491231002X\n").getBytes(StandardCharsets.UTF_8)).ok()).isTrue();
        String links = "party_a,party_b,type\n" + rep + "," + own + ",legal_rep\n" + rep + "," + other + ",shareholder\n";
        assertThat(imports.run(ImportKind.RELATIONS, "pages-rel.csv", links.getBytes(StandardCharsets.UTF_8)).ok()).isTrue();
        tx.executeWithoutResult(s -> {
            users.create("reg-office", "pw-office-1", "项目办", Role.PROGRAM_OFFICE, null);
            users.create("reg-reviewer", "pw-reviewer-1", "初审", Role.REVIEWER, null);
            users.create("reg-enterprise", "pw-enterprise-1", "企业", Role.ENTERPRISE, own);
        });
    }

    RequestPostProcessor as(String username) {
        return user(users.loadUserByUsername(username));
    }

    @Test
    void anEnterpriseUserSeesItsOwnOrganisationOnly() throws Exception {
        mvc.perform(get("/registry/organisations/" + own).with(as("reg-enterprise")))
                .andExpect(status().isOk())
                .andExpect(content().string(allOf(containsString("页面测试自有科技有限公司"), containsString("孙页面"),
                        containsString("110105********002X"), not(containsString("11010519491231002X")),
                        not(containsString("id=\"org-neighbours\"")))));
        mvc.perform(get("/registry/organisations/" + other).with(as("reg-enterprise")))
                .andExpect(status().isForbidden());
        mvc.perform(get("/registry/organisations").with(as("reg-enterprise")))
                .andExpect(status().isForbidden());
        mvc.perform(get("/registry/import").with(as("reg-enterprise")))
                .andExpect(status().isForbidden());
    }

    @Test
    void staffSeeAnyOrganisationWithItsRelationsAndTwoEdgeNeighbours() throws Exception {
        mvc.perform(get("/registry/organisations/" + own).with(as("reg-reviewer")))
                .andExpect(status().isOk())
                .andExpect(content().string(allOf(containsString("id=\"org-neighbours\""), containsString("页面测试他人算力有限公司"),
                        containsString("法定代表人"), containsString("浙江省 杭州市 滨江区"))));
        mvc.perform(get("/registry/organisations/" + own + "?lang=en").with(as("reg-reviewer")))
                .andExpect(status().isOk())
                .andExpect(content().string(allOf(containsString("legal representative"),
                        containsString("Binjiang District, Hangzhou, Zhejiang"))));
        mvc.perform(get("/registry/organisations/" + TestCodes.uscc()).with(as("reg-reviewer")))
                .andExpect(status().isNotFound());
    }

    @Test
    void theListSearchesByNameOrCodeFiltersByKindAndRegionAndPages() throws Exception {
        mvc.perform(get("/registry/organisations").param("q", "页面测试").with(as("reg-reviewer")))
                .andExpect(status().isOk())
                .andExpect(content().string(allOf(containsString(own), containsString(other))));
        mvc.perform(get("/registry/organisations").param("q", "页面测试").param("kind", "provider").with(as("reg-reviewer")))
                .andExpect(content().string(allOf(containsString(other), not(containsString(own)))));
        mvc.perform(get("/registry/organisations").param("q", own.substring(0, 14)).param("region", "330100").with(as("reg-reviewer")))
                .andExpect(content().string(containsString(own)));
        mvc.perform(get("/registry/organisations").param("q", "页面测试").param("region", "330110").with(as("reg-reviewer")))
                .andExpect(content().string(allOf(containsString(other), not(containsString(own)))));
        mvc.perform(get("/registry/organisations").param("q", "页面测试").param("size", "1").param("page", "2")
                        .param("size", "100000").with(as("reg-reviewer")))
                .andExpect(status().isOk());
        mvc.perform(get("/registry/organisations").param("q", "100%_").with(as("reg-reviewer")))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("没有符合条件的主体")));
    }

    @Test
    void theProgramOfficeImportsAFileAndSeesTheCounts() throws Exception {
        String uscc = TestCodes.uscc();
        var file = new MockMultipartFile("file", "new-orgs.csv", "text/csv",
                ("uscc,name,kind,region_code\n" + uscc + ",页面导入科技有限公司,enterprise,330106\n").getBytes(StandardCharsets.UTF_8));

        mvc.perform(multipart("/registry/import").file(file).param("kind", "organisations").with(csrf()).with(as("reg-office")))
                .andExpect(status().isOk())
                .andExpect(content().string(allOf(containsString("id=\"import-result\""), containsString("新增 1 条"))));

        assertThat(registry.organisation(uscc)).isPresent();
    }

    @Test
    void aBadFileListsEveryProblemWithFileRowAndColumnInTheUsersLanguage() throws Exception {
        String[] wrong = TestCodes.withWrongCheck(TestCodes.uscc());
        var file = new MockMultipartFile("file", "bad-orgs.csv", "text/csv",
                ("uscc,name,kind,region_code\n" + wrong[0] + ",坏行有限公司,enterprise,330106\n"
                        + TestCodes.uscc() + ",坏行二有限公司,enterprise,12345\n").getBytes(StandardCharsets.UTF_8));

        mvc.perform(multipart("/registry/import").file(file).param("kind", "organisations").with(csrf()).with(as("reg-office")))
                .andExpect(status().isOk())
                .andExpect(content().string(allOf(containsString("id=\"import-errors\""),
                        containsString("bad-orgs.csv 第 2 行 uscc 列:统一社会信用代码“" + wrong[0] + "”校验位错误:应为“" + wrong[1] + "”"),
                        containsString("bad-orgs.csv 第 3 行 region_code 列"),
                        not(containsString("id=\"import-result\"")))));

        mvc.perform(multipart("/registry/import").file(file).param("kind", "organisations").param("lang", "en")
                        .with(csrf()).with(as("reg-office")))
                .andExpect(content().string(containsString("bad-orgs.csv, row 2, column uscc: Unified social credit code")));
    }

    @Test
    void onlyTheProgramOfficeMayImport() throws Exception {
        var file = new MockMultipartFile("file", "x.csv", "text/csv", "person_id,name\nP:x1,某\n".getBytes(StandardCharsets.UTF_8));
        mvc.perform(multipart("/registry/import").file(file).param("kind", "people").with(csrf()).with(as("reg-reviewer")))
                .andExpect(status().isForbidden());
        mvc.perform(get("/registry/import").with(as("reg-office")))
                .andExpect(status().isOk())
                .andExpect(content().string(allOf(containsString("id=\"import-file\""), containsString("id=\"import-kind\""),
                        containsString("id=\"import-submit\""))));
    }
}
