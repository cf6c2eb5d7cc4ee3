package org.zhice.web;

import static org.assertj.core.api.Assertions.assertThat;
import org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.io.ByteArrayOutputStream;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.zhice.identity.ApiTokens;
import org.zhice.identity.Role;
import org.zhice.identity.Users;
import org.zhice.shared.Uscc;

/**
 * Hostile input through the web, end to end: refused uploads change nothing in the database,
 * bodies over the limits get 413 with a message in the reader's language, uploaded file names are
 * never paths and are shown escaped, and names carrying markup are shown as text on every page that
 * shows them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureMockMvc
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {

    static final String SCRIPT = "<script>alert(1)</script>";
    static final String IMG = "\"><img src=x onerror=alert(2)>";
    static final String HOSTILE_FILE = "../../etc/" + SCRIPT + "\u0000.csv";

    @Autowired MockMvc mvc;
    @Autowired Users users;
    @Autowired ApiTokens tokens;
    @Autowired JdbcClient jdbc;
    @Autowired java.time.Clock clock;
    @LocalServerPort int port;

    String suffix = UUID.randomUUID().toString().substring(0, 6);
    String scriptOrg;
    String imgOrg;
    String provider;
    String token;

    @BeforeAll
    void setUp() throws Exception {
        users.create("hostile-office-" + suffix, "pw-office-" + suffix, "项目办", Role.PROGRAM_OFFICE, null);
        scriptOrg = uscc("1");
        imgOrg = uscc("2");
        provider = uscc("3");
        String csv = "uscc,name,kind,region_code\n"
                + scriptOrg + "," + SCRIPT + ",enterprise,330106\n"
                + imgOrg + ",\"" + IMG.replace("\"", "\"\"") + "\",enterprise,330106\n"
                + provider + "," + "=HYPERLINK(\"\"http://x\"\")" + ",provider,330106\n";
        mvc.perform(multipart("/registry/import").file(new MockMultipartFile("file", "orgs.csv", "text/csv",
                        csv.getBytes(StandardCharsets.UTF_8))).param("kind", "organisations").with(office()))
                .andExpect(status().isOk());
        assertThat(count("organisation")).isGreaterThanOrEqualTo(3);
        long providerUser = users.create("hostile-provider-" + suffix, "pw-provider-" + suffix, "服务商", Role.PROVIDER,
                provider);
        token = tokens.issue(providerUser, "hostile input test");
    }

    RequestPostProcessor office() {
        RequestPostProcessor user = user(users.loadUserByUsername("hostile-office-" + suffix));
        return request -> SecurityMockMvcRequestPostProcessors.csrf().postProcessRequest(user.postProcessRequest(request));
    }

    static String uscc(String tail) {
        String body = ("91330106" + UUID.randomUUID().toString().replaceAll("[^0-9]", "") + "000000000").substring(0, 16) + tail;
        return Uscc.withCheckCharacter(body);
    }

    long count(String table) {
        return jdbc.sql("select count(*) from " + table).query(Long.class).single();
    }

    Map<String, Long> counts(String... tables) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String table : tables) {
            counts.put(table, count(table));
        }
        return counts;
    }

    static void assertEscaped(String html, String where) {
        assertThat(html).as(where).doesNotContain("<script>alert").doesNotContain("<img src=x")
                .doesNotContain("onerror=alert(2)>");
    }

    // ------------------------------------------------------------------ names with markup

    @Test
    void namesWithMarkupAreShownAsTextOnEveryPageThatShowsThem() throws Exception {
        String program = """
                id: hostile-%s
                name: "%s"
                funder: "%s"
                region_prefix: "3301"
                period: { start: 2025-01-01, end: 2025-12-31 }
                application_window: { start: 2025-01-01, end: 2025-12-31 }
                budget_yuan: 1000
                per_enterprise_cap_yuan: 100
                categories: { compute.domestic: 0.30 }
                contract_term_days_max: 366
                cap_price_at_reference: true
                exclude_related_parties: true
                notice_working_days: 5
                targets:
                  - { name: "%s", metric: "%s", goal: 1, due: 2025-12-31 }
                """.formatted(suffix, SCRIPT, IMG.replace("\"", "\\\""), SCRIPT, IMG.replace("\"", "\\\""));
        mvc.perform(multipart("/programs/upload").file(new MockMultipartFile("file", "p.yaml", "application/yaml",
                program.getBytes(StandardCharsets.UTF_8))).with(office())).andExpect(status().is3xxRedirection());

        List<String> pages = List.of("/registry/organisations", "/registry/organisations/" + scriptOrg,
                "/registry/organisations/" + imgOrg, "/programs", "/programs/hostile-" + suffix,
                "/programs/hostile-" + suffix + "/versions/1", "/public/programs", "/public/programs/hostile-" + suffix);
        for (String page : pages) {
            for (String lang : List.of("zh", "en")) {
                MvcResult result = mvc.perform(get(page).param("lang", lang).with(office())).andReturn();
                String html = result.getResponse().getContentAsString(StandardCharsets.UTF_8);
                assertThat(result.getResponse().getStatus()).as(page).isEqualTo(200);
                assertEscaped(html, page);
            }
        }
        String list = mvc.perform(get("/registry/organisations").with(office())).andReturn().getResponse()
                .getContentAsString(StandardCharsets.UTF_8);
        assertThat(list).contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    }

    @Test
    void offeringNamesWithMarkupAreShownAsTextAndFormsWithNulChangeNothing() throws Exception {
        RequestPostProcessor provider = user(users.loadUserByUsername("hostile-provider-" + suffix));
        RequestPostProcessor withCsrf = request -> SecurityMockMvcRequestPostProcessors.csrf()
                .postProcessRequest(provider.postProcessRequest(request));
        String form = "sku=H-" + suffix + "&category=compute.domestic&domestic=on&unit=gpu_hour&capacity=8&regionCode=330106"
                + "&referencePriceYuan=10&listedFrom=" + java.time.LocalDate.now(clock).plusDays(1) + "&listedTo="
                + java.time.LocalDate.now(clock).plusYears(1) + "&resourceName=";
        mvc.perform(post("/pool/offerings").contentType("application/x-www-form-urlencoded")
                        .content(form + java.net.URLEncoder.encode(SCRIPT + IMG, StandardCharsets.UTF_8)).with(withCsrf))
                .andDo(r -> assertThat(r.getResponse().getStatus()).as(r.getResponse().getContentAsString(StandardCharsets.UTF_8)
                        .replaceAll("(?s).*<main", "").replaceAll("(?s)</main>.*", "")).isEqualTo(302));
        for (String page : List.of("/pool/offerings", "/pool/offerings/new")) {
            String html = mvc.perform(get(page).with(provider)).andReturn().getResponse()
                    .getContentAsString(StandardCharsets.UTF_8);
            assertEscaped(html, page);
        }
        String review = mvc.perform(get("/pool/review").with(office())).andReturn().getResponse()
                .getContentAsString(StandardCharsets.UTF_8);
        assertEscaped(review, "/pool/review");

        Map<String, Long> before = counts("pool_offering");
        MvcResult nul = mvc.perform(post("/pool/offerings?lang=en").contentType("application/x-www-form-urlencoded")
                .content(form.replace("H-", "N-") + "GPU%00x").with(withCsrf)).andReturn();
        assertThat(nul.getResponse().getStatus()).isEqualTo(400);
        assertThat(nul.getResponse().getContentAsString(StandardCharsets.UTF_8)).contains("resourceName").contains("NUL");
        assertThat(counts("pool_offering")).isEqualTo(before);
    }

    // ------------------------------------------------------------------ refused imports change nothing

    @Test
    void refusedRegistryImportsChangeNothingAndNameTheFileEscaped() throws Exception {
        String good = "uscc,name,kind,region_code\n" + uscc("4") + ",杭州新公司,enterprise,330106\n";
        Map<String, byte[]> hostile = new LinkedHashMap<>();
        hostile.put("gbk", good.getBytes(Charset.forName("GBK")));
        hostile.put("utf16", good.getBytes(StandardCharsets.UTF_16));
        hostile.put("bad row", (good + "91330106XXXXXXXXXX,坏行,enterprise,330106\n").getBytes(StandardCharsets.UTF_8));
        hostile.put("nul", good.replace("新", "\u0000").getBytes(StandardCharsets.UTF_8));
        hostile.put("not xlsx", "PK\u0003\u0004garbage".getBytes(StandardCharsets.ISO_8859_1));
        Map<String, Long> before = counts("organisation", "party", "person", "party_relation");
        for (Map.Entry<String, byte[]> file : hostile.entrySet()) {
            for (String lang : List.of("zh", "en")) {
                String html = mvc.perform(multipart("/registry/import").file(new MockMultipartFile("file", HOSTILE_FILE,
                                "text/csv", file.getValue())).param("kind", "organisations").param("lang", lang).with(office()))
                        .andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
                assertEscaped(html, file.getKey());
                assertThat(html).as(file.getKey()).doesNotContain("../").doesNotContain("\u0000");
            }
        }
        assertThat(counts("organisation", "party", "person", "party_relation")).isEqualTo(before);
    }

    @Test
    void refusedProgramUploadsChangeNothing() throws Exception {
        Map<String, Long> before = counts("program", "program_version", "program_category", "program_target");
        List<byte[]> hostile = List.of(
                ("id: x\nbudget_yuan: 1" + "0".repeat(200_000) + "\n").getBytes(StandardCharsets.UTF_8),
                "a: &a [1]\nb: *a\n".getBytes(StandardCharsets.UTF_16),
                "name: 杭州\n".getBytes(Charset.forName("GBK")),
                ("x: " + "[".repeat(5_000)).getBytes(StandardCharsets.UTF_8),
                "id: a\u0000b\n".getBytes(StandardCharsets.UTF_8),
                new byte[300 * 1024]);
        for (byte[] file : hostile) {
            MvcResult result = mvc.perform(multipart("/programs/upload").file(new MockMultipartFile("file", HOSTILE_FILE,
                    "application/yaml", file)).with(office())).andReturn();
            assertThat(result.getResponse().getStatus()).isEqualTo(422);
            String html = result.getResponse().getContentAsString(StandardCharsets.UTF_8);
            assertEscaped(html, "program upload");
            assertThat(html).doesNotContain("../");
        }
        assertThat(counts("program", "program_version", "program_category", "program_target")).isEqualTo(before);
    }

    // ------------------------------------------------------------------ usage API

    @Test
    void hostileUsageBodiesAreRefusedWholeOrByLineAndNeverFail() throws Exception {
        String[] tables = {"metering_upload", "usage_event", "metering_line", "metering_upload_problem"};
        Map<String, Long> before = counts(tables);
        String line = "{\"event_id\":\"e-1\",\"provider_uscc\":\"" + provider + "\",\"contract_id\":\"C1\",\"sku\":\"G\","
                + "\"quantity\":\"1\",\"start\":\"2025-03-05T10:00:00+08:00\",\"end\":\"2025-03-05T11:00:00+08:00\"}\n";
        // refused whole: nothing stored
        for (byte[] body : List.of(line.getBytes(StandardCharsets.UTF_16), new byte[0], "[]".getBytes(StandardCharsets.UTF_8))) {
            mvc.perform(post("/api/metering/usage").header("Authorization", "Bearer " + token)
                            .header("Idempotency-Key", UUID.randomUUID().toString()).contentType("application/x-ndjson")
                            .content(body))
                    .andExpect(status().isBadRequest());
        }
        assertThat(counts(tables)).isEqualTo(before);

        // text PostgreSQL cannot store: a problem of its line, not a server error
        String nul = line.replace("e-1", "e\\u0000" + SCRIPT) + line.replace("C1", "C\\ud800");
        MvcResult result = mvc.perform(post("/api/metering/usage").header("Authorization", "Bearer " + token)
                        .header("Idempotency-Key", UUID.randomUUID().toString()).contentType("application/x-ndjson")
                        .content(nul))
                .andExpect(status().isOk()).andReturn();
        String answer = result.getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(answer).contains("\"accepted\":0").contains("\"field\":\"event_id\"").contains("\"field\":\"contract_id\"");
        assertThat(count("usage_event")).isEqualTo(before.get("usage_event"));
    }

    @Test
    void usageUploadPageTakesHostileFileNamesAsNamesOnly() throws Exception {
        RequestPostProcessor provider = user(users.loadUserByUsername("hostile-provider-" + suffix));
        String line = "{\"event_id\":\"p-1\",\"provider_uscc\":\"" + this.provider + "\",\"contract_id\":\"NO-SUCH\","
                + "\"sku\":\"G\",\"quantity\":\"1\",\"start\":\"2025-03-05T10:00:00+08:00\",\"end\":\"2025-03-05T11:00:00+08:00\"}\n";
        MvcResult result = mvc.perform(multipart("/metering/uploads").file(new MockMultipartFile("file",
                        "C:\\Users\\x\\..\\" + IMG + "\u0000.ndjson", "application/x-ndjson", line.getBytes(StandardCharsets.UTF_8)))
                        .with(request -> SecurityMockMvcRequestPostProcessors.csrf().postProcessRequest(
                                provider.postProcessRequest(request))))
                .andReturn();
        assertThat(result.getResponse().getStatus()).isLessThan(500);
        String location = result.getResponse().getRedirectedUrl();
        String html = location == null ? result.getResponse().getContentAsString(StandardCharsets.UTF_8)
                : mvc.perform(get(location).with(provider)).andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertEscaped(html, "usage upload");
        List<String> names = jdbc.sql("select coalesce(file_name, '') from metering_upload where provider_uscc = :p")
                .param("p", this.provider).query(String.class).list();
        assertThat(names).allSatisfy(name -> assertThat(name).doesNotContain("\u0000").doesNotContain("..").doesNotContain("\\"));
    }

    @Test
    void contractLinesFileInAnotherEncodingIsRefusedWithItsLine() throws Exception {
        users.create("hostile-enterprise3-" + suffix, "pw-enterprise-" + suffix, "企业", Role.ENTERPRISE, imgOrg);
        RequestPostProcessor enterprise = user(users.loadUserByUsername("hostile-enterprise3-" + suffix));
        byte[] gbk = "sku,unit_price_yuan,quantity_max\nGPU-算力,12.5,100\n".getBytes(java.nio.charset.Charset.forName("GBK"));
        Map<String, Long> before = counts("voucher_contract", "voucher_contract_line");
        for (String lang : List.of("zh-CN", "en")) {
            MvcResult result = mvc.perform(multipart("/vouchers/contracts").file(new MockMultipartFile("linesFile", "lines.csv",
                            "text/csv", gbk)).param("providerUscc", provider).param("lang", lang)
                            .with(request -> SecurityMockMvcRequestPostProcessors.csrf().postProcessRequest(
                                    enterprise.postProcessRequest(request))))
                    .andReturn();
            assertThat(result.getResponse().getStatus()).isEqualTo(422);
            String html = result.getResponse().getContentAsString(StandardCharsets.UTF_8);
            assertThat(html).contains("UTF-8").contains(lang.equals("en") ? "Line 2 of the lines file" : "明细文件第 2 行");
        }
        assertThat(counts("voucher_contract", "voucher_contract_line")).isEqualTo(before);
    }

    @Test
    void hostileVoucherApiBodiesAreClientErrorsAndChangeNothing() throws Exception {
        long enterprise = users.create("hostile-enterprise-" + suffix, "pw-enterprise-" + suffix, "企业", Role.ENTERPRISE,
                scriptOrg);
        String enterpriseToken = tokens.issue(enterprise, "hostile input test");
        Map<String, Long> before = counts("voucher_application");
        List<String> bodies = List.of("{", "[]", "null", "\"x\"", "{\"programId\":1e999999999}",
                "{\"programId\":\"a\\u0000b\",\"contractId\":\"c\"}", "{\"programId\":\"a\u0000b\"}",
                "{\"programId\":\"\\ud800\",\"contractId\":\"" + SCRIPT + "\"}",
                "[".repeat(100_000) + "]".repeat(100_000),
                "{\"programId\":\"p\",\"programId\":\"q\",\"contractId\":\"c\"}");
        for (String body : bodies) {
            MvcResult result = mvc.perform(post("/api/vouchers/applications").header("Authorization", "Bearer " + enterpriseToken)
                    .header("Idempotency-Key", UUID.randomUUID().toString()).contentType("application/json").content(body))
                    .andReturn();
            assertThat(result.getResponse().getStatus()).as(body.substring(0, Math.min(60, body.length())))
                    .isBetween(400, 499);
            assertThat(result.getResponse().getContentAsString(StandardCharsets.UTF_8).length()).isLessThan(10_000);
        }
        assertThat(counts("voucher_application")).isEqualTo(before);
        // an unpaired surrogate is named as such, in the caller's language, wherever it is in a string
        for (String lang : List.of("en", "zh-CN")) {
            MvcResult result = mvc.perform(post("/api/vouchers/applications?lang=" + lang).header("Authorization", "Bearer " + enterpriseToken)
                    .header("Idempotency-Key", UUID.randomUUID().toString())
                    .contentType("application/json")
                    .content("{\"programId\":\"p\",\"contractId\":\"C-1\\udc00\"}")).andReturn();
            assertThat(result.getResponse().getStatus()).isEqualTo(422);
            assertThat(result.getResponse().getContentAsString(StandardCharsets.UTF_8))
                    .contains(lang.equals("en") ? "unpaired UTF-16 surrogate" : "不成对的 UTF-16 代理项").contains("35");
        }
        assertThat(counts("voucher_application")).isEqualTo(before);
    }

    /** A 5 MB program id is not quoted back whole (it was: a 10 MB answer). */
    @Test
    void voucherApiErrorsDoNotQuoteHugeValuesBack() throws Exception {
        long enterprise = users.create("hostile-enterprise2-" + suffix, "pw-enterprise-" + suffix, "企业", Role.ENTERPRISE,
                imgOrg);
        String enterpriseToken = tokens.issue(enterprise, "hostile input test");
        MvcResult result = mvc.perform(post("/api/vouchers/applications").header("Authorization", "Bearer " + enterpriseToken)
                .header("Idempotency-Key", UUID.randomUUID().toString()).contentType("application/json")
                .content("{\"programId\":\"" + "x".repeat(5_000_000) + "\",\"contractId\":\"c\"}")).andReturn();
        assertThat(result.getResponse().getStatus()).isBetween(400, 499);
        assertThat(result.getResponse().getContentAsString(StandardCharsets.UTF_8).length()).isLessThan(10_000);
    }

    @Test
    void hostileSignInsAreRefusedNotFailed() throws Exception {
        for (String username : List.of("a\u0000b", "x".repeat(100_000), SCRIPT, "\uD800")) {
            String form = "username=" + java.net.URLEncoder.encode(username, StandardCharsets.UTF_8) + "&password=pw";
            MvcResult result = mvc.perform(post("/login").contentType("application/x-www-form-urlencoded").content(form)
                    .with(SecurityMockMvcRequestPostProcessors.csrf())).andReturn();
            String what = username.substring(0, Math.min(20, username.length()));
            if (username.indexOf('\0') >= 0) {
                // refused before sign-in with the field named, instead of a database error inside it
                assertThat(result.getResponse().getStatus()).as(what).isEqualTo(400);
                assertThat(result.getResponse().getContentAsString(StandardCharsets.UTF_8)).contains("username");
            } else {
                assertThat(result.getResponse().getStatus()).as(what).isEqualTo(302);
                assertThat(result.getResponse().getRedirectedUrl()).as(what).contains("error");
            }
        }
    }

    @Test
    void aBodyOverTheLimitGets413InTheReadersLanguageAndStoresNothing() throws Exception {
        Map<String, Long> before = counts("metering_upload", "usage_event");
        byte[] big = new byte[(32 << 20) + 1];
        java.util.Arrays.fill(big, (byte) '\n');
        for (String lang : List.of("zh", "en")) {
            MvcResult result = mvc.perform(post("/api/metering/usage?lang=" + lang)
                            .header("Authorization", "Bearer " + token).header("Accept-Language", lang)
                            .header("Idempotency-Key", UUID.randomUUID().toString()).contentType("application/x-ndjson")
                            .content(big))
                    .andExpect(status().is(413)).andReturn();
            String detail = result.getResponse().getContentAsString(StandardCharsets.UTF_8);
            assertThat(detail).contains("32 MB").contains(lang.equals("zh") ? "请求内容" : "request body");
        }
        assertThat(counts("metering_upload", "usage_event")).isEqualTo(before);
    }

    /** Multipart limits only act in a real servlet container: a real server, a real session. */
    @Test
    void anUploadOverTheMultipartLimitGets413WithAClearMessage() throws Exception {
        HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        String base = "http://localhost:" + port;
        String login = http.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String form = "username=hostile-office-" + suffix + "&password=pw-office-" + suffix + "&_csrf=" + csrf(login);
        HttpResponse<String> signedIn = http.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(signedIn.statusCode()).isEqualTo(302);
        assertThat(signedIn.headers().firstValue("Location").orElse("")).doesNotContain("error");
        String page = http.send(HttpRequest.newBuilder(URI.create(base + "/registry/import")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String csrf = csrf(page);

        Map<String, Long> before = counts("organisation");
        String boundary = "----zhice" + suffix;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + csrf + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\norganisations\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(new byte[21 << 20]);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        for (String lang : List.of("zh", "en")) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + "/registry/import?lang=" + lang))
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary).header("Accept", "text/html")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(413);
            assertThat(answer.body()).contains("20").contains(lang.equals("zh") ? "上传" : "upload");
        }
        assertThat(counts("organisation")).isEqualTo(before);
    }

    private static String csrf(String html) {
        Matcher m = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(html);
        if (m.find()) {
            return m.group(1);
        }
        m = Pattern.compile("value=\"([^\"]+)\"[^>]*name=\"_csrf\"").matcher(html);
        return m.find() ? m.group(1) : "";
    }
}
