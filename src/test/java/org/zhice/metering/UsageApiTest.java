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
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.transaction.support.TransactionTemplate;
import org.zhice.identity.ApiTokens;
import org.zhice.identity.Role;
import org.zhice.identity.Users;
import org.zhice.metering.MeteringFixtures.World;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** {@code POST /api/metering/usage} with a provider's bearer token and an Idempotency-Key. */
@SpringBootTest
@AutoConfigureMockMvc
@Import(MeteringFixtures.FixedClock.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UsageApiTest {

    @Autowired MockMvc mvc;
    @Autowired Users users;
    @Autowired ApiTokens tokens;
    @Autowired JdbcClient jdbc;
    @Autowired TransactionTemplate tx;
    @Autowired Metering metering;

    World world;
    String token;
    String enterpriseToken;

    @BeforeAll
    void setUp() {
        world = World.create(tx, jdbc, "API" + UUID.randomUUID().toString().substring(0, 5));
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        long provider = users.create("api-provider-" + suffix, "secret-pass", "P", Role.PROVIDER, world.provider());
        long enterprise = users.create("api-enterprise-" + suffix, "secret-pass", "E", Role.ENTERPRISE,
                world.enterprise());
        token = tokens.issue(provider, "metering test");
        enterpriseToken = tokens.issue(enterprise, "metering test");
    }

    String body(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    @Test
    void pushesWithATokenAndAnswersARetryFromTheStoredResult() throws Exception {
        String key = UUID.randomUUID().toString();
        String body = body(
                world.gpu("api-1", 4, "8", "2025-03-05T10:00:00+08:00", "2025-03-05T12:00:00+08:00"),
                world.gpu("api-2", 6, "12", "2025-03-05T11:00:00+08:00", "2025-03-05T13:00:00+08:00"),
                "{\"event_id\":\"api-3\",\"provider_uscc\":\"" + world.provider() + "\"}");
        MvcResult first = mvc.perform(post("/api/metering/usage").header("Authorization", "Bearer " + token)
                        .header("Idempotency-Key", key).contentType("application/x-ndjson").content(body))
                .andExpect(status().isOk())
                .andExpect(header().string("Idempotent-Replayed", "false"))
                .andExpect(jsonPath("$.lines").value(3))
                .andExpect(jsonPath("$.accepted").value(1))
                .andExpect(jsonPath("$.rejected").value(1))
                .andExpect(jsonPath("$.problems").value(1))
                .andExpect(jsonPath("$.results[0].outcome").value("accepted"))
                .andExpect(jsonPath("$.results[1].code").value("CAPACITY_EXCEEDED"))
                .andExpect(jsonPath("$.results[2].code").value("MISSING_FIELD"))
                .andExpect(jsonPath("$.results[2].field").value("contract_id"))
                .andExpect(jsonPath("$.results[2].line").value(3))
                .andExpect(jsonPath("$.results[2].message").value("缺少字段 contract_id"))
                .andReturn();
        String firstAnswer = first.getResponse().getContentAsString(StandardCharsets.UTF_8);

        MvcResult again = mvc.perform(post("/api/metering/usage").header("Authorization", "Bearer " + token)
                        .header("Idempotency-Key", key).contentType("application/x-ndjson").content(body))
                .andExpect(status().isOk())
                .andExpect(header().string("Idempotent-Replayed", "true"))
                .andExpect(jsonPath("$.replayed").value(true))
                .andReturn();
        assertThat(again.getResponse().getContentAsString(StandardCharsets.UTF_8))
                .isEqualTo(firstAnswer.replace("\"replayed\":false", "\"replayed\":true"));
        assertThat(metering.acceptedUsage(world.gpuContract())).extracting(AcceptedUsage::eventId)
                .containsExactly("api-1");

        mvc.perform(post("/api/metering/usage?lang=en").header("Authorization", "Bearer " + token)
                        .header("Idempotency-Key", key).contentType("application/x-ndjson")
                        .content(body.replace("\"8\"", "\"8.0\"")))
                .andExpect(status().isConflict())
                .andExpect(content().contentTypeCompatibleWith("application/problem+json"))
                .andExpect(jsonPath("$.idempotencyKey").value(key))
                .andExpect(jsonPath("$.detail", containsString("was used for a request with another body")));

        // the same events under a new key: stored once, reported as duplicates
        mvc.perform(post("/api/metering/usage").header("Authorization", "Bearer " + token)
                        .header("Idempotency-Key", UUID.randomUUID().toString()).contentType("application/x-ndjson")
                        .content(body))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.accepted").value(0))
                .andExpect(jsonPath("$.results[0].code").value("DUPLICATE_EVENT"))
                .andExpect(jsonPath("$.results[1].code").value("DUPLICATE_EVENT"));
        assertThat(metering.acceptedUsage(world.gpuContract())).hasSize(1);

        long uploadId = Long.parseLong(firstAnswer.replaceAll(".*\"uploadId\":(\\d+).*", "$1"));
        mvc.perform(get("/api/metering/uploads/" + uploadId).header("Authorization", "Bearer " + token))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.results[1].code").value("CAPACITY_EXCEEDED"));
    }

    @Test
    void acceptsCsvAndNamesTheFieldOfABadRow() throws Exception {
        String csv = """
                event_id,provider_uscc,contract_id,sku,units,quantity,start,end
                csv-1,%1$s,%2$s,TOK,,2.5,2025-03-06T10:00:00+08:00,2025-03-06T10:30:00+08:00
                csv-2,%1$s,%2$s,TOK,,2.5,2025-03-06T10:00:00+08:00,yesterday
                """.formatted(world.provider(), world.tokenContract());
        mvc.perform(post("/api/metering/usage?lang=en").header("Authorization", "Bearer " + token)
                        .header("Idempotency-Key", UUID.randomUUID().toString()).contentType("text/csv").content(csv))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.results[0].line").value(2))
                .andExpect(jsonPath("$.results[0].outcome").value("accepted"))
                .andExpect(jsonPath("$.results[1].line").value(3))
                .andExpect(jsonPath("$.results[1].field").value("end"))
                .andExpect(jsonPath("$.results[1].message", containsString("ISO-8601")));
    }

    @Test
    void refusesWhatIsNotUsageAtAllWithAProblem() throws Exception {
        String event = world.tokens("bad-1", "1", "2025-03-06T10:00:00+08:00", "2025-03-06T10:30:00+08:00");
        mvc.perform(post("/api/metering/usage").header("Authorization", "Bearer " + token)
                        .contentType("application/x-ndjson").content(event))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith("application/problem+json"))
                .andExpect(jsonPath("$.code").value("metering.api.key.required"));
        mvc.perform(post("/api/metering/usage").header("Authorization", "Bearer " + token)
                        .header("Idempotency-Key", "k-array").contentType("application/json").content("[" + event + "]"))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith("application/problem+json"))
                .andExpect(jsonPath("$.detail").value("请按 NDJSON 提交：每行一个 JSON 对象，而不是一个 JSON 数组"));
        mvc.perform(post("/api/metering/usage").header("Authorization", "Bearer " + token)
                        .header("Idempotency-Key", "k-csv").contentType("text/csv")
                        .content("event_id,contract,sku\nx,y,z\n"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("metering.body.csvUnknown"));
        mvc.perform(post("/api/metering/usage").header("Authorization", "Bearer " + token)
                        .header("Idempotency-Key", "k-xml").contentType("application/xml").content("<usage/>"))
                .andExpect(status().isUnsupportedMediaType());
        mvc.perform(post("/api/metering/usage").header("Authorization", "Bearer " + token)
                        .header("Idempotency-Key", "k-empty").contentType("application/x-ndjson").content("\n\n"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.code").value("metering.body.empty"));
        assertThat(jdbc.sql("select count(*) from metering_upload where idempotency_key like 'k-%' and provider_uscc = :p")
                .param("p", world.provider()).query(Long.class).single()).as("nothing stored").isZero();
    }

    /** An API client asks for its language with Accept-Language; ?lang= and the cookie still win. */
    @Test
    void answersInTheLanguageTheClientAccepts() throws Exception {
        String array = "[" + world.tokens("lang-1", "1", "2025-03-06T10:00:00+08:00", "2025-03-06T10:30:00+08:00") + "]";
        String english = "Send NDJSON: one JSON object a line, not a JSON array";
        String chinese = "请按 NDJSON 提交：每行一个 JSON 对象，而不是一个 JSON 数组";
        String[][] cases = {
                {"en-US,en;q=0.9,zh-CN;q=0.8", null, english},
                {"fr-FR, zh-TW;q=0.9, en;q=0.8", null, chinese},
                {"fr, de;q=0.5", null, chinese},
                {"en;q=0, zh;q=0.1", null, chinese},
                {"not a language list ;;", null, chinese},
                {"en", "zh-CN", chinese},
                {"zh-CN", "en", english}};
        for (String[] c : cases) {
            var request = post("/api/metering/usage").header("Authorization", "Bearer " + token)
                    .header("Idempotency-Key", "k-lang").header("Accept-Language", c[0])
                    .contentType("application/json").content(array);
            if (c[1] != null) {
                request.cookie(new jakarta.servlet.http.Cookie("zhice-lang", c[1]));
            }
            mvc.perform(request).andExpect(status().isBadRequest()).andExpect(jsonPath("$.detail").value(c[2]));
        }
    }

    @Test
    void onlyProvidersWithATokenMayPush() throws Exception {
        String event = world.tokens("who-1", "1", "2025-03-06T10:00:00+08:00", "2025-03-06T10:30:00+08:00");
        mvc.perform(post("/api/metering/usage").header("Idempotency-Key", "k1").contentType("application/x-ndjson")
                        .content(event))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.detail").value("需要有效的 API 令牌：Authorization: Bearer zt_…"));
        mvc.perform(post("/api/metering/usage").header("Authorization", "Bearer " + enterpriseToken)
                        .header("Idempotency-Key", "k1").contentType("application/x-ndjson").content(event))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.detail").value("此令牌的角色不能执行该操作"));
        mvc.perform(post("/api/metering/usage").header("Accept-Language", "en").header("Idempotency-Key", "k1")
                        .contentType("application/x-ndjson").content(event))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.detail").value("A valid API token is required: Authorization: Bearer zt_…"));
        mvc.perform(post("/api/metering/usage?lang=en").header("Idempotency-Key", "k1")
                        .contentType("application/x-ndjson").content(event))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.detail").value("A valid API token is required: Authorization: Bearer zt_…"));
        mvc.perform(post("/api/metering/usage?lang=en").header("Authorization", "Bearer " + enterpriseToken)
                        .header("Idempotency-Key", "k1").contentType("application/x-ndjson").content(event))
                .andExpect(status().isForbidden())
                .andExpect(jsonPath("$.detail").value("This token's role may not do that"));
        assertThat(metering.acceptedUsage(world.tokenContract())).extracting(AcceptedUsage::eventId)
                .doesNotContain("who-1");
        assertThat(List.of(token, enterpriseToken)).allMatch(t -> t.startsWith("zt_"));
    }
}
