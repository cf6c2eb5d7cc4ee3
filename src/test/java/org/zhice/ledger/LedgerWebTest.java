package org.zhice.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;
import org.zhice.identity.ApiTokens;
import org.zhice.identity.Role;
import org.zhice.identity.Users;

/**
 * The HTTP faces: the transfers API with its Idempotency-Key (replay, 409 on another body, 400
 * naming the field), the auditor's verify endpoint, and the pages in Chinese and English.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureMockMvc
class LedgerWebTest {

    static final String PROGRAM = "web-test";

    @LocalServerPort
    int port;
    @Autowired
    Users users;
    @Autowired
    ApiTokens tokens;
    @Autowired
    Ledger ledger;
    @Autowired
    MockMvc mvc;

    final HttpClient http = HttpClient.newHttpClient();
    String office;
    String auditor;
    final UUID funding = AccountRequest.idFor(PROGRAM, "FUNDING", "office");
    final UUID pool = AccountRequest.idFor(PROGRAM, "BUDGET_POOL", "office");
    final UUID enterprise = AccountRequest.idFor(PROGRAM, "ENTERPRISE_RESERVED", "91330100MA27XK1A2B");

    @BeforeEach
    void setUp() {
        String suffix = Long.toHexString(System.nanoTime());
        office = tokens.issue(users.create("office-" + suffix, "secret-password-1", "Office", Role.PROGRAM_OFFICE, null), "t");
        auditor = tokens.issue(users.create("auditor-" + suffix, "secret-password-1", "Auditor", Role.AUDITOR, null), "t");
        ledger.createAccounts(List.of(AccountRequest.of(PROGRAM, AccountCode.FUNDING, "office"),
                AccountRequest.of(PROGRAM, AccountCode.BUDGET_POOL, "office"),
                AccountRequest.of(PROGRAM, AccountCode.ENTERPRISE_RESERVED, "91330100MA27XK1A2B")));
    }

    private HttpResponse<String> post(String token, String key, String body, String lang) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/api/ledger/transfers" + (lang == null ? "" : "?lang=" + lang)))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String body(UUID id, long amount) {
        return """
                {"transfers": [
                  {"id": "%s", "kind": "SINGLE", "debitAccountId": "%s", "creditAccountId": "%s", "amountFen": 100000,
                   "code": "APPROPRIATION", "sourceType": "policy.program", "sourceId": "web-test", "linked": true},
                  {"id": "%s", "kind": "PENDING", "debitAccountId": "%s", "creditAccountId": "%s", "amountFen": %d,
                   "code": "RESERVATION", "sourceType": "voucher.application", "sourceId": "A-1"}
                ]}""".formatted(UUID.nameUUIDFromBytes(id.toString().getBytes()), funding, pool, id, pool, enterprise, amount);
    }

    @Test
    void anIdempotencyKeyTakesEffectOnceAndRefusesAnotherBody() throws Exception {
        UUID id = UUID.randomUUID();
        String key = "req-" + id;
        HttpResponse<String> first = post(office, key, body(id, 2_500), null);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).contains("\"replayed\":false").contains("\"written\":2").contains("\"code\":\"OK\"");

        HttpResponse<String> again = post(office, key, body(id, 2_500), null);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(again.body()).contains("\"replayed\":true").contains("\"code\":\"OK\"");
        assertThat(ledger.balances(enterprise).orElseThrow().creditsPendingFen()).isEqualTo(2_500);

        HttpResponse<String> other = post(office, key, body(id, 9_999), "en");
        assertThat(other.statusCode()).isEqualTo(409);
        assertThat(other.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(other.body()).contains(key).contains("different request body").contains("nothing was changed");
        assertThat(ledger.balances(enterprise).orElseThrow().creditsPendingFen()).isEqualTo(2_500);

        // the same transfers under a new key: each one answers EXISTS, nothing is written twice
        HttpResponse<String> newKey = post(office, key + "-b", body(id, 2_500), null);
        assertThat(newKey.body()).contains("\"code\":\"EXISTS\"").contains("\"written\":0");
        assertThat(ledger.verify().problems()).isEmpty();
    }

    @Test
    void badInputNamesTheFieldAndRolesAreEnforced() throws Exception {
        HttpResponse<String> noKey = post(office, null, body(UUID.randomUUID(), 10), "en");
        assertThat(noKey.statusCode()).isEqualTo(400);
        assertThat(noKey.body()).contains("Idempotency-Key");

        HttpResponse<String> badField = post(office, "k-" + UUID.randomUUID(),
                body(UUID.randomUUID(), 10).replace("\"kind\": \"PENDING\"", "\"kind\": \"MAYBE\""), null);
        assertThat(badField.statusCode()).isEqualTo(400);
        assertThat(badField.body()).contains("transfers[1].kind").contains("格式无效");

        HttpResponse<String> refused = post(office, "k-" + UUID.randomUUID(),
                body(UUID.randomUUID(), 0), "en");
        assertThat(refused.statusCode()).isEqualTo(200);
        assertThat(refused.body()).contains("LINKED_EVENT_FAILED").contains("AMOUNT_MUST_BE_POSITIVE")
                .contains("positive number of fen");

        assertThat(post(auditor, "k-" + UUID.randomUUID(), body(UUID.randomUUID(), 10), null).statusCode())
                .isEqualTo(403);

        HttpResponse<String> verify = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/api/ledger/verify")).header("Authorization", "Bearer " + auditor).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(verify.statusCode()).isEqualTo(200);
        assertThat(verify.body()).contains("\"ok\":true").contains("headHashHex");
    }

    @Test
    void pagesShowAccountsTheHistoryOfATransferAndVerification() throws Exception {
        UUID appropriation = UUID.randomUUID();
        UUID reservation = UUID.randomUUID();
        UUID grant = UUID.randomUUID();
        ledger.post(List.of(TransferRequest.single(appropriation, funding, pool, 100_000, "APPROPRIATION",
                        "policy.program", PROGRAM),
                TransferRequest.pending(reservation, pool, enterprise, 30_000, "RESERVATION", "voucher.application", "A-42")));
        ledger.post(List.of(TransferRequest.post(grant, reservation, 12_000).withCode("GRANT")));

        String accounts = mvc.perform(get("/ledger").param("program", PROGRAM).with(user("a").roles("AUDITOR")))
                .andReturn().getResponse().getContentAsString();
        assertThat(accounts).contains("年度资金池").contains("企业补贴额度").contains("借贷平衡");

        String history = mvc.perform(get("/ledger/transfers/" + reservation).param("lang", "en")
                        .with(user("a").roles("AUDITOR")))
                .andReturn().getResponse().getContentAsString();
        assertThat(history).contains("Pending (reserved)").contains("voucher.application / A-42")
                .contains(grant.toString()).contains("Posted");

        String post = mvc.perform(get("/ledger/transfers/" + grant).with(user("a").roles("PROGRAM_OFFICE")))
                .andReturn().getResponse().getContentAsString();
        assertThat(post).contains("确认预留").contains(reservation.toString()).contains("释放回原账户");

        String verify = mvc.perform(get("/ledger/verify").with(user("a").roles("AUDITOR")))
                .andReturn().getResponse().getContentAsString();
        assertThat(verify).contains("账本完整").contains(ledger.head().hashHex());

        assertThat(mvc.perform(get("/ledger").with(user("e").roles("ENTERPRISE"))).andReturn().getResponse()
                .getStatus()).isEqualTo(403);
    }
}
