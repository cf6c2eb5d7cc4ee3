package org.zhice.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/**
 * The parser reads provider, contract and SKU codes without a new String for each line: what it
 * hands on must still be exactly the text of each line, whatever the codes' hashes and however
 * many different codes an upload has.
 */
class UsageParsingCodesTest {

    @Test
    void equalCodesShareOneStringAndDifferentOnesStayApartEvenWithTheSameHash() {
        UsageParsing.Codes codes = new UsageParsing.Codes();
        // "Aa" and "BB" have the same String hash
        String aa = codes.of("xAay".toCharArray(), 1, 2);
        String bb = codes.of("BB".toCharArray(), 0, 2);
        assertThat(aa).isEqualTo("Aa");
        assertThat(bb).isEqualTo("BB");
        assertThat(codes.of("Aa".toCharArray(), 0, 2)).isSameAs(aa);
        assertThat(codes.of("BB".toCharArray(), 0, 2)).isSameAs(bb);
        assertThat(codes.of(new char[0], 0, 0)).isEmpty();
    }

    @Test
    void anUploadWithMoreDifferentCodesThanRememberedReadsEveryLineRight() {
        StringBuilder body = new StringBuilder();
        int lines = 10_000;
        for (int i = 0; i < lines; i++) {
            body.append("{\"event_id\":\"e").append(i).append("\",\"provider_uscc\":\"P").append(i % 3)
                    .append("\",\"contract_id\":\"C-").append(i).append("\",\"sku\":\"S").append(i % 7919)
                    .append("\",\"quantity\":\"1\",\"start\":\"2025-03-01T10:00:00+08:00\",")
                    .append("\"end\":\"2025-03-01T11:00:00+08:00\"}\n");
        }
        UsageBatch batch = UsageParsing.ndjson(body.toString().getBytes(StandardCharsets.UTF_8), lines);
        assertThat(batch.size()).isEqualTo(lines);
        for (int i = 0; i < lines; i++) {
            assertThat(batch.eventId(i)).isEqualTo("e" + i);
            assertThat(batch.provider(i)).isEqualTo("P" + (i % 3));
            assertThat(batch.contract(i)).isEqualTo("C-" + i);
            assertThat(batch.sku(i)).isEqualTo("S" + (i % 7919));
        }
    }
}
