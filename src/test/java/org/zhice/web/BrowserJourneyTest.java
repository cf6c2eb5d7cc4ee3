package org.zhice.web;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.transaction.support.TransactionTemplate;
import org.zhice.identity.Role;
import org.zhice.identity.Users;

import static org.assertj.core.api.Assertions.assertThat;

/** Journeys a person makes in a real browser: sign in, switch language, sign out. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserJourneyTest {

    @LocalServerPort int port;
    @Autowired Users users;
    @Autowired TransactionTemplate tx;
    WebDriver browser;

    @BeforeAll
    void start() {
        browser = Browser.start();
        tx.executeWithoutResult(s -> {
            if (users.find("journey-office").isEmpty()) {
                users.create("journey-office", "journey-pass", "王敏", Role.PROGRAM_OFFICE, null);
            }
        });
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
    }

    String url(String path) {
        return "http://localhost:" + port + path;
    }

    void signIn(String username, String password) {
        browser.manage().deleteAllCookies();
        signInKeepingCookies(username, password);
    }

    void signInKeepingCookies(String username, String password) {
        browser.get(url("/login"));
        browser.findElement(By.id("username")).sendKeys(username);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("login-submit")).click();
    }

    @Test
    void signInWithAWrongPasswordThenTheRightOne() {
        signIn("journey-office", "wrong");
        assertThat(browser.findElement(By.id("login-error")).getText()).contains("用户名或密码错误");
        signIn("journey-office", "journey-pass");
        assertThat(browser.findElement(By.id("workbench-title")).getText()).contains("您好").contains("王敏");
        assertThat(browser.findElement(By.id("who")).getText()).contains("项目办");
        browser.findElement(By.id("sign-out")).click();
        assertThat(browser.findElement(By.id("sign-in")).getText()).isEqualTo("登录");
    }

    @Test
    void importsAFileWithABadRowAndSeesTheRowNamedAndNothingImported() throws Exception {
        java.nio.file.Path csv = java.nio.file.Files.createTempFile("orgs-", ".csv");
        java.nio.file.Files.writeString(csv, """
                uscc,name,kind,region_code
                91330106NE8PR7JY36,杭州一号算力有限公司,provider,330106
                913301064JURQ283FA,杭州二号科技有限公司,enterprise,330106
                """);
        signIn("journey-office", "journey-pass");
        browser.get(url("/registry/import?lang=zh-CN"));
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("import-kind"))).selectByValue("organisations");
        browser.findElement(By.id("import-file")).sendKeys(csv.toAbsolutePath().toString());
        browser.findElement(By.id("import-submit")).click();
        String errors = browser.findElement(By.id("import-errors")).getText();
        assertThat(errors).contains(csv.getFileName().toString()).contains("3").contains("uscc").contains("H");
        browser.get(url("/registry/organisations?q=91330106NE8PR7JY36"));
        assertThat(browser.getPageSource()).doesNotContain("杭州一号算力有限公司");
    }

    @Test
    void switchesLanguageOnEveryPageAndRemembersIt() {
        browser.manage().deleteAllCookies();
        browser.get(url("/"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).contains("人工智能+");
        browser.findElement(By.id("lang-en")).click();
        assertThat(browser.findElement(By.tagName("h1")).getText()).contains("Delivering");
        browser.get(url("/login"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Sign in");
        signInKeepingCookies("journey-office", "journey-pass");
        assertThat(browser.findElement(By.id("workbench-title")).getText()).startsWith("Hello");
        browser.findElement(By.id("lang-zh")).click();
        assertThat(browser.findElement(By.id("workbench-title")).getText()).startsWith("您好");
    }
}
