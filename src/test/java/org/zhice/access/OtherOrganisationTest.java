package org.zhice.access;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.MockMvcRequestBuilders;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.zhice.identity.ApiTokens;
import org.zhice.identity.Role;
import org.zhice.identity.Users;
import org.zhice.policy.ProgramCatalog;
import org.zhice.shared.Uscc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;

/**
 * "Another organisation": enterprise A has a contract with provider P, metered usage uploaded by
 * P, an approved voucher, an approved redemption with an invoice number and a usage dispute.
 * Every endpoint of the handler mapping (so a new one is covered without editing this test) is
 * then called as enterprise B and as provider Q, with its path variables and the obvious query
 * parameters filled with A's and P's real ids: no answer may contain any of A's or P's marker
 * strings, and no write may succeed or change any row. Endpoints that {@code docs/access.csv}
 * opens to anonymous visitors (公示, public catalog) may show what is public by design, but never
 * invoice numbers, usage events, upload files or dispute reasons. As a positive control A and P
 * themselves do see their markers on their own pages, so the negative checks cannot pass
 * vacuously. Seeding goes through the platform's own HTTP endpoints where there is one (usage
 * upload, dispute, apply, review, redeem); organisations, catalog rows and the pool contract are
 * written to the tables as the registry and the pool would.
 */
@SpringBootTest
@AutoConfigureMockMvc
@Import(OtherOrganisationTest.FixedClock.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OtherOrganisationTest {

    static final ZonedDateTime NOW = ZonedDateTime.of(2025, 3, 20, 10, 0, 0, 0, ZoneId.of("Asia/Shanghai"));
    static final String PROGRAM = "tq-2025-compute";
    static final String CONTRACT = "ZQXCTR-7731";
    static final String SKU = "ZQX-GPU-88";
    static final String INVOICE = "ZQXINV-4418";
    static final String EVENT_1 = "ZQXEVT-0001";
    static final String EVENT_2 = "ZQXEVT-0002";
    static final String EVENT_3 = "ZQXEVT-0003";
    static final String UPLOAD_FILE = "zqx-usage-5520.ndjson";
    static final String DISPUTE_REASON = "ZQX-DISPUTE-9090";
    static final String A_NAME = "ZQX甲智能有限公司";
    static final String P_NAME = "ZQX丁算力有限公司";

    @TestConfiguration(proxyBeanMethods = false)
    static class FixedClock {
        @Bean
        @Primary
        Clock testClock() {
            return Clock.fixed(NOW.toInstant(), NOW.getZone());
        }
    }

    @Autowired MockMvc mvc;
    @Autowired JdbcClient jdbc;
    @Autowired TransactionTemplate tx;
    @Autowired Users users;
    @Autowired ApiTokens tokens;
    @Autowired ProgramCatalog programs;
    @Autowired @Qualifier("requestMappingHandlerMapping") RequestMappingHandlerMapping mappings;

    String a;
    String b;
    String p;
    String q;
    long offeringP;
    long demandA;
    long uploadId;
    long usageId;
    long disputeId;
    String applicationId;
    String redemptionId;
    final Map<String, UserDetails> session = new LinkedHashMap<>();
    final Map<String, String> bearer = new LinkedHashMap<>();

    // ------------------------------------------------------------------ seeding

    static int sequence = 7700;

    String organisation(String kind, String name) {
        String uscc = Uscc.withCheckCharacter("91330106" + "%09d".formatted(++sequence));
        jdbc.sql("insert into party (id, kind) values (:id, 'organisation')").param("id", uscc).update();
        jdbc.sql("""
                insert into organisation (uscc, name, kind, region_code, created_at, updated_at)
                values (:uscc, :name, :kind, '330106', :now, :now)
                """)
                .param("uscc", uscc).param("name", name).param("kind", kind).param("now", NOW.toOffsetDateTime())
                .update();
        return uscc;
    }

    long offering(String provider, String sku) {
        return jdbc.sql("""
                insert into pool_offering (provider_uscc, sku, version, category, resource_name, domestic, unit, capacity,
                    region_code, reference_price_fen, listed_from, listed_to, status, submitted_by, submitted_at,
                    reviewed_by, reviewed_at)
                values (:p, :sku, 1, 'compute.domestic', 'GPU', true, 'gpu_hour', 64, '330106', 1000, :from, :to,
                    'approved', 'test', :at, 'test', :at)
                returning id
                """)
                .param("p", provider).param("sku", sku).param("from", LocalDate.of(2025, 1, 1))
                .param("to", LocalDate.of(2025, 12, 31)).param("at", NOW.toOffsetDateTime())
                .query(Long.class).single();
    }

    void person(String who, Role role, String org) {
        long id = users.create("oo-" + who.toLowerCase(), "oo-password-1", who, role, org);
        bearer.put(who, tokens.issue(id, "other-organisation"));
    }

    @BeforeAll
    void seed() throws Exception {
        tx.executeWithoutResult(s -> {
            a = organisation("enterprise", A_NAME);
            b = organisation("enterprise", "乙对照企业有限公司");
            p = organisation("provider", P_NAME);
            q = organisation("provider", "戊对照算力有限公司");
            offeringP = offering(p, SKU);
            offering(q, "Q-GPU-1");
            demandA = jdbc.sql("""
                    insert into pool_demand (enterprise_uscc, unit, resource_name, gpus, hours, million_tokens, start_on,
                        end_on, region_code, local_only, budget_fen, status, created_by, created_at)
                    values (:e, 'gpu_hour', 'x', 1, 1, null, :from, :to, '330106', false, 100000000, 'contracted',
                        'test', :at)
                    returning id
                    """)
                    .param("e", a).param("from", LocalDate.of(2025, 3, 1)).param("to", LocalDate.of(2025, 6, 30))
                    .param("at", NOW.toOffsetDateTime()).query(Long.class).single();
            jdbc.sql("""
                    insert into pool_contract (contract_id, enterprise_uscc, provider_uscc, signed_on, start_on, end_on,
                        demand_id, created_by, created_at)
                    values (:id, :e, :p, :signed, :from, :to, :demand, 'test', :at)
                    """)
                    .param("id", CONTRACT).param("e", a).param("p", p).param("signed", LocalDate.of(2025, 3, 1))
                    .param("from", LocalDate.of(2025, 3, 1)).param("to", LocalDate.of(2025, 6, 30))
                    .param("demand", demandA).param("at", NOW.toOffsetDateTime()).update();
            jdbc.sql("""
                    insert into pool_contract_line (contract_id, sku, offering_id, unit_price_fen, quantity_max)
                    values (:id, :sku, :o, 1200, :q)
                    """)
                    .param("id", CONTRACT).param("sku", SKU).param("o", offeringP).param("q", new BigDecimal("1000"))
                    .update();
            person("A", Role.ENTERPRISE, a);
            person("B", Role.ENTERPRISE, b);
            person("P", Role.PROVIDER, p);
            person("Q", Role.PROVIDER, q);
            person("R", Role.REVIEWER, null);
            person("V", Role.APPROVER, null);
        });
        for (String who : bearer.keySet()) {
            session.put(who, users.loadUserByUsername("oo-" + who.toLowerCase()));
        }
        ProgramCatalog.StoreResult stored = programs.store(PROGRAM + ".yaml", """
                id: %s
                name: 测试算力券 %s
                funder: 测试局
                region_prefix: "3301"
                period: { start: 2025-01-01, end: 2025-12-31 }
                application_window: { start: 2025-01-01, end: 2025-12-31 }
                budget_yuan: 1000000
                per_enterprise_cap_yuan: 50000
                categories:
                  compute.domestic: 0.30
                  compute.other: 0.20
                  model.filed: 0.30
                contract_term_days_max: 366
                cap_price_at_reference: true
                exclude_related_parties: true
                notice_working_days: 5
                redemption_mode: claim_after_payment
                """.formatted(PROGRAM, PROGRAM), "test");
        assertThat(stored).isInstanceOf(ProgramCatalog.Stored.class);

        // P uploads A's usage through its page
        String ndjson = event(EVENT_1, "2025-03-04") + "\n" + event(EVENT_2, "2025-03-05") + "\n"
                + event(EVENT_3, "2025-03-12") + "\n";
        MvcResult upload = mvc.perform(MockMvcRequestBuilders.multipart("/metering/uploads")
                        .file(new MockMultipartFile("file", UPLOAD_FILE, "application/x-ndjson",
                                ndjson.getBytes(StandardCharsets.UTF_8)))
                        .param("uploadKey", "oo-1").with(csrf()).with(user(session.get("P"))))
                .andReturn();
        String location = upload.getResponse().getRedirectedUrl();
        assertThat(location).as(upload.getResponse().getContentAsString()).startsWith("/metering/uploads/");
        uploadId = Long.parseLong(location.substring("/metering/uploads/".length()));
        long disputed = jdbc.sql("select usage_id from usage_event where provider_no = (select provider_no from metering_provider where provider_uscc = :p) and event_id = :e")
                .param("p", p).param("e", EVENT_2).query(Long.class).single();
        // the probes aim at the third event: neither disputed nor counted, so a dispute by another would take
        usageId = jdbc.sql("select usage_id from usage_event where provider_no = (select provider_no from metering_provider where provider_uscc = :p) and event_id = :e")
                .param("p", p).param("e", EVENT_3).query(Long.class).single();

        // A disputes the second event through its usage page
        mvc.perform(MockMvcRequestBuilders.post("/metering/usage/" + disputed + "/dispute")
                .param("reason", DISPUTE_REASON).param("contract", CONTRACT).with(csrf()).with(user(session.get("A"))))
                .andReturn();
        disputeId = jdbc.sql("select id from usage_dispute where usage_id = :u").param("u", disputed)
                .query(Long.class).single();

        // A applies, R prepares, V approves, A redeems with the invoice, R prepares, V approves — all through the API
        applicationId = id(api("A", "/api/vouchers/applications", "oo-apply",
                "{\"programId\":\"" + PROGRAM + "\",\"contractId\":\"" + CONTRACT + "\"}"));
        api("R", "/api/vouchers/applications/" + applicationId + "/preparation", "oo-prep-a",
                "{\"recommendation\":\"approve\"}");
        api("V", "/api/vouchers/applications/" + applicationId + "/decision", "oo-dec-a", "{\"approve\":true}");
        redemptionId = id(api("A", "/api/vouchers/redemptions", "oo-redeem",
                "{\"applicationId\":\"" + applicationId + "\",\"periodFrom\":\"2025-03-01\",\"periodTo\":\"2025-03-10\","
                        + "\"last\":false,\"invoices\":[\"" + INVOICE + "\"]}"));
        api("R", "/api/vouchers/redemptions/" + redemptionId + "/preparation", "oo-prep-r",
                "{\"recommendation\":\"approve\"}");
        String decided = api("V", "/api/vouchers/redemptions/" + redemptionId + "/decision", "oo-dec-r",
                "{\"approve\":true}");
        assertThat(decided).contains("\"status\":\"approved\"");
    }

    String event(String id, String day) {
        return "{\"event_id\":\"" + id + "\",\"provider_uscc\":\"" + p + "\",\"contract_id\":\"" + CONTRACT
                + "\",\"sku\":\"" + SKU + "\",\"units\":8,\"quantity\":\"80\",\"start\":\"" + day
                + "T09:00:00+08:00\",\"end\":\"" + day + "T19:00:00+08:00\"}";
    }

    String api(String who, String path, String key, String json) throws Exception {
        MvcResult result = mvc.perform(MockMvcRequestBuilders.post(path).contentType(MediaType.APPLICATION_JSON)
                .content(json).header("Authorization", "Bearer " + bearer.get(who)).header("Idempotency-Key", key))
                .andReturn();
        String body = result.getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(result.getResponse().getStatus()).as(path + " as " + who + ": " + body).isBetween(200, 299);
        return body;
    }

    static String id(String json) {
        Matcher m = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
        assertThat(m.find()).as(json).isTrue();
        return m.group(1);
    }

    // ------------------------------------------------------------------ the endpoints

    record Endpoint(String method, String pattern) {
    }

    List<Endpoint> endpoints() {
        TreeSet<String> all = new TreeSet<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> e : mappings.getHandlerMethods().entrySet()) {
            if (!e.getValue().getBeanType().getPackageName().startsWith("org.zhice")) {
                continue;
            }
            var methods = e.getKey().getMethodsCondition().getMethods();
            for (String pattern : e.getKey().getPatternValues()) {
                if (methods.isEmpty()) {
                    all.add("GET " + pattern);
                }
                methods.forEach(m -> all.add(m.name() + " " + pattern));
            }
        }
        List<Endpoint> out = new ArrayList<>();
        all.forEach(s -> out.add(new Endpoint(s.substring(0, s.indexOf(' ')), s.substring(s.indexOf(' ') + 1))));
        return out;
    }

    /** Endpoints that docs/access.csv opens to anonymous visitors: public by design. */
    static TreeSet<String> publicEndpoints() throws IOException {
        TreeSet<String> open = new TreeSet<>();
        for (AccessMatrixTest.Row row : AccessMatrixTest.table()) {
            if (row.allowed().get("anonymous")) {
                open.add(row.key());
            }
        }
        return open;
    }

    /** The pattern with every variable replaced by the victim's real id; an unknown variable fails, naming the endpoint. */
    String fill(Endpoint endpoint) {
        Matcher m = Pattern.compile("\\{([^}:]+)(:[^}]*)?}").matcher(endpoint.pattern());
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = value(endpoint, m.group(1));
            assertThat(value).as("OtherOrganisationTest does not know what to put in {%s} of %s %s: add it to value()",
                    m.group(1), endpoint.method(), endpoint.pattern()).isNotNull();
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString().replace("/**", "/x");
    }

    String value(Endpoint endpoint, String variable) {
        String path = endpoint.pattern();
        switch (variable) {
            case "uscc": return a;
            case "contractId": return CONTRACT;
            case "usageId": return Long.toString(usageId);
            case "n": return "1";
            case "id": break;
            default: return null;
        }
        if (path.contains("/applications/")) {
            return applicationId;
        }
        if (path.contains("/redemptions/") || path.startsWith("/public/notices/")) {
            return redemptionId;
        }
        if (path.contains("/uploads/")) {
            return Long.toString(uploadId);
        }
        if (path.startsWith("/metering/disputes/")) {
            return Long.toString(disputeId);
        }
        if (path.startsWith("/vouchers/contracts/")) {
            return CONTRACT;
        }
        if (path.startsWith("/pool/demands/")) {
            return Long.toString(demandA);
        }
        if (path.startsWith("/pool/offerings/") || path.startsWith("/pool/review/")) {
            return Long.toString(offeringP);
        }
        if (path.startsWith("/programs/") || path.startsWith("/public/programs/")) {
            return PROGRAM;
        }
        if (path.startsWith("/ledger/") || path.startsWith("/vouchers/office/")) {
            // closed to enterprises and providers by the security layer (docs/access.csv); any id serves
            return "1";
        }
        return null;
    }

    /** Query parameters a page or API may take, all pointing at the victim. */
    String query() {
        return "contract=" + CONTRACT + "&contractId=" + CONTRACT + "&programId=" + PROGRAM + "&applicationId="
                + applicationId + "&enterprise=" + a + "&uscc=" + a + "&provider=" + p + "&day=2025-03-04";
    }

    MockHttpServletRequestBuilder request(Endpoint endpoint, String url, String who, boolean api) {
        MockHttpServletRequestBuilder builder = MockMvcRequestBuilders.request(HttpMethod.valueOf(endpoint.method()), url);
        if (!"GET".equals(endpoint.method())) {
            builder.with(csrf());
            if (api) {
                builder.contentType(MediaType.APPLICATION_JSON).content(postBody(endpoint));
            } else {
                postParams(builder);
            }
        }
        if (api) {
            return builder.header("Authorization", "Bearer " + bearer.get(who))
                    .header("Idempotency-Key", "oo-" + who + "-" + Integer.toHexString(url.hashCode()));
        }
        return builder.with(user(session.get(who)));
    }

    /** A plausible JSON body for any of the API's writes, aimed at A's records. */
    String postBody(Endpoint endpoint) {
        if (endpoint.pattern().equals("/api/metering/usage")) {
            // one line in P's name, one in Q's own name against P's contract
            return event("ZQXEVT-FORGED", "2025-03-06") + "\n"
                    + event("ZQXEVT-FORGED-2", "2025-03-07").replace(p, q) + "\n";
        }
        return "{\"programId\":\"" + PROGRAM + "\",\"contractId\":\"" + CONTRACT + "\",\"applicationId\":\""
                + applicationId + "\",\"periodFrom\":\"2025-03-01\",\"periodTo\":\"2025-03-19\",\"last\":true,"
                + "\"invoices\":[\"ZQXINV-FORGED\"],\"recommendation\":\"approve\",\"approve\":true,\"note\":\"x\"}";
    }

    void postParams(MockHttpServletRequestBuilder builder) {
        builder.param("programId", PROGRAM).param("contractId", CONTRACT).param("contract", CONTRACT)
                .param("applicationId", applicationId).param("reason", "ZQX-FORGED").param("periodFrom", "2025-03-01")
                .param("periodTo", "2025-03-19").param("invoices", "ZQXINV-FORGED").param("recommendation", "approve")
                .param("approve", "true").param("note", "x").param("uploadKey", "forged");
    }

    /** Every row that holds A's or P's records, as one fingerprint. */
    String fingerprint() {
        return jdbc.sql("""
                select md5(concat_ws('|',
                  (select string_agg(t::text, ',' order by t::text) from voucher_application t where enterprise_uscc = :a),
                  (select string_agg(t::text, ',' order by t::text) from voucher_redemption t where enterprise_uscc = :a),
                  (select string_agg(t::text, ',' order by t::text) from voucher_invoice t),
                  (select string_agg(t::text, ',' order by t::text) from voucher_redemption_usage t),
                  (select string_agg(t::text, ',' order by t::text) from usage_event t where provider_no = (select provider_no from metering_provider where provider_uscc = :p)),
                  (select string_agg(t::text, ',' order by t::text) from usage_dispute t),
                  (select string_agg(t::text, ',' order by t::text) from metering_upload t where provider_uscc = :p),
                  (select string_agg(t::text, ',' order by t::text) from pool_contract t),
                  (select string_agg(t::text, ',' order by t::text) from pool_demand t where enterprise_uscc = :a),
                  (select string_agg(t::text, ',' order by t::text) from pool_offering t where provider_uscc = :p)))
                """).param("a", a).param("p", p).query(String.class).single();
    }

    /** Calls every endpoint as {@code who}; returns what went wrong. */
    List<String> probe(String who, List<String> secret, List<String> neverPublic, boolean writes) throws Exception {
        TreeSet<String> open = publicEndpoints();
        List<String> wrong = new ArrayList<>();
        List<Endpoint> all = endpoints();
        // reads first, then writes, so a wrongly accepted write cannot hide a read
        all.sort((x, y) -> Boolean.compare(!"GET".equals(x.method()), !"GET".equals(y.method())));
        for (Endpoint endpoint : all) {
            boolean get = "GET".equals(endpoint.method());
            if (!get && !writes) {
                continue;
            }
            boolean isPublic = open.contains(endpoint.method() + " " + endpoint.pattern());
            String url = fill(endpoint);
            List<Boolean> modes = url.startsWith("/api/") ? List.of(true, false) : List.of(false);
            // a read is made twice: bare (only the path names the victim) and with the obvious query parameters
            List<String> sends = get ? List.of(url, url + "?" + query()) : List.of(url);
            for (boolean api : modes) {
                for (String sent : sends) {
                    // a marker the request itself carries may be echoed (links, form fields); any other may not
                    String echo = get ? sent : sent + " " + postBody(endpoint) + " " + CONTRACT + " " + applicationId;
                    String before = get || isPublic ? null : fingerprint();
                    MvcResult result = mvc.perform(request(endpoint, sent, who, api)).andReturn();
                    int status = result.getResponse().getStatus();
                    String body = result.getResponse().getContentAsString(StandardCharsets.UTF_8)
                            + " " + result.getResponse().getRedirectedUrl() + " " + result.getResponse().getHeaderNames()
                            .stream().map(h -> h + ":" + result.getResponse().getHeaders(h)).toList();
                    String label = "%s %s as %s (%s)".formatted(endpoint.method(), sent, who,
                            api ? "bearer token" : "session");
                    for (String marker : isPublic ? neverPublic : secret) {
                        if (body.contains(marker) && !echo.contains(marker)) {
                            wrong.add(label + ": answer " + status + " shows " + marker);
                        }
                    }
                    if (!get && !isPublic) {
                        if (!before.equals(fingerprint())) {
                            wrong.add(label + ": changed A's or P's records (status " + status + ")");
                        }
                        boolean refused = status >= 400 && status < 500;
                        String location = result.getResponse().getRedirectedUrl();
                        boolean bounced = status == 302 && location != null && location.contains("/login");
                        if (!refused && !bounced && url.startsWith("/api/") && !ownRecordOnly(endpoint, body)) {
                            wrong.add(label + ": write answered " + status + ", expected a refusal (4xx): "
                                    + body.substring(0, Math.min(body.length(), 600)));
                        }
                    }
                }
            }
        }
        return wrong;
    }

    /**
     * Writes that, by design, always record the caller's own request and refuse it inside the answer
     * (an application is filed and rejected by the rules; a usage batch is kept with its line errors):
     * a 2xx is fine there if the answer says the request of another organisation's record was refused.
     */
    static final Map<String, String> OWN_RECORD = Map.of(
            "POST /api/vouchers/applications", "\"code\":\"UNKNOWN_CONTRACT\"",
            "POST /api/metering/usage", "\"accepted\":0,");

    static boolean ownRecordOnly(Endpoint endpoint, String body) {
        String expected = OWN_RECORD.get(endpoint.method() + " " + endpoint.pattern());
        return expected != null && body.contains(expected);
    }

    /** What even a public page (公示, public catalog) must never show: invoices, usage, uploads, disputes, contracts. */
    static final List<String> NEVER_PUBLIC = List.of(INVOICE, EVENT_1, EVENT_2, EVENT_3, DISPUTE_REASON, UPLOAD_FILE,
            CONTRACT);

    List<String> markersOfA() {
        return List.of(CONTRACT, INVOICE, EVENT_1, EVENT_2, EVENT_3, DISPUTE_REASON, A_NAME, applicationId, redemptionId,
                UPLOAD_FILE);
    }

    @Test
    void anotherEnterpriseSeesAndChangesNothingOfA() throws Exception {
        String fingerprint = fingerprint();
        List<String> wrong = probe("B", markersOfA(), NEVER_PUBLIC, true);
        assertThat(wrong).isEmpty();
        assertThat(fingerprint()).isEqualTo(fingerprint);
    }

    @Test
    void anotherProviderSeesAndChangesNothingOfP() throws Exception {
        String fingerprint = fingerprint();
        List<String> wrong = probe("Q", List.of(CONTRACT, INVOICE, EVENT_1, EVENT_2, EVENT_3, DISPUTE_REASON, UPLOAD_FILE, A_NAME,
                applicationId, redemptionId, P_NAME, SKU), NEVER_PUBLIC, true);
        assertThat(wrong).isEmpty();
        assertThat(fingerprint()).isEqualTo(fingerprint);
    }

    /** A refusal reads the same whether the other organisation's record exists or not: no oracle. */
    @Test
    void refusalsDoNotTellWhetherTheRecordExists() throws Exception {
        List<String> wrong = new ArrayList<>();
        same(wrong, "B", "/api/vouchers/applications/", applicationId, "VA2025-999999", true);
        same(wrong, "B", "/api/vouchers/redemptions/", redemptionId, "VR2025-999999", true);
        same(wrong, "B", "/vouchers/applications/", applicationId, "VA2025-999999", false);
        same(wrong, "B", "/vouchers/redemptions/", redemptionId, "VR2025-999999", false);
        same(wrong, "B", "/vouchers/contracts/", CONTRACT + "/document", "ZQXCTR-0000/document", false);
        same(wrong, "B", "/pool/contracts/", CONTRACT, "ZQXCTR-0000", false);
        same(wrong, "B", "/pool/demands/", Long.toString(demandA), "999", false);
        same(wrong, "Q", "/api/metering/uploads/", Long.toString(uploadId), "999", true);
        same(wrong, "Q", "/metering/uploads/", Long.toString(uploadId), "999", false);
        same(wrong, "Q", "/pool/contracts/", CONTRACT, "ZQXCTR-0000", false);
        same(wrong, "Q", "/vouchers/applications/", applicationId, "VA2025-999999", false);
        // applying with A's contract is answered as applying with a contract that does not exist
        String withA = api("B", "/api/vouchers/applications", "oo-oracle-1",
                "{\"programId\":\"" + PROGRAM + "\",\"contractId\":\"" + CONTRACT + "\"}");
        String withNone = api("B", "/api/vouchers/applications", "oo-oracle-2",
                "{\"programId\":\"" + PROGRAM + "\",\"contractId\":\"ZQXCTR-0000\"}");
        assertThat(reasons(withA)).isEqualTo(reasons(withNone)).contains("UNKNOWN_CONTRACT");
        assertThat(wrong).isEmpty();
    }

    static String reasons(String json) {
        return json.substring(json.indexOf("\"reasons\""), json.indexOf("]", json.indexOf("\"reasons\"")) + 1);
    }

    void same(List<String> wrong, String who, String prefix, String real, String none, boolean api) throws Exception {
        MvcResult a = mvc.perform(request(new Endpoint("GET", prefix), prefix + real, who, api)).andReturn();
        MvcResult b = mvc.perform(request(new Endpoint("GET", prefix), prefix + none, who, api)).andReturn();
        String bodyA = a.getResponse().getContentAsString(StandardCharsets.UTF_8)
                .replaceAll("(?<![\\w-])" + Pattern.quote(real) + "(?![\\w-])", "<id>")
                .replaceAll("_csrf\"? (content|value)=\"[^\"]*\"", "");
        String bodyB = b.getResponse().getContentAsString(StandardCharsets.UTF_8)
                .replaceAll("(?<![\\w-])" + Pattern.quote(none) + "(?![\\w-])", "<id>")
                .replaceAll("_csrf\"? (content|value)=\"[^\"]*\"", "");
        if (a.getResponse().getStatus() != b.getResponse().getStatus() || !bodyA.equals(bodyB)) {
            wrong.add("GET %s… as %s: %d for the real record, %d for none%s".formatted(prefix, who,
                    a.getResponse().getStatus(), b.getResponse().getStatus(), bodyA.equals(bodyB) ? "" : "; bodies differ:\n" + bodyA + "\n" + bodyB));
        }
    }

    String page(String who, String url, boolean api) throws Exception {
        Endpoint endpoint = new Endpoint("GET", url);
        MvcResult result = mvc.perform(request(endpoint, url, who, api)).andReturn();
        assertThat(result.getResponse().getStatus()).as(url + " as " + who).isEqualTo(200);
        return result.getResponse().getContentAsString(StandardCharsets.UTF_8);
    }

    /**
     * Positive control: the owners do see the markers the probes look for, on their own pages, and
     * the very probe that finds nothing for B and Q flags those pages when A and P make the calls.
     */
    @Test
    void theOwnersSeeTheirOwnRecords() throws Exception {
        String flaggedForA = String.join("\n", probe("A", markersOfA(), NEVER_PUBLIC, false));
        assertThat(flaggedForA).contains("GET /vouchers/mine as A (session): answer 200 shows " + applicationId,
                "GET /api/vouchers/redemptions as A (bearer token): answer 200 shows " + INVOICE,
                "GET /metering/usage as A (session): answer 200 shows " + CONTRACT);
        String flaggedForP = String.join("\n", probe("P", List.of(UPLOAD_FILE, SKU, applicationId), NEVER_PUBLIC, false));
        assertThat(flaggedForP).contains("GET /metering/uploads as P (session): answer 200 shows " + UPLOAD_FILE,
                "GET /pool/offerings as P (session): answer 200 shows " + SKU,
                "GET /vouchers/mine as P (session): answer 200 shows " + applicationId);
        assertThat(page("A", "/vouchers/mine", false)).contains(applicationId, CONTRACT);
        assertThat(page("A", "/metering/usage?contract=" + CONTRACT + "&day=2025-03-04", false)).contains(EVENT_1);
        assertThat(page("A", "/metering/usage?contract=" + CONTRACT + "&day=2025-03-05", false)).contains(EVENT_2);
        assertThat(page("A", "/api/vouchers/applications", true)).contains(applicationId, CONTRACT);
        assertThat(page("A", "/api/vouchers/redemptions", true)).contains(redemptionId, INVOICE);
        assertThat(page("A", "/vouchers/redemptions/" + redemptionId, false)).contains(INVOICE);
        assertThat(page("P", "/metering/uploads", false)).contains(UPLOAD_FILE);
        assertThat(page("P", "/metering/uploads/" + uploadId, false)).contains(UPLOAD_FILE);
        assertThat(page("P", "/api/metering/uploads/" + uploadId, true)).contains(Long.toString(uploadId));
        assertThat(page("P", "/pool/offerings", false)).contains(SKU);
        assertThat(page("P", "/vouchers/mine", false)).contains(applicationId);
        // the 公示 publishes the approved redemption by design: who and how much, never invoices or usage
        String notices = page("B", "/public/notices", false);
        assertThat(notices).contains(redemptionId, A_NAME).doesNotContain(INVOICE, EVENT_1, EVENT_2, UPLOAD_FILE);
        String notice = page("B", "/public/notices/" + redemptionId, false);
        assertThat(notice).contains(A_NAME).doesNotContain(INVOICE, EVENT_1, EVENT_2, UPLOAD_FILE, DISPUTE_REASON);
    }
}
