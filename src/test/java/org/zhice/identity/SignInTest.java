package org.zhice.identity;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestBuilders.formLogin;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.authenticated;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.unauthenticated;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Sign-in, sessions, CSRF, API tokens and the audit trail, on a real PostgreSQL. */
@SpringBootTest
@AutoConfigureMockMvc
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignInTest {

    @Autowired MockMvc mvc;
    @Autowired Users users;
    @Autowired ApiTokens tokens;
    @Autowired JdbcClient jdbc;
    @Autowired TransactionTemplate tx;

    String providerToken;

    @BeforeAll
    void createUsers() {
        tx.executeWithoutResult(s -> {
            if (users.find("sign-in-office").isEmpty()) {
                users.create("sign-in-office", "correct horse", "Office", Role.PROGRAM_OFFICE, null);
                long provider = users.create("sign-in-provider", "battery staple", "Provider", Role.PROVIDER,
                        "91330106NE8PR7JY36");
                providerToken = tokens.issue(provider, "test");
            }
        });
    }

    @Test
    void passwordsAreStoredOnlyAsSaltedHashes() {
        String hash = jdbc.sql("select password_hash from app_user where username = 'sign-in-office'")
                .query(String.class).single();
        assertThat(hash).startsWith("{bcrypt}").doesNotContain("correct horse");
    }

    @Test
    void signsInWithTheRightPasswordOnly() throws Exception {
        mvc.perform(formLogin("/login").user("sign-in-office").password("correct horse"))
                .andExpect(authenticated().withUsername("sign-in-office"))
                .andExpect(redirectedUrl("/home"));
        mvc.perform(formLogin("/login").user("sign-in-office").password("wrong"))
                .andExpect(unauthenticated());
    }

    @Test
    void repeatedFailuresLockTheAccountForAWhileAndEverySignInIsAudited() throws Exception {
        tx.executeWithoutResult(s -> users.create("sign-in-victim", "right password", "Victim", Role.AUDITOR, null));
        for (int i = 0; i < SignInEvents.MAX_FAILURES; i++) {
            mvc.perform(formLogin("/login").user("sign-in-victim").password("guess " + i))
                    .andExpect(unauthenticated()).andExpect(redirectedUrl("/login?error"));
        }
        mvc.perform(formLogin("/login").user("sign-in-victim").password("right password"))
                .andExpect(unauthenticated()).andExpect(redirectedUrl("/login?locked"));
        long failures = jdbc.sql("select count(*) from audit_log where action = 'sign-in.failed' and subject_id = 'sign-in-victim'")
                .query(Long.class).single();
        assertThat(failures).isEqualTo(SignInEvents.MAX_FAILURES + 1);
    }

    @Test
    void formsWithoutCsrfTokenAreRefused() throws Exception {
        mvc.perform(post("/login").param("username", "sign-in-office").param("password", "correct horse"))
                .andExpect(status().isForbidden());
    }

    @Test
    void pagesNeedSignInButTheLandingPageIsPublicInBothLanguages() throws Exception {
        mvc.perform(get("/home")).andExpect(status().is3xxRedirection());
        mvc.perform(get("/")).andExpect(status().isOk())
                .andExpect(content().string(org.hamcrest.Matchers.containsString("人工智能+")))
                .andExpect(header().string("Content-Security-Policy", org.hamcrest.Matchers.containsString("script-src 'self'")));
        mvc.perform(get("/").param("lang", "en")).andExpect(status().isOk())
                .andExpect(content().string(org.hamcrest.Matchers.containsString("Delivering")));
    }

    @Test
    void theWorkbenchGreetsTheUserByRole() throws Exception {
        mvc.perform(get("/home").with(user(users.loadUserByUsername("sign-in-office"))))
                .andExpect(status().isOk())
                .andExpect(content().string(org.hamcrest.Matchers.containsString("项目办")));
    }

    @Test
    void apiAcceptsAValidTokenAndRefusesOthers() throws Exception {
        mvc.perform(get("/api/whoami")).andExpect(status().isUnauthorized());
        mvc.perform(get("/api/whoami").header("Authorization", "Bearer zt_not-a-token"))
                .andExpect(status().isUnauthorized());
        mvc.perform(get("/api/whoami").header("Authorization", "Bearer " + providerToken))
                .andExpect(status().isOk())
                .andExpect(content().string(org.hamcrest.Matchers.containsString("\"role\":\"PROVIDER\"")))
                .andExpect(content().string(org.hamcrest.Matchers.containsString("91330106NE8PR7JY36")));
    }

    @Test
    void oversizedRequestBodiesAreRefusedBeforeTheyAreRead() throws Exception {
        byte[] body = new byte[33_554_433];
        mvc.perform(post("/api/whoami").header("Authorization", "Bearer " + providerToken)
                        .contentType("application/json").content(body))
                .andExpect(status().is(413))
                .andExpect(content().string(org.hamcrest.Matchers.containsString("33554432")));
    }

    @Test
    void everyWriteIsAudited() {
        long audited = jdbc.sql("select count(*) from audit_log where action = 'user.create' and subject_id = 'sign-in-provider'")
                .query(Long.class).single();
        assertThat(audited).isEqualTo(1);
        assertThat(csrf()).isNotNull();
    }
}
