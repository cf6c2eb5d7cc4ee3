package org.zhice.voucher;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.function.Supplier;

import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every POST of the voucher API carries an {@code Idempotency-Key}. The key (per user), a digest
 * of the request (method, path and body as sent) and the answer are stored in the same
 * transaction as the request's effect, under a primary key: the same key with the same request
 * answers the stored answer again without doing anything; with another request it is refused
 * (409) naming the key. A request that fails stores nothing, so it may be retried with its key.
 * Two requests racing with one key are ordered by the database: the second waits for the first.
 */
@Component
class IdempotentRequests {

    static final int MAX_KEY = 128;

    /** The answer to a request: status and JSON body; {@code replayed} when it was stored before. */
    record Answer(int status, String json, boolean replayed) {
    }

    /** The key was used before by this user for another request. */
    static final class KeyConflict extends RuntimeException {
        final String key;

        KeyConflict(String key) {
            super("Idempotency-Key " + key + " was used before with a different request");
            this.key = key;
        }
    }

    /** No usable key was sent. */
    static final class KeyMissing extends RuntimeException {
        KeyMissing() {
            super("an Idempotency-Key header of 1 to " + MAX_KEY + " characters is required");
        }
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final Clock clock;

    IdempotentRequests(JdbcClient jdbc, TransactionTemplate tx, JsonMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
    }

    static String checkKey(String key) {
        if (key == null || key.isBlank() || key.strip().length() > MAX_KEY) {
            throw new KeyMissing();
        }
        return key.strip();
    }

    Answer run(String actor, String key, String method, String path, String body,
               Supplier<ResponseEntity<?>> effect) {
        String checked = checkKey(key);
        String digest = UploadedContracts.sha256((method + " " + path + "\n" + (body == null ? "" : body))
                .getBytes(StandardCharsets.UTF_8));
        return tx.execute(status -> {
            int inserted = jdbc.sql("""
                            insert into voucher_api_request (actor, idempotency_key, request_sha256, created_at)
                            values (:actor, :key, :digest, :at) on conflict do nothing""")
                    .param("actor", actor).param("key", checked).param("digest", digest)
                    .param("at", OffsetDateTime.now(clock))
                    .update();
            if (inserted == 0) {
                Stored stored = jdbc.sql("""
                                select request_sha256, status, response from voucher_api_request
                                where actor = :actor and idempotency_key = :key""")
                        .param("actor", actor).param("key", checked)
                        .query((rs, n) -> new Stored(rs.getString(1), rs.getInt(2), rs.getString(3)))
                        .single();
                if (!stored.digest().equals(digest)) {
                    throw new KeyConflict(checked);
                }
                return new Answer(stored.status(), stored.response(), true);
            }
            ResponseEntity<?> response = effect.get();
            String body0 = json.writeValueAsString(response.getBody());
            jdbc.sql("""
                            update voucher_api_request set status = :status, response = :response
                            where actor = :actor and idempotency_key = :key""")
                    .param("status", response.getStatusCode().value()).param("response", body0)
                    .param("actor", actor).param("key", checked)
                    .update();
            return new Answer(response.getStatusCode().value(), body0, false);
        });
    }

    private record Stored(String digest, int status, String response) {
    }
}
