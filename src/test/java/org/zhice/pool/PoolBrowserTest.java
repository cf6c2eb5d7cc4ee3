package org.zhice.pool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import org.zhice.identity.Role;
import org.zhice.identity.Users;
import org.zhice.registry.RegistryDemo;
import org.zhice.web.Browser;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pool in a real browser over the demo data: the public page draws its charts (ECharts from
 * the webjar, data from the JSON endpoint, no inline script), and an enterprise posts a demand,
 * compares the offers net of its voucher and signs with one.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(PoolFixtures.FixedClock.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PoolBrowserTest {

    @LocalServerPort int port;
    @Autowired Users users;
    @Autowired TransactionTemplate tx;
    @Autowired JdbcClient jdbc;
    @Autowired RegistryDemo registryDemo;
    @Autowired PoolDemo poolDemo;
    WebDriver browser;

    @BeforeAll
    void start() {
        browser = Browser.start();
        RegistryDemo.DemoParties parties = registryDemo.load();
        List<String> providers = jdbc.sql("select uscc from organisation where kind = 'provider' order by uscc")
                .query(String.class).list();
        List<String> enterprises = new ArrayList<>(List.of(parties.showcaseEnterprise()));
        enterprises.addAll(jdbc.sql("select uscc from organisation where kind = 'enterprise' order by uscc limit 30")
                .query(String.class).list());
        poolDemo.load(providers, enterprises);
        tx.executeWithoutResult(s -> {
            users.create("pool-browser", "browser-pass", "周婷", Role.ENTERPRISE, parties.showcaseEnterprise());
            users.create("pool-browser-office", "browser-pass", "王敏", Role.PROGRAM_OFFICE, null);
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

    /** Saves a picture of the page when {@code -Dzhice.screenshots=<folder>} is given. */
    void screenshot(String name) throws Exception {
        String folder = System.getProperty("zhice.screenshots");
        if (folder == null) {
            return;
        }
        Path dir = Path.of(folder);
        Files.createDirectories(dir);
        Files.write(dir.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void thePublicPageDrawsCapacityAndUtilisationCharts() throws Exception {
        browser.get(url("/public/pool?lang=zh-CN"));
        new WebDriverWait(browser, Duration.ofSeconds(20))
                .until(ExpectedConditions.attributeToBe(By.id("pool-capacity-chart"), "data-drawn", "true"));
        assertThat(browser.findElement(By.id("pool-capacity-chart")).findElements(By.tagName("canvas"))).isNotEmpty();
        assertThat(browser.findElement(By.id("pool-resource-chart")).findElements(By.tagName("canvas"))).isNotEmpty();
        assertThat(browser.findElement(By.id("pool-catalog")).getText()).contains("昇腾910B");
        Thread.sleep(1_500); // let the charts' entry animation finish before the picture
        screenshot("pool-public-zh");
        browser.get(url("/public/pool?lang=en"));
        new WebDriverWait(browser, Duration.ofSeconds(20))
                .until(ExpectedConditions.attributeToBe(By.id("pool-capacity-chart"), "data-drawn", "true"));
        screenshot("pool-public-en");
    }

    void signIn(String username) {
        browser.manage().deleteAllCookies();
        browser.get(url("/login"));
        browser.findElement(By.id("username")).sendKeys(username);
        browser.findElement(By.id("password")).sendKeys("browser-pass");
        browser.findElement(By.id("login-submit")).click();
    }

    @Test
    void theOfficeReviewsOfferingsAndSeesAMatchingRound() throws Exception {
        signIn("pool-browser-office");
        browser.get(url("/pool/review?lang=zh-CN"));
        List<org.openqa.selenium.WebElement> cards = browser.findElements(By.cssSelector("[id^=review-]"));
        assertThat(cards).hasSize(2);
        screenshot("pool-review");
        browser.get(url("/pool/matching"));
        assertThat(browser.findElement(By.id("matching-table")).findElements(By.cssSelector("tbody tr"))).isNotEmpty();
        screenshot("pool-matching");
    }

    @Test
    void anEnterprisePostsADemandComparesOffersAndSigns() throws Exception {
        signIn("pool-browser");
        browser.get(url("/pool/demands/new?lang=zh-CN"));
        browser.findElement(By.id("d-resource")).sendKeys("昇腾910B");
        browser.findElement(By.id("d-gpus")).sendKeys("2");
        browser.findElement(By.id("d-hours")).sendKeys("48");
        browser.findElement(By.id("d-budget")).sendKeys("5000");
        screenshot("pool-demand-form");
        browser.findElement(By.id("demand-submit")).click();
        assertThat(browser.findElement(By.id("demand-facts")).getText()).contains("昇腾910B").contains("2 卡 × 48 小时");
        List<org.openqa.selenium.WebElement> offers = browser.findElements(By.cssSelector("#offers tbody tr"));
        assertThat(offers).isNotEmpty();
        screenshot("pool-demand-offers");
        offers.get(0).findElement(By.cssSelector("button")).click();
        browser.switchTo().alert().accept();
        assertThat(browser.findElement(By.id("pool-notice")).getText()).contains("已签订");
        assertThat(browser.findElement(By.id("contract-csv")).getText()).contains("contract_id,enterprise_uscc");
        screenshot("pool-contract");
    }
}
